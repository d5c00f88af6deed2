// Shares a conversation: creates the public link, copies it, or stops sharing.
import { useEffect, useId, useState } from 'react';
import { api } from '../api/client.js';
import { useI18n } from '../i18n/i18n.js';
import { copyText } from '../lib/clipboard.js';
import { Dialog } from '../lib/dialog.js';

/** The share dialog of a conversation. */
export function ShareDialog({
  conversationId,
  onClose,
}: {
  conversationId: string;
  onClose(): void;
}) {
  const { t } = useI18n();
  const id = useId();
  const [share, setShare] = useState<{ id: string; link: string } | undefined>();
  const [status, setStatus] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [stopped, setStopped] = useState(false);

  useEffect(() => {
    api<{ id: string; url: string }>(
      `/api/conversations/${encodeURIComponent(conversationId)}/share`,
      { method: 'POST' },
    ).then(
      (answer) =>
        setShare({
          id: answer.id,
          link: `${location.origin}/s/${encodeURIComponent(answer.id)}`,
        }),
      (caught: Error) => setError(caught.message),
    );
  }, [conversationId]);

  const copy = async () => {
    if (share && (await copyText(share.link))) setStatus(t('linkCopied'));
  };
  const unshare = async () => {
    if (!share) return;
    try {
      await api(`/api/shares/${encodeURIComponent(share.id)}`, { method: 'DELETE' });
      setStopped(true);
      setStatus(t('sharingStopped'));
    } catch (caught) {
      setError((caught as Error).message);
    }
  };

  return (
    <Dialog title={t('shareTitle')} onClose={onClose}>
      <p className="muted">{t('shareHelp')}</p>
      {error ? (
        <p className="form-error" role="alert">
          {t('errorGeneric', { message: error })}
        </p>
      ) : null}
      {share && !stopped ? (
        <>
          <label className="field" htmlFor={id}>
            <span>{t('shareLink')}</span>
          </label>
          <input
            id={id}
            type="url"
            readOnly
            value={share.link}
            onFocus={(e) => e.target.select()}
          />
          <div className="form-actions">
            <button type="button" onClick={() => void unshare()}>
              {t('stopSharing')}
            </button>
            <button type="button" className="primary" onClick={() => void copy()}>
              {t('copyLink')}
            </button>
          </div>
        </>
      ) : null}
      {!share && !error ? <p className="muted">{t('loading')}</p> : null}
      <p role="status" className="muted">
        {status}
      </p>
    </Dialog>
  );
}
