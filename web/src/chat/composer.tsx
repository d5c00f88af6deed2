// The message box (a contract: textbox "Message", buttons "Send" and, while generating,
// "Stop"). Enter sends, Shift+Enter starts a new line; IME composition is respected.
import { forwardRef, useImperativeHandle, useLayoutEffect, useRef, useState } from 'react';
import type { FormEvent, KeyboardEvent } from 'react';
import { useI18n } from '../i18n/i18n.js';
import { Icon } from '../lib/icons.js';

/** What the chat can do with the composer. */
export interface ComposerHandle {
  focus(): void;
}

/** The composer. onSend resolves false when the message was not sent (the text stays). */
export const Composer = forwardRef<
  ComposerHandle,
  {
    generating: boolean;
    disabled: boolean;
    onSend(text: string): Promise<boolean>;
    onStop(): void;
  }
>(function Composer({ generating, disabled, onSend, onStop }, handle) {
  const { t } = useI18n();
  const [text, setText] = useState('');
  const [sending, setSending] = useState(false);
  const area = useRef<HTMLTextAreaElement>(null);
  useImperativeHandle(handle, () => ({ focus: () => area.current?.focus() }), []);

  // Grow with the text up to a third of the screen (CSS caps it), via CSSOM: CSP-safe.
  useLayoutEffect(() => {
    const element = area.current;
    if (!element) return;
    element.style.height = 'auto';
    element.style.height = `${element.scrollHeight}px`;
  }, [text]);

  const canSend = text.trim() !== '' && !generating && !disabled && !sending;
  const submit = async (event?: FormEvent) => {
    event?.preventDefault();
    if (!canSend) return;
    const message = text;
    setSending(true);
    setText('');
    const sent = await onSend(message);
    setSending(false);
    if (!sent) setText((current) => current || message);
    area.current?.focus();
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void submit();
    }
  };

  return (
    <form className="composer" onSubmit={(event) => void submit(event)}>
      <textarea
        ref={area}
        aria-label={t('message')}
        placeholder={t('messagePlaceholder')}
        rows={1}
        value={text}
        onChange={(event) => setText(event.target.value)}
        onKeyDown={onKeyDown}
        aria-describedby="composer-hint"
        autoFocus
      />
      <span id="composer-hint" className="visually-hidden">
        {t('composerHint')}
      </span>
      {generating ? (
        <button
          type="button"
          className="composer-button stop"
          aria-label={t('stop')}
          title={t('stop')}
          onClick={onStop}
        >
          <Icon name="stop" />
        </button>
      ) : (
        <button
          type="submit"
          className="composer-button"
          aria-label={t('send')}
          title={t('send')}
          disabled={!canSend}
        >
          <Icon name="send" />
        </button>
      )}
    </form>
  );
});
