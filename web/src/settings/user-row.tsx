// One account in the settings' list: its email and role. Another member or admin gets a role
// picker (applied at once) and a Delete button (after the browser's confirmation).
import { useState } from 'react';
import { api } from '../api/client.js';
import type { User } from '../api/types.js';
import { useI18n } from '../i18n/i18n.js';
import type { MessageKey } from '../i18n/en.js';

/** The i18n key of a role's name. */
export function roleKey(role: User['role']): MessageKey {
  return role === 'owner' ? 'roleOwner' : role === 'admin' ? 'roleAdmin' : 'roleMember';
}

/** A row of the accounts list. */
export function UserRow({
  user,
  isSelf,
  onChanged,
  onDeleted,
  onError,
}: {
  user: User;
  /** The signed-in user's own row. */
  isSelf: boolean;
  onChanged(user: User): void;
  onDeleted(user: User): void;
  onError(message: string): void;
}) {
  const { t } = useI18n();
  const [busy, setBusy] = useState(false);
  const manageable = user.role !== 'owner' && !isSelf;
  const path = `/api/users/${encodeURIComponent(user.id)}`;

  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    try {
      await action();
    } catch (caught) {
      onError((caught as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const changeRole = (role: 'admin' | 'member') =>
    run(async () => onChanged(await api<User>(path, { method: 'PATCH', body: { role } })));
  const remove = () => {
    if (!confirm(t('confirmDeleteAccount', { email: user.email }))) return;
    void run(async () => {
      await api(path, { method: 'DELETE' });
      onDeleted(user);
    });
  };

  return (
    <li>
      <span>
        {user.email}
        {isSelf ? <span className="muted"> {t('yourAccount')}</span> : null}
      </span>
      {manageable ? (
        <span className="user-actions">
          <select
            aria-label={t('roleOf', { email: user.email })}
            value={user.role}
            disabled={busy}
            onChange={(event) => void changeRole(event.target.value as 'admin' | 'member')}
          >
            <option value="member">{t('roleMember')}</option>
            <option value="admin">{t('roleAdmin')}</option>
          </select>
          <button
            type="button"
            className="danger"
            disabled={busy}
            aria-label={t('deleteAccountOf', { email: user.email })}
            onClick={remove}
          >
            {t('delete')}
          </button>
        </span>
      ) : (
        <span className="badge">{t(roleKey(user.role))}</span>
      )}
    </li>
  );
}
