// One message of the shown branch: its text (plain for the user, sanitized Markdown for the
// model), `‹ 2/3 ›` between siblings, and its actions (copy, edit, regenerate, feedback).
import { memo, useState } from 'react';
import type { Feedback, Message } from '../api/types.js';
import { useI18n } from '../i18n/i18n.js';
import { CopyButton } from '../lib/copy-button.js';
import { Icon } from '../lib/icons.js';
import { MarkdownView } from '../markdown/markdown.js';

/** What a message can ask of the chat. */
export interface MessageActions {
  selectBranch(message: Message): void;
  regenerate(message: Message): void;
  edit(message: Message, content: string): void;
  rate(message: Message, rating: Feedback['rating'] | null, comment?: string): void;
}

/** Renders one message; memoized so streaming re-renders only the growing one. */
export const MessageItem = memo(function MessageItem({
  message,
  liveText,
  siblings,
  index,
  readOnly,
  highlighted,
  actions,
}: {
  message: Message;
  /** The streamed text so far, while the reply is generating. */
  liveText: string | undefined;
  siblings: readonly Message[];
  index: number;
  readOnly: boolean;
  highlighted: boolean;
  actions: MessageActions | undefined;
}) {
  const { t } = useI18n();
  const [editing, setEditing] = useState(false);
  const streaming = liveText !== undefined;
  // Replaying a reopened run starts from its first event: show the saved text until caught up.
  const text =
    liveText !== undefined && liveText.length >= message.content.length
      ? liveText
      : message.content;
  const isUser = message.role === 'user';
  const author = isUser ? t('you') : t('assistant');

  return (
    <article
      className={`message ${message.role}${highlighted ? ' highlighted' : ''}`}
      aria-label={author}
      aria-busy={streaming || undefined}
      aria-current={highlighted || undefined}
      data-message-id={message.id}
    >
      <div className="message-author">
        {author}
        {!isUser && message.model ? <span className="message-model">{message.model}</span> : null}
      </div>
      {editing && actions ? (
        <EditForm
          initial={message.content}
          onCancel={() => setEditing(false)}
          onSave={(content) => {
            setEditing(false);
            actions.edit(message, content);
          }}
        />
      ) : isUser ? (
        <div className="user-text">{text}</div>
      ) : (
        <>
          <MarkdownView text={text} final={!streaming} />
          {streaming && text === '' ? <span className="typing" aria-hidden="true" /> : null}
        </>
      )}
      {!streaming ? <StatusNote message={message} /> : null}
      {!editing ? (
        <div className="message-actions">
          {siblings.length > 1 && actions ? (
            <SiblingNav
              siblings={siblings}
              index={index}
              onSelect={(sibling) => actions.selectBranch(sibling)}
            />
          ) : null}
          {!streaming ? <CopyButton text={message.content} /> : null}
          {!readOnly && actions && !streaming ? (
            isUser ? (
              <button
                type="button"
                className="icon-button"
                aria-label={t('edit')}
                title={t('edit')}
                onClick={() => setEditing(true)}
              >
                <Icon name="edit" />
              </button>
            ) : (
              <>
                <button
                  type="button"
                  className="icon-button"
                  aria-label={t('regenerate')}
                  title={t('regenerate')}
                  onClick={() => actions.regenerate(message)}
                >
                  <Icon name="regenerate" />
                </button>
                <FeedbackButtons message={message} onRate={actions.rate} />
              </>
            )
          ) : null}
        </div>
      ) : null}
    </article>
  );
});

function StatusNote({ message }: { message: Message }) {
  const { t } = useI18n();
  if (message.status === 'interrupted') return <p className="status-note">{t('interrupted')}</p>;
  if (message.status === 'stopped') return <p className="status-note">{t('stopped')}</p>;
  if (message.status === 'error') {
    return (
      <p className="status-note error" role="alert">
        {t('replyFailed', { message: message.error ?? '' })}
      </p>
    );
  }
  return null;
}

function SiblingNav({
  siblings,
  index,
  onSelect,
}: {
  siblings: readonly Message[];
  index: number;
  onSelect(message: Message): void;
}) {
  const { t } = useI18n();
  const previous = siblings[index - 1];
  const next = siblings[index + 1];
  return (
    <span className="sibling-nav">
      <button
        type="button"
        className="icon-button"
        aria-label={t('previousVersion')}
        disabled={!previous}
        onClick={() => previous && onSelect(previous)}
      >
        <Icon name="left" />
      </button>
      <span className="sibling-count">
        {t('versionOf', { index: index + 1, total: siblings.length })}
      </span>
      <button
        type="button"
        className="icon-button"
        aria-label={t('nextVersion')}
        disabled={!next}
        onClick={() => next && onSelect(next)}
      >
        <Icon name="right" />
      </button>
    </span>
  );
}

function EditForm({
  initial,
  onSave,
  onCancel,
}: {
  initial: string;
  onSave(content: string): void;
  onCancel(): void;
}) {
  const { t } = useI18n();
  const [content, setContent] = useState(initial);
  return (
    <form
      className="edit-form"
      onSubmit={(event) => {
        event.preventDefault();
        if (content.trim()) onSave(content);
      }}
    >
      <textarea
        aria-label={t('editMessage')}
        value={content}
        autoFocus
        rows={Math.min(12, content.split('\n').length + 1)}
        onChange={(event) => setContent(event.target.value)}
        onKeyDown={(event) => {
          if (event.key !== 'Escape') return;
          event.preventDefault();
          onCancel();
        }}
      />
      <div className="form-actions">
        <button type="button" onClick={onCancel}>
          {t('cancel')}
        </button>
        <button type="submit" className="primary" disabled={!content.trim()}>
          {t('saveAndSubmit')}
        </button>
      </div>
    </form>
  );
}

function FeedbackButtons({
  message,
  onRate,
}: {
  message: Message;
  onRate: MessageActions['rate'];
}) {
  const { t } = useI18n();
  const [asking, setAsking] = useState<Feedback['rating'] | null>(null);
  const [comment, setComment] = useState('');
  const rating = message.feedback?.rating ?? null;
  const click = (value: Feedback['rating']) => {
    if (rating === value) {
      onRate(message, null);
      setAsking(null);
      return;
    }
    onRate(message, value);
    setComment('');
    setAsking(value);
  };
  return (
    <>
      <button
        type="button"
        className="icon-button"
        aria-label={t('goodResponse')}
        title={t('goodResponse')}
        aria-pressed={rating === 'up'}
        onClick={() => click('up')}
      >
        <Icon name="up" />
      </button>
      <button
        type="button"
        className="icon-button"
        aria-label={t('badResponse')}
        title={t('badResponse')}
        aria-pressed={rating === 'down'}
        onClick={() => click('down')}
      >
        <Icon name="down" />
      </button>
      {asking ? (
        <form
          className="feedback-form"
          onSubmit={(event) => {
            event.preventDefault();
            if (comment.trim()) onRate(message, asking, comment.trim());
            setAsking(null);
          }}
        >
          <input
            type="text"
            aria-label={t('feedbackComment')}
            placeholder={t('feedbackComment')}
            value={comment}
            autoFocus
            onChange={(event) => setComment(event.target.value)}
            onKeyDown={(event) => {
              if (event.key !== 'Escape') return;
              event.preventDefault();
              setAsking(null);
            }}
          />
          <button type="submit">{t('sendFeedback')}</button>
        </form>
      ) : null}
    </>
  );
}
