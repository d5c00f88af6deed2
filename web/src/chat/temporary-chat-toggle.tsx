// The new-chat view's "Temporary chat" switch: the next conversation is kept out of the history
// and search, and the server deletes it once idle (retention.temporary_idle_minutes).
import { useI18n } from '../i18n/i18n.js';

/** A switch named "Temporary chat", with its note while on. */
export function TemporaryChatToggle({
  checked,
  onChange,
}: {
  checked: boolean;
  onChange(temporary: boolean): void;
}) {
  const { t } = useI18n();
  return (
    <div className="temporary-chat">
      <label className="temporary-chat-switch">
        <input
          type="checkbox"
          role="switch"
          checked={checked}
          aria-describedby={checked ? 'temporary-chat-note' : undefined}
          onChange={(event) => onChange(event.target.checked)}
        />
        {t('temporaryChat')}
      </label>
      {checked ? (
        <p id="temporary-chat-note" className="muted temporary-chat-note">
          {t('temporaryChatNote')}
        </p>
      ) : null}
    </div>
  );
}
