// The screens before a session: first-run setup (create the owner), sign-in and sign-up.
// The sign-in form's names are a contract: "Email", "Password", "Sign in". Single sign-on
// links sit below the form (sso-sign-in.tsx).
import { useId, useState } from 'react';
import type { FormEvent } from 'react';
import { useI18n } from '../i18n/i18n.js';
import { useSession } from './session.js';
import { SsoSignIn } from './sso-sign-in.js';

type Mode = 'setup' | 'signin' | 'signup';

/** Setup when no owner exists, else sign-in (with a link to sign-up when enabled). */
export function AuthScreen() {
  const { state } = useSession();
  const [wantsSignup, setWantsSignup] = useState(false);
  const mode: Mode = state?.setupRequired
    ? 'setup'
    : wantsSignup && state?.signupEnabled
      ? 'signup'
      : 'signin';
  return (
    <main className="auth-screen">
      <div className="auth-card">
        <div className="brand" aria-hidden="true">
          <img src="/favicon.svg" alt="" width="40" height="40" />
        </div>
        <AuthForm key={mode} mode={mode} />
        {mode === 'signin' ? <SsoSignIn /> : null}
        {mode !== 'setup' && state?.signupEnabled ? (
          <SwitchMode mode={mode} onSwitch={() => setWantsSignup(mode === 'signin')} />
        ) : null}
      </div>
    </main>
  );
}

function SwitchMode({ mode, onSwitch }: { mode: Mode; onSwitch(): void }) {
  const { t } = useI18n();
  return (
    <p className="auth-switch">
      {mode === 'signin' ? t('noAccount') : t('haveAccount')}{' '}
      <button type="button" className="link-button" onClick={onSwitch}>
        {mode === 'signin' ? t('signUpTitle') : t('signIn')}
      </button>
    </p>
  );
}

function AuthForm({ mode }: { mode: Mode }) {
  const { t } = useI18n();
  const session = useSession();
  const id = useId();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const title =
    mode === 'setup' ? t('setupTitle') : mode === 'signup' ? t('signUpTitle') : t('signInTitle');
  const submitLabel =
    mode === 'setup' ? t('createOwner') : mode === 'signup' ? t('signUp') : t('signIn');

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      if (mode === 'setup') {
        await session.setup({
          email,
          password,
          ...(displayName.trim() ? { displayName: displayName.trim() } : {}),
        });
      } else if (mode === 'signup') await session.signup({ email, password });
      else await session.login({ email, password });
    } catch (caught) {
      setError((caught as Error).message);
      setBusy(false);
    }
  };

  return (
    <form className="auth-form" onSubmit={(event) => void submit(event)} aria-labelledby={id}>
      <h1 id={id}>{title}</h1>
      {mode === 'setup' ? <p className="muted">{t('setupIntro')}</p> : null}
      <label className="field">
        <span>{t('email')}</span>
        <input
          type="email"
          name="email"
          autoComplete={mode === 'signin' ? 'username' : 'email'}
          required
          autoFocus
          value={email}
          onChange={(event) => setEmail(event.target.value)}
        />
      </label>
      {/* The help text is a description, not part of the name: the field is just "Password". */}
      <div className="field">
        <label htmlFor={`${id}-password`}>{t('password')}</label>
        <input
          id={`${id}-password`}
          type="password"
          name="password"
          autoComplete={mode === 'signin' ? 'current-password' : 'new-password'}
          required
          minLength={mode === 'signin' ? undefined : 8}
          aria-describedby={mode === 'signin' ? undefined : `${id}-password-help`}
          value={password}
          onChange={(event) => setPassword(event.target.value)}
        />
        {mode !== 'signin' ? (
          <small id={`${id}-password-help`} className="muted">
            {t('passwordHelp')}
          </small>
        ) : null}
      </div>
      {mode === 'setup' ? (
        <label className="field">
          <span>{t('displayName')}</span>
          <input
            type="text"
            name="displayName"
            autoComplete="name"
            value={displayName}
            onChange={(event) => setDisplayName(event.target.value)}
          />
        </label>
      ) : null}
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      <button type="submit" className="primary" disabled={busy}>
        {submitLabel}
      </button>
    </form>
  );
}
