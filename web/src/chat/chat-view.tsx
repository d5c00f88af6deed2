// The chat screen: header (model, system prompt, share), the virtualized branch, the
// composer. A new chat ("/") becomes a real one on its first message.
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { Message } from '../api/types.js';
import { useConversations } from '../data/conversations.js';
import { defaultModel, rememberModel, useModels } from '../data/models.js';
import { useI18n } from '../i18n/i18n.js';
import { Icon } from '../lib/icons.js';
import { NoModels } from '../models/no-models.js';
import { ShareDialog } from '../share/share-dialog.js';
import { Composer } from './composer.js';
import type { ComposerHandle } from './composer.js';
import { MessageList } from './message-list.js';
import type { MessageActions } from './message-item.js';
import { ModelPicker } from './model-picker.js';
import { RunNotices } from './run-notices.js';
import { SystemPromptPanel } from './system-prompt-panel.js';
import { TemporaryChatToggle } from './temporary-chat-toggle.js';
import { useChat } from './use-chat.js';
import type { DraftSettings } from './use-chat.js';

/** The chat screen for a conversation id (null: a new chat). */
export function ChatView({
  conversationId,
  focusMessageId,
  onOpenSidebar,
  composerRef,
}: {
  conversationId: string | null;
  focusMessageId: string | null;
  onOpenSidebar(): void;
  composerRef: React.RefObject<ComposerHandle | null>;
}) {
  const { t } = useI18n();
  const chat = useChat(conversationId);
  const { models } = useModels();
  const conversations = useConversations();
  const [draft, setDraft] = useState<DraftSettings>({
    model: null,
    systemPrompt: '',
    temporary: false,
  });
  const [editingPrompt, setEditingPrompt] = useState(false);
  const [sharing, setSharing] = useState(false);

  // A search hit may lie on a branch that is not selected: select its branch first, so that the
  // list can scroll to it and highlight it.
  const { path, tree, selectBranch } = chat;
  useEffect(() => {
    if (!focusMessageId || path.some((message) => message.id === focusMessageId)) return;
    const message = tree.byId.get(focusMessageId);
    if (message) selectBranch(message);
  }, [focusMessageId, path, tree, selectBranch]);

  // A new chat starts from a blank draft (state adjusted during render, not in an effect).
  const [shownId, setShownId] = useState(conversationId);
  if (shownId !== conversationId) {
    setShownId(conversationId);
    setEditingPrompt(false);
    if (conversationId === null) setDraft({ model: null, systemPrompt: '' });
  }

  const conversation = chat.conversation;
  const model = conversation?.model ?? draft.model ?? defaultModel(models);
  const systemPrompt = conversation ? (conversation.systemPrompt ?? '') : draft.systemPrompt;
  const listed = conversations.items.find((item) => item.id === conversation?.id);
  const title = listed?.title || conversation?.title || t('untitled');

  useEffect(() => {
    document.title = conversation ? `${title} – Salon` : 'Salon';
  }, [conversation, title]);

  // Escape stops the reply (unless a dialog or an edit box has the key).
  const { generating, stop } = chat;
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape' || !generating || event.defaultPrevented) return;
      if (document.querySelector('dialog[open]')) return;
      event.preventDefault();
      void stop();
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, [generating, stop]);

  // Message actions keep one identity so memoized messages do not re-render on each delta.
  const latest = useRef({ chat, model });
  useLayoutEffect(() => {
    latest.current = { chat, model };
  });
  const actions = useMemo<MessageActions>(
    () => ({
      selectBranch: (message: Message) => latest.current.chat.selectBranch(message),
      regenerate: (message: Message) =>
        void latest.current.chat.regenerate(message, latest.current.model),
      edit: (message: Message, content: string) => void latest.current.chat.edit(message, content),
      rate: (message, rating, comment) => void latest.current.chat.rate(message, rating, comment),
    }),
    [],
  );

  const pickModel = (next: string) => {
    rememberModel(next);
    if (conversation) void chat.configure({ model: next });
    else setDraft((previous) => ({ ...previous, model: next }));
  };
  const saveSystemPrompt = (next: string) => {
    if (conversation) void chat.configure({ systemPrompt: next });
    else setDraft((previous) => ({ ...previous, systemPrompt: next }));
  };

  const noModels = models !== undefined && models.length === 0;
  const empty = chat.path.length === 0;

  return (
    <div className="chat-view">
      <header className="chat-header">
        <button
          type="button"
          className="icon-button sidebar-toggle"
          aria-label={t('openSidebar')}
          title={t('openSidebar')}
          onClick={onOpenSidebar}
        >
          <Icon name="menu" />
        </button>
        <h1 className="chat-title">{conversation ? title : t('newChat')}</h1>
        <div className="chat-header-tools">
          <ModelPicker models={models ?? []} value={model} onChange={pickModel} />
          <button
            type="button"
            className={`text-button${systemPrompt ? ' active' : ''}`}
            aria-expanded={editingPrompt}
            onClick={() => setEditingPrompt((open) => !open)}
          >
            {t('systemPrompt')}
          </button>
          {conversation ? (
            <button
              type="button"
              className="icon-button"
              aria-label={t('share')}
              title={t('share')}
              onClick={() => setSharing(true)}
            >
              <Icon name="share" />
            </button>
          ) : null}
        </div>
      </header>
      {editingPrompt ? (
        <SystemPromptPanel
          value={systemPrompt}
          onSave={saveSystemPrompt}
          onClose={() => setEditingPrompt(false)}
        />
      ) : null}
      <div className="chat-body">
        {chat.status === 'loading' ? (
          <p className="center muted" role="status">
            {t('loading')}
          </p>
        ) : chat.status === 'not-found' ? (
          <p className="center">{t('conversationNotFound')}</p>
        ) : chat.status === 'error' ? (
          <p className="center form-error">{t('errorGeneric', { message: chat.error ?? '' })}</p>
        ) : noModels && empty ? (
          <div className="scroll-area">
            <NoModels />
          </div>
        ) : empty ? (
          <div className="empty-chat">
            <div>
              <p className="greeting">{t('emptyChat')}</p>
              {conversation ? null : (
                <TemporaryChatToggle
                  checked={draft.temporary === true}
                  onChange={(temporary) => setDraft((previous) => ({ ...previous, temporary }))}
                />
              )}
            </div>
          </div>
        ) : (
          <MessageList
            path={chat.path}
            tree={chat.tree}
            live={chat.live}
            readOnly={false}
            focusMessageId={focusMessageId}
            actions={actions}
          />
        )}
      </div>
      <div className="composer-area">
        <RunNotices
          reconnecting={chat.reconnecting}
          error={chat.actionError}
          plain={chat.actionRefused}
          onDismiss={chat.dismissError}
        />
        <Composer
          ref={composerRef}
          generating={chat.generating}
          disabled={noModels || chat.status === 'loading' || chat.status === 'not-found' || !model}
          onSend={(text) => chat.send(text, { model, systemPrompt, temporary: draft.temporary })}
          onStop={() => void chat.stop()}
        />
      </div>
      {sharing && conversation ? (
        <ShareDialog conversationId={conversation.id} onClose={() => setSharing(false)} />
      ) : null}
    </div>
  );
}
