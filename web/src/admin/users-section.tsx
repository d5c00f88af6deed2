// Users: the organisation's accounts with their roles. An admin changes another member's or
// admin's role, deletes an account, or erases it with everything it wrote — each after a
// confirmation. The owner's account and one's own are shown but not changeable (the server
// refuses those too).
import { useState } from 'react';
import { api } from '../api/client.js';
import type { User } from '../api/types.js';
import { useI18n } from '../i18n/i18n.js';
import { ConfirmDialog, ErrorAlert, formatTime, Notice } from './admin-parts.js';
import { AdminTable } from './admin-table.js';
import type { SectionProps } from './admin-sections.js';
import { useAdminText, type AdminKey } from './admin-text.js';
import { useAdminData, useAdminAction } from './use-admin-data.js';

/** The i18n key of a role's name. */
export function roleLabel(role: User['role']): AdminKey {
  return role === 'owner' ? 'roleOwner' : role === 'admin' ? 'roleAdmin' : 'roleMember';
}

type Pending =
  | { kind: 'role'; user: User; role: 'admin' | 'member' }
  | { kind: 'delete'; user: User }
  | { kind: 'erase'; user: User };

/** The users section. */
export function UsersSection({ selfId }: SectionProps) {
  const t = useAdminText();
  const { language } = useI18n();
  const users = useAdminData<{ users: User[] }>('/api/users');
  const action = useAdminAction();
  const [pending, setPending] = useState<Pending | undefined>();

  const replace = (user: User) =>
    users.setData(
      (previous) =>
        previous && { users: previous.users.map((item) => (item.id === user.id ? user : item)) },
    );
  const drop = (user: User) =>
    users.setData(
      (previous) => previous && { users: previous.users.filter((item) => item.id !== user.id) },
    );

  // Runs inside the dialog: a refusal stays there with the server's message.
  const confirmPending = async () => {
    if (!pending) return;
    const { user } = pending;
    const path = `/api/users/${encodeURIComponent(user.id)}`;
    if (pending.kind === 'role') {
      const changed = await api<User>(path, { method: 'PATCH', body: { role: pending.role } });
      replace(changed);
      action.announce(t('roleChangedTo', { email: user.email, role: t(roleLabel(changed.role)) }));
    } else if (pending.kind === 'delete') {
      await api(path, { method: 'DELETE' });
      drop(user);
      action.announce(t('userDeleted', { email: user.email }));
    } else {
      await api(`/api/admin/users/${encodeURIComponent(user.id)}/erase`, { method: 'POST' });
      drop(user);
      action.announce(t('userErased', { email: user.email }));
    }
  };

  return (
    <>
      <ErrorAlert message={users.error ?? action.error} />
      <Notice message={action.notice} />
      <AdminTable
        label={t('usersCaption')}
        rows={users.data?.users}
        headers={[t('userEmail'), t('userName'), t('userRole'), t('created'), t('actions')]}
      >
        {(user) => {
          const manageable = user.role !== 'owner' && user.id !== selfId;
          return (
            <tr key={user.id}>
              <th scope="row">
                {user.email}
                {user.id === selfId ? <span className="muted"> {t('you')}</span> : null}
              </th>
              <td>{user.displayName ?? '—'}</td>
              <td>
                {manageable ? (
                  <select
                    aria-label={t('roleOf', { email: user.email })}
                    value={user.role}
                    disabled={action.busy}
                    onChange={(event) =>
                      setPending({
                        kind: 'role',
                        user,
                        role: event.target.value as 'admin' | 'member',
                      })
                    }
                  >
                    <option value="member">{t('roleMember')}</option>
                    <option value="admin">{t('roleAdmin')}</option>
                  </select>
                ) : (
                  <span className="badge">{t(roleLabel(user.role))}</span>
                )}
              </td>
              <td>{formatTime(user.createdAt, language)}</td>
              <td className="row-actions">
                {manageable ? (
                  <>
                    <button
                      type="button"
                      className="danger"
                      aria-label={t('deleteUserOf', { email: user.email })}
                      onClick={() => setPending({ kind: 'delete', user })}
                    >
                      {t('deleteUser')}
                    </button>
                    <button
                      type="button"
                      className="danger"
                      aria-label={t('eraseUserOf', { email: user.email })}
                      onClick={() => setPending({ kind: 'erase', user })}
                    >
                      {t('eraseUser')}
                    </button>
                  </>
                ) : null}
              </td>
            </tr>
          );
        }}
      </AdminTable>
      {pending ? (
        <ConfirmDialog
          title={t(
            pending.kind === 'role'
              ? 'changeRoleTitle'
              : pending.kind === 'delete'
                ? 'deleteUserTitle'
                : 'eraseUserTitle',
          )}
          message={
            pending.kind === 'role'
              ? t('changeRoleConfirm', {
                  email: pending.user.email,
                  role: t(roleLabel(pending.role)),
                })
              : t(pending.kind === 'delete' ? 'deleteUserConfirm' : 'eraseUserConfirm', {
                  email: pending.user.email,
                })
          }
          confirmLabel={t(
            pending.kind === 'role'
              ? 'confirm'
              : pending.kind === 'delete'
                ? 'deleteUser'
                : 'eraseUser',
          )}
          onConfirm={confirmPending}
          onClose={() => setPending(undefined)}
        />
      ) : null}
    </>
  );
}
