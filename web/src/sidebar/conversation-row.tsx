// One conversation in the sidebar: a link, and a menu to rename, pin, move, share, export,
// archive or delete it.
import { useState } from 'react';
import type { Conversation } from '../api/types.js';
import { useConversations } from '../data/conversations.js';
import { useI18n } from '../i18n/i18n.js';
import { download } from '../lib/download.js';
import { Icon } from '../lib/icons.js';
import { MenuButton } from '../lib/menu.js';
import type { MenuEntry } from '../lib/menu.js';
import { navigate } from '../lib/router.js';
import { ShareDialog } from '../share/share-dialog.js';
import { InlineNameForm } from './inline-name-form.js';

/** A sidebar entry. */
export function ConversationRow({
  conversation,
  active,
  onOpen,
  onError,
}: {
  conversation: Conversation;
  active: boolean;
  onOpen(): void;
  onError(message: string): void;
}) {
  const { t } = useI18n();
  const list = useConversations();
  const [renaming, setRenaming] = useState(false);
  const [sharing, setSharing] = useState(false);
  const title = conversation.title || t('untitled');
  const url = `/c/${encodeURIComponent(conversation.id)}`;
  const run = (action: Promise<unknown>) =>
    void action.catch((error: Error) => onError(error.message));
  const exportUrl = (format: 'md' | 'json') =>
    `/api/conversations/${encodeURIComponent(conversation.id)}/export?format=${format}`;

  const entries: MenuEntry[] = [
    { label: t('rename'), onSelect: () => setRenaming(true) },
    {
      label: conversation.pinned ? t('unpin') : t('pin'),
      onSelect: () => run(list.update(conversation.id, { pinned: !conversation.pinned })),
    },
    { label: t('share'), onSelect: () => setSharing(true) },
    { label: t('exportMarkdown'), onSelect: () => download(exportUrl('md')) },
    { label: t('exportJson'), onSelect: () => download(exportUrl('json')) },
    {
      label: t('archive'),
      onSelect: () => {
        run(list.update(conversation.id, { archived: true }));
        if (active) navigate({ name: 'home' });
      },
    },
    {
      label: t('delete'),
      danger: true,
      onSelect: () => {
        if (!confirm(t('confirmDelete', { title }))) return;
        run(list.remove(conversation.id));
        if (active) navigate({ name: 'home' });
      },
    },
  ];
  if (list.folders.length > 0) {
    entries.push({ kind: 'heading', label: t('moveToFolder') });
    entries.push({
      label: t('noFolder'),
      checked: conversation.folderId === null,
      onSelect: () => run(list.update(conversation.id, { folderId: null })),
    });
    for (const folder of list.folders) {
      entries.push({
        label: folder.name,
        checked: conversation.folderId === folder.id,
        onSelect: () => run(list.update(conversation.id, { folderId: folder.id })),
      });
    }
  }

  return (
    <li className={`conversation-row${active ? ' active' : ''}`}>
      {renaming ? (
        <InlineNameForm
          label={t('title')}
          initial={conversation.title ?? ''}
          onCancel={() => setRenaming(false)}
          onSave={(name) => {
            setRenaming(false);
            run(list.update(conversation.id, { title: name }));
          }}
        />
      ) : (
        <a
          href={url}
          aria-current={active ? 'page' : undefined}
          onClick={(event) => {
            if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
            event.preventDefault();
            navigate({ name: 'chat', id: conversation.id, messageId: null });
            onOpen();
          }}
        >
          {conversation.pinned ? <Icon name="pin" /> : null}
          <span className="conversation-title">{title}</span>
        </a>
      )}
      <MenuButton
        label={t('actionsFor', { title })}
        icon={<Icon name="more" />}
        entries={entries}
      />
      {sharing ? (
        <ShareDialog conversationId={conversation.id} onClose={() => setSharing(false)} />
      ) : null}
    </li>
  );
}
