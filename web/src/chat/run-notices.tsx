// Above the composer: "reconnecting" while a followed reply has lost its stream, and the last
// error with a Close button. Shared by the chat and the arena, which follow replies alike.
import { useI18n } from '../i18n/i18n.js';

/** The notices for a view that follows replies. */
export function RunNotices(props: {
  reconnecting: boolean;
  error: string | undefined | null;
  /** Show the error's message as it is, without "Something went wrong" (a quota refusal). */
  plain?: boolean;
  onDismiss: () => void;
}) {
  const { t } = useI18n();
  return (
    <>
      {props.reconnecting ? (
        <p className="notice" role="status">
          {t('reconnecting')}
        </p>
      ) : null}
      {props.error ? (
        <p className="notice error" role="alert">
          {props.plain ? props.error : t('errorGeneric', { message: props.error })}{' '}
          <button type="button" className="link-button" onClick={props.onDismiss}>
            {t('close')}
          </button>
        </p>
      ) : null}
    </>
  );
}
