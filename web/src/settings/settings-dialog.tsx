// Settings: account (sign out, sign out everywhere), language, theme, shortcuts, and for
// owners and admins the accounts list, account creation, the sign-up switch and providers.
import { useEffect, useId, useState } from 'react';
import type { FormEvent } from 'react';
import { api } from '../api/client.js';
import type { User } from '../api/types.js';
import { isAdmin, useSession } from '../auth/session.js';
import { useI18n } from '../i18n/i18n.js';
import type { Language } from '../i18n/i18n.js';
import { Dialog } from '../lib/dialog.js';
import { LazyProvidersPanel } from '../providers/lazy-providers-panel.js';
import { useTheme } from '../lib/theme.js';
import type { ThemeSetting } from '../lib/theme.js';

/** The settings dialog. */
export function SettingsDialog({ onClose }: { onClose(): void }) {
  const { t } = useI18n();
  const { state } = useSession();
  return (
    <Dialog title={t('settings')} onClose={onClose} className="settings-dialog">
      <AccountSection />
      <AppearanceSection />
      <ShortcutsSection />
      {isAdmin(state?.user) ? (
        <>
          <AdminSection />
          <ProvidersSection />
        </>
      ) : null}
    </Dialog>
  );
}

function AccountSection() {
  const { t } = useI18n();
  const session = useSession();
  const [error, setError] = useState<string | undefined>();
  const logout = (everywhere: boolean) =>
    void session.logout(everywhere).catch((caught: Error) => setError(caught.message));
  return (
    <section className="settings-section" aria-labelledby="settings-account">
      <h3 id="settings-account">{t('account')}</h3>
      <p>{t('signedInAs', { email: session.state?.user?.email ?? '' })}</p>
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      <div className="form-actions start">
        <button type="button" onClick={() => logout(false)}>
          {t('signOut')}
        </button>
        <button type="button" onClick={() => logout(true)}>
          {t('signOutEverywhere')}
        </button>
      </div>
    </section>
  );
}

function AppearanceSection() {
  const { t, language, setLanguage } = useI18n();
  const theme = useTheme();
  const languageId = useId();
  const themeId = useId();
  return (
    <section className="settings-section" aria-labelledby="settings-appearance">
      <h3 id="settings-appearance">{t('appearance')}</h3>
      <div className="field-row">
        <label htmlFor={languageId}>{t('language')}</label>
        <select
          id={languageId}
          value={language}
          onChange={(event) => setLanguage(event.target.value as Language)}
        >
          <option value="en" lang="en">
            English
          </option>
          <option value="fr" lang="fr">
            Français
          </option>
        </select>
      </div>
      <div className="field-row">
        <label htmlFor={themeId}>{t('theme')}</label>
        <select
          id={themeId}
          value={theme.setting}
          onChange={(event) => theme.setTheme(event.target.value as ThemeSetting)}
        >
          <option value="system">{t('themeSystem')}</option>
          <option value="light">{t('themeLight')}</option>
          <option value="dark">{t('themeDark')}</option>
        </select>
      </div>
    </section>
  );
}

function ShortcutsSection() {
  const { t } = useI18n();
  const mod = navigator.platform.startsWith('Mac') ? '⌘' : 'Ctrl';
  return (
    <section className="settings-section" aria-labelledby="settings-shortcuts">
      <h3 id="settings-shortcuts">{t('keyboardShortcuts')}</h3>
      <dl className="shortcuts">
        <dt>
          <kbd>{mod}</kbd>+<kbd>Shift</kbd>+<kbd>O</kbd>
        </dt>
        <dd>{t('shortcutNewChat')}</dd>
        <dt>
          <kbd>{mod}</kbd>+<kbd>K</kbd>
        </dt>
        <dd>{t('shortcutSearch')}</dd>
        <dt>
          <kbd>Esc</kbd>
        </dt>
        <dd>{t('shortcutStop')}</dd>
      </dl>
    </section>
  );
}

function ProvidersSection() {
  const { t } = useI18n();
  return (
    <section className="settings-section" aria-labelledby="settings-providers">
      <h3 id="settings-providers">{t('providers')}</h3>
      <LazyProvidersPanel level={4} />
    </section>
  );
}

function AdminSection() {
  const { t } = useI18n();
  const session = useSession();
  const [users, setUsers] = useState<User[] | undefined>();
  const [signupEnabled, setSignupEnabled] = useState<boolean | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<'member' | 'admin'>('member');

  useEffect(() => {
    api<{ users: User[] }>('/api/users').then(
      (answer) => setUsers(answer.users),
      (caught: Error) => setError(caught.message),
    );
    api<{ signupEnabled: boolean }>('/api/settings').then(
      (answer) => setSignupEnabled(answer.signupEnabled),
      (caught: Error) => setError(caught.message),
    );
  }, []);

  const toggleSignup = async (value: boolean) => {
    try {
      const answer = await api<{ signupEnabled: boolean }>('/api/settings', {
        method: 'PUT',
        body: { signupEnabled: value },
      });
      setSignupEnabled(answer.signupEnabled);
      void session.reload();
    } catch (caught) {
      setError((caught as Error).message);
    }
  };

  const create = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    setNotice(undefined);
    try {
      const user = await api<User>('/api/users', {
        method: 'POST',
        body: { email, password, role },
      });
      setUsers((previous) => [...(previous ?? []), user]);
      setNotice(t('accountCreated', { email: user.email }));
      setEmail('');
      setPassword('');
    } catch (caught) {
      setError((caught as Error).message);
    }
  };

  const roleName = (value: User['role']) =>
    t(value === 'owner' ? 'roleOwner' : value === 'admin' ? 'roleAdmin' : 'roleMember');

  return (
    <section className="settings-section" aria-labelledby="settings-accounts">
      <h3 id="settings-accounts">{t('accounts')}</h3>
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      <label className="checkbox">
        <input
          type="checkbox"
          checked={signupEnabled ?? false}
          disabled={signupEnabled === undefined}
          onChange={(event) => void toggleSignup(event.target.checked)}
        />
        {t('signupEnabled')}
      </label>
      {users ? (
        <ul className="user-list">
          {users.map((user) => (
            <li key={user.id}>
              <span>{user.email}</span>
              <span className="badge">{roleName(user.role)}</span>
            </li>
          ))}
        </ul>
      ) : null}
      <form className="create-account" onSubmit={(event) => void create(event)}>
        <h4>{t('createAccount')}</h4>
        <label className="field">
          <span>{t('email')}</span>
          <input
            type="email"
            required
            autoComplete="off"
            value={email}
            onChange={(event) => setEmail(event.target.value)}
          />
        </label>
        <label className="field">
          <span>{t('password')}</span>
          <input
            type="password"
            required
            minLength={8}
            autoComplete="new-password"
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
        </label>
        <label className="field">
          <span>{t('role')}</span>
          <select
            value={role}
            onChange={(event) => setRole(event.target.value as 'member' | 'admin')}
          >
            <option value="member">{t('roleMember')}</option>
            <option value="admin">{t('roleAdmin')}</option>
          </select>
        </label>
        <button type="submit" className="primary">
          {t('createAccount')}
        </button>
        <p role="status" className="muted">
          {notice}
        </p>
      </form>
    </section>
  );
}
