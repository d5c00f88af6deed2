// Settings: the conversations the user has shared, each with its title (opening the public
// page), the day it was shared and a "Revoke" button that stops the link at once.
import { useEffect, useState } from 'react';
import { api } from '../api/client.js';
import type { SharedLink } from '../api/types.js';
import { useI18n } from '../i18n/i18n.js';

/** The list of the user's working share links. */
export function SharedLinksSection() {
  const { t, language } = useI18n();
  const [links, setLinks] = useState<SharedLink[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [status, setStatus] = useState<string | undefined>();

  useEffect(() => {
    api<{ shares: SharedLink[] }>('/api/shares').then(
      (answer) => setLinks(answer.shares),
      (caught: Error) => setError(caught.message),
    );
  }, []);

  const titleOf = (link: SharedLink) => link.title || t('untitled');
  const day = new Intl.DateTimeFormat(language, { dateStyle: 'medium' });

  const revoke = async (link: SharedLink) => {
    setError(undefined);
    try {
      await api(`/api/shares/${encodeURIComponent(link.id)}`, { method: 'DELETE' });
      setLinks((previous) => previous?.filter((item) => item.id !== link.id));
      setStatus(t('linkRevoked', { title: titleOf(link) }));
    } catch (caught) {
      setError((caught as Error).message);
    }
  };

  return (
    <section className="settings-section" aria-labelledby="settings-shared-links">
      <h3 id="settings-shared-links">{t('sharedLinks')}</h3>
      {error ? (
        <p className="form-error" role="alert">
          {t('errorGeneric', { message: error })}
        </p>
      ) : null}
      {links === undefined ? (
        error ? null : (
          <p className="muted">{t('loading')}</p>
        )
      ) : links.length === 0 ? (
        <p className="muted">{t('noSharedLinks')}</p>
      ) : (
        <ul className="shared-link-list" aria-label={t('sharedLinks')}>
          {links.map((link) => (
            <li key={link.id}>
              <div>
                <a href={link.url} target="_blank" rel="noopener noreferrer">
                  {titleOf(link)}
                </a>
                <p className="muted">
                  {t('sharedOn', { date: day.format(new Date(link.createdAt)) })}
                </p>
              </div>
              <button
                type="button"
                className="danger"
                aria-label={t('revokeLinkTo', { title: titleOf(link) })}
                onClick={() => void revoke(link)}
              >
                {t('revoke')}
              </button>
            </li>
          ))}
        </ul>
      )}
      <p role="status" className="muted">
        {status}
      </p>
    </section>
  );
}
