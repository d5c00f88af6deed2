// The per-chat system prompt: edited in a small panel under the header.
import { useId, useState } from 'react';
import { useI18n } from '../i18n/i18n.js';

/** Edits a system prompt; onSave receives the new text. */
export function SystemPromptPanel({
  value,
  onSave,
  onClose,
}: {
  value: string;
  onSave(value: string): void;
  onClose(): void;
}) {
  const { t } = useI18n();
  const [text, setText] = useState(value);
  const id = useId();
  return (
    <form
      className="system-prompt-panel"
      onSubmit={(event) => {
        event.preventDefault();
        onSave(text);
        onClose();
      }}
    >
      <label htmlFor={id}>{t('systemPrompt')}</label>
      <p className="muted" id={`${id}-help`}>
        {t('systemPromptHelp')}
      </p>
      <textarea
        id={id}
        aria-describedby={`${id}-help`}
        rows={4}
        value={text}
        autoFocus
        onChange={(event) => setText(event.target.value)}
        onKeyDown={(event) => {
          if (event.key !== 'Escape') return;
          // Handled here: the chat's Escape (stop) must not fire too.
          event.preventDefault();
          onClose();
        }}
      />
      <div className="form-actions">
        <button type="button" onClick={onClose}>
          {t('cancel')}
        </button>
        <button type="submit" className="primary">
          {t('save')}
        </button>
      </div>
    </form>
  );
}
