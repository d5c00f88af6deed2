// One team's members, opened from the teams list: add someone of the organisation as member or
// manager, change a member's team role, remove them (after a confirmation).
import { useId, useState } from 'react';
import type { FormEvent } from 'react';
import { api } from '../api/client.js';
import type { User } from '../api/types.js';
import { ConfirmDialog, ErrorAlert, Notice, Field } from './admin-parts.js';
import { useAdminText } from './admin-text.js';
import type { DataList, TeamMember, TeamSummary } from './admin-types.js';
import { useAdminAction, useAdminData } from './use-admin-data.js';

type TeamRole = TeamMember['role'];

/** The members panel of `team`. */
export function TeamMembers({
  team,
  onChanged,
  onClose,
}: {
  team: TeamSummary;
  /** The member count changed. */
  onChanged(): void;
  onClose(): void;
}) {
  const t = useAdminText();
  const headingId = useId();
  const base = `/api/admin/teams/${encodeURIComponent(team.id)}/members`;
  const members = useAdminData<DataList<TeamMember>>(base);
  const users = useAdminData<{ users: User[] }>('/api/users');
  const action = useAdminAction();
  const [userId, setUserId] = useState('');
  const [role, setRole] = useState<TeamRole>('member');
  const [removing, setRemoving] = useState<TeamMember | undefined>();
  const roleName = (value: TeamRole) => t(value === 'manager' ? 'teamManager' : 'teamMember');

  const put = (id: string, email: string, value: TeamRole) =>
    action.run(async () => {
      const answer = await api<DataList<TeamMember>>(`${base}/${encodeURIComponent(id)}`, {
        method: 'PUT',
        body: { role: value },
      });
      members.setData(() => answer);
      onChanged();
      return t('memberAdded', { email, role: roleName(value) });
    });

  const add = (event: FormEvent) => {
    event.preventDefault();
    const user = users.data?.users.find((item) => item.id === userId);
    if (!user) return;
    void put(user.id, user.email, role).then((done) => done && setUserId(''));
  };

  const remove = async (member: TeamMember) => {
    await api(`${base}/${encodeURIComponent(member.userId)}`, { method: 'DELETE' });
    members.setData(
      (previous) =>
        previous && { data: previous.data.filter((item) => item.userId !== member.userId) },
    );
    onChanged();
    action.announce(t('memberRemoved', { email: member.email }));
  };

  const inTeam = new Set(members.data?.data.map((member) => member.userId));
  const candidates = users.data?.users.filter((user) => !inTeam.has(user.id)) ?? [];
  return (
    <section className="admin-panel" aria-labelledby={headingId}>
      <div className="panel-heading">
        <h3 id={headingId}>{t('teamMembersTitle', { name: team.name })}</h3>
        <button type="button" onClick={onClose}>
          {t('closeTeam')}
        </button>
      </div>
      <ErrorAlert message={members.error ?? users.error ?? action.error} />
      <Notice message={action.notice} />
      {members.data && members.data.data.length === 0 ? (
        <p className="muted">{t('noMembers')}</p>
      ) : null}
      {members.data && members.data.data.length > 0 ? (
        <ul className="member-list" aria-label={t('teamMembersTitle', { name: team.name })}>
          {members.data.data.map((member) => (
            <li key={member.userId}>
              <span>
                {member.displayName ? `${member.displayName} <${member.email}>` : member.email}
              </span>
              <span className="row-actions">
                <select
                  aria-label={t('teamRoleOf', { email: member.email })}
                  value={member.role}
                  disabled={action.busy}
                  onChange={(event) =>
                    void put(member.userId, member.email, event.target.value as TeamRole)
                  }
                >
                  <option value="member">{t('teamMember')}</option>
                  <option value="manager">{t('teamManager')}</option>
                </select>
                <button
                  type="button"
                  className="danger"
                  aria-label={t('removeMemberOf', { email: member.email })}
                  onClick={() => setRemoving(member)}
                >
                  {t('removeMember')}
                </button>
              </span>
            </li>
          ))}
        </ul>
      ) : null}
      <form className="admin-form inline" onSubmit={add}>
        <Field label={t('person')}>
          <select required value={userId} onChange={(event) => setUserId(event.target.value)}>
            <option value="">{t('choosePerson')}</option>
            {candidates.map((user) => (
              <option key={user.id} value={user.id}>
                {user.email}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('teamRole')}>
          <select value={role} onChange={(event) => setRole(event.target.value as TeamRole)}>
            <option value="member">{t('teamMember')}</option>
            <option value="manager">{t('teamManager')}</option>
          </select>
        </Field>
        <button type="submit" className="primary" disabled={action.busy || !userId}>
          {t('addToTeam')}
        </button>
      </form>
      {removing ? (
        <ConfirmDialog
          title={t('removeMemberTitle')}
          message={t('removeMemberConfirm', { email: removing.email, team: team.name })}
          confirmLabel={t('removeMember')}
          onConfirm={() => remove(removing)}
          onClose={() => setRemoving(undefined)}
        />
      ) : null}
    </section>
  );
}
