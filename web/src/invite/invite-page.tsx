// The page an invitation link opens (/invite/:token): which organisation it is for, then a form
// (email, password, display name) that creates the account, signs it in and opens the chat.
// A used, revoked or expired link says so instead.
import { useEffect, useId, useState } from 'react';
import type { FormEvent } from 'react';
import { api } from '../api/client.js';
import { useSession } from '../auth/session.js';
import { format, useI18n } from '../i18n/i18n.js';
import { navigate } from '../lib/router.js';

/** GET /api/invitations/:token. */
interface InvitationPreview {
  orgName: string;
  email: string | null;
  role: 'admin' | 'member';
  status: 'pending' | 'accepted' | 'expired' | 'revoked';
  expiresAt: string;
}

// The page's own words (the rest come from the chat's dictionary): few, so kept here.
const words = {
  en: {
    title: 'Join {org} on Salon',
    intro: 'You have been invited to {org} as {role}. Create your account to start chatting.',
    accept: 'Accept invitation',
    used: 'This invitation has already been used.',
    expired: 'This invitation has expired. Ask for a new one.',
    revoked: 'This invitation was revoked. Ask for a new one.',
    broken: 'This invitation link does not work.',
    admin: 'admin',
    member: 'member',
  },
  fr: {
    title: 'Rejoindre {org} sur Salon',
    intro: 'Vous êtes invité·e dans {org} comme {role}. Créez votre compte pour commencer.',
    accept: 'Accepter l’invitation',
    used: 'Cette invitation a déjà servi.',
    expired: 'Cette invitation a expiré. Demandez-en une nouvelle.',
    revoked: 'Cette invitation a été révoquée. Demandez-en une nouvelle.',
    broken: 'Ce lien d’invitation ne fonctionne pas.',
    admin: 'administrateur·rice',
    member: 'membre',
  },
};

/** The invitation page. */
export function InvitePage({ token }: { token: string }) {
  const { t, language } = useI18n();
  const w = words[language];
  const session = useSession();
  const id = useId();
  const [preview, setPreview] = useState<InvitationPreview | undefined>();
  const [loadError, setLoadError] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [displayName, setDisplayName] = useState('');
  const path = `/api/invitations/${encodeURIComponent(token)}`;

  useEffect(() => {
    api<InvitationPreview>(path).then(
      (answer) => {
        setPreview(answer);
        if (answer.email) setEmail(answer.email);
      },
      (caught: Error) => setLoadError(caught.message),
    );
  }, [path]);

  const title = preview ? format(w.title, { org: preview.orgName }) : t('appName');
  useEffect(() => {
    document.title = title;
  }, [title]);

  const accept = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await api(`${path}/accept`, {
        method: 'POST',
        body: { email, password, ...(displayName.trim() && { displayName: displayName.trim() }) },
      });
      // The answer set the session cookie: read the signed-in state, then open the chat.
      await session.reload();
      navigate({ name: 'home' }, { replace: true });
    } catch (caught) {
      setError((caught as Error).message);
      setBusy(false);
    }
  };

  const closed =
    preview?.status === 'accepted'
      ? w.used
      : preview?.status === 'expired'
        ? w.expired
        : preview?.status === 'revoked'
          ? w.revoked
          : undefined;

  return (
    <main className="auth-screen">
      <div className="auth-card">
        {loadError ? (
          <div role="alert">
            <h1>{w.broken}</h1>
            <p>{loadError}</p>
          </div>
        ) : !preview ? (
          <p className="muted" role="status">
            {t('loading')}
          </p>
        ) : closed ? (
          <div role="alert">
            <h1>{title}</h1>
            <p>{closed}</p>
            <a href="/">{t('openSalon')}</a>
          </div>
        ) : (
          <form className="auth-form" onSubmit={(event) => void accept(event)}>
            <h1>{title}</h1>
            <p className="muted">
              {format(w.intro, { org: preview.orgName, role: w[preview.role] })}
            </p>
            <div className="field">
              <label htmlFor={`${id}-email`}>{t('email')}</label>
              <input
                id={`${id}-email`}
                type="email"
                required
                autoComplete="email"
                readOnly={preview.email !== null}
                value={email}
                onChange={(event) => setEmail(event.target.value)}
              />
            </div>
            <div className="field">
              <label htmlFor={`${id}-password`}>{t('password')}</label>
              <input
                id={`${id}-password`}
                type="password"
                required
                minLength={8}
                autoComplete="new-password"
                aria-describedby={`${id}-password-help`}
                value={password}
                onChange={(event) => setPassword(event.target.value)}
              />
              <span id={`${id}-password-help`} className="muted">
                {t('passwordHelp')}
              </span>
            </div>
            <div className="field">
              <label htmlFor={`${id}-name`}>{t('displayName')}</label>
              <input
                id={`${id}-name`}
                autoComplete="name"
                maxLength={200}
                value={displayName}
                onChange={(event) => setDisplayName(event.target.value)}
              />
            </div>
            {error ? (
              <p className="form-error" role="alert">
                {error}
              </p>
            ) : null}
            <button type="submit" className="primary" disabled={busy}>
              {w.accept}
            </button>
          </form>
        )}
      </div>
    </main>
  );
}
