// Settings for owners and admins: the accounts (each one's role, which they may change, and
// deletion after a confirmation), account creation and the sign-up switch. The owner's account
// and one's own are shown but not changeable (the server refuses those too).
import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import { api } from '../api/client.js';
import type { User } from '../api/types.js';
import { useSession } from '../auth/session.js';
import { useI18n } from '../i18n/i18n.js';
import { roleKey, UserRow } from './user-row.js';

/** Owners' and admins' accounts section. */
export function AccountsSection() {
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

  const changed = (user: User) => {
    setError(undefined);
    setUsers((previous) => previous?.map((item) => (item.id === user.id ? user : item)));
    setNotice(t('roleChanged', { email: user.email, role: t(roleKey(user.role)) }));
  };
  const deleted = (user: User) => {
    setError(undefined);
    setUsers((previous) => previous?.filter((item) => item.id !== user.id));
    setNotice(t('accountDeleted', { email: user.email }));
  };

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
        <ul className="user-list" aria-label={t('accounts')}>
          {users.map((user) => (
            <UserRow
              key={user.id}
              user={user}
              isSelf={user.id === session.state?.user?.id}
              onChanged={changed}
              onDeleted={deleted}
              onError={setError}
            />
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
      </form>
      <p role="status" className="muted">
        {notice}
      </p>
    </section>
  );
}
