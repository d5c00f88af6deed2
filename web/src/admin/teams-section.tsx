// Teams: create, rename and delete the organisation's teams; open one to manage its members.
import { useState } from 'react';
import type { FormEvent } from 'react';
import { api } from '../api/client.js';
import { useI18n } from '../i18n/i18n.js';
import { ConfirmDialog, ErrorAlert, Notice, Field } from './admin-parts.js';
import { AdminTable } from './admin-table.js';
import type { SectionProps } from './admin-sections.js';
import { useAdminText } from './admin-text.js';
import type { DataList, TeamSummary } from './admin-types.js';
import { TeamMembers } from './team-members.js';
import { useAdminAction, useAdminData } from './use-admin-data.js';

/** The teams section. */
export function TeamsSection(_props: SectionProps) {
  const t = useAdminText();
  const { t: tc } = useI18n();
  const teams = useAdminData<DataList<TeamSummary>>('/api/admin/teams');
  const action = useAdminAction();
  const [name, setName] = useState('');
  const [openId, setOpenId] = useState<string | undefined>();
  const [renaming, setRenaming] = useState<TeamSummary | undefined>();
  const [newName, setNewName] = useState('');
  const [deleting, setDeleting] = useState<TeamSummary | undefined>();

  const create = (event: FormEvent) => {
    event.preventDefault();
    void action.run(async () => {
      const team = await api<TeamSummary>('/api/admin/teams', { method: 'POST', body: { name } });
      setName('');
      teams.reload();
      setOpenId(team.id);
      return t('teamCreated', { name: team.name });
    });
  };

  const rename = (event: FormEvent) => {
    event.preventDefault();
    const team = renaming;
    if (!team) return;
    void action.run(async () => {
      const saved = await api<TeamSummary>(`/api/admin/teams/${encodeURIComponent(team.id)}`, {
        method: 'PATCH',
        body: { name: newName },
      });
      setRenaming(undefined);
      teams.reload();
      return t('teamRenamed', { name: saved.name });
    });
  };

  const remove = async (team: TeamSummary) => {
    await api(`/api/admin/teams/${encodeURIComponent(team.id)}`, { method: 'DELETE' });
    if (openId === team.id) setOpenId(undefined);
    teams.reload();
    action.announce(t('teamDeleted', { name: team.name }));
  };

  const open = teams.data?.data.find((team) => team.id === openId);
  return (
    <>
      <ErrorAlert message={teams.error ?? action.error} />
      <Notice message={action.notice} />
      <form className="admin-form inline" onSubmit={create}>
        <Field label={t('teamName')}>
          <input required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        <button type="submit" className="primary" disabled={action.busy}>
          {t('createTeam')}
        </button>
      </form>
      <AdminTable
        label={t('teamsCaption')}
        rows={teams.data?.data}
        empty={t('noTeams')}
        headers={[t('name'), t('members'), t('actions')]}
      >
        {(team) => (
          <tr key={team.id} className={team.id === openId ? 'selected-row' : undefined}>
            <th scope="row">
              {renaming?.id === team.id ? (
                <form className="inline-form" onSubmit={rename}>
                  <input
                    aria-label={t('newTeamName', { name: team.name })}
                    required
                    maxLength={200}
                    value={newName}
                    onChange={(event) => setNewName(event.target.value)}
                  />
                  <button type="submit" disabled={action.busy}>
                    {t('renameTeam')}
                  </button>
                  <button type="button" onClick={() => setRenaming(undefined)}>
                    {tc('cancel')}
                  </button>
                </form>
              ) : (
                <button
                  type="button"
                  className="link-button"
                  aria-expanded={team.id === openId}
                  aria-label={t('openTeam', { name: team.name })}
                  onClick={() => setOpenId(team.id === openId ? undefined : team.id)}
                >
                  {team.name}
                </button>
              )}
            </th>
            <td>{team.memberCount}</td>
            <td className="row-actions">
              <button
                type="button"
                aria-label={t('renameTeamOf', { name: team.name })}
                onClick={() => {
                  setRenaming(team);
                  setNewName(team.name);
                }}
              >
                {t('renameTeam')}
              </button>
              <button
                type="button"
                className="danger"
                aria-label={t('deleteTeamOf', { name: team.name })}
                onClick={() => setDeleting(team)}
              >
                {t('deleteTeam')}
              </button>
            </td>
          </tr>
        )}
      </AdminTable>
      {open ? (
        <TeamMembers
          key={open.id}
          team={open}
          onChanged={teams.reload}
          onClose={() => setOpenId(undefined)}
        />
      ) : null}
      {deleting ? (
        <ConfirmDialog
          title={t('deleteTeamTitle')}
          message={t('deleteTeamConfirm', { name: deleting.name })}
          confirmLabel={t('deleteTeam')}
          onConfirm={() => remove(deleting)}
          onClose={() => setDeleting(undefined)}
        />
      ) : null}
    </>
  );
}
