// Invitations: make a link (for one email or anyone, with a role, a team and an expiry) shown in
// full this once with a copy button; list every invitation with its status; revoke a pending one.
import { useState } from 'react';
import type { FormEvent } from 'react';
import { api } from '../api/client.js';
import { useI18n } from '../i18n/i18n.js';
import { ConfirmDialog, ErrorAlert, formatTime, Notice, SecretOnce, Field } from './admin-parts.js';
import { AdminTable } from './admin-table.js';
import type { SectionProps } from './admin-sections.js';
import { useAdminText, type AdminKey } from './admin-text.js';
import type { DataList, Invitation, InvitationStatus, TeamSummary } from './admin-types.js';
import { useAdminAction, useAdminData } from './use-admin-data.js';

const statusLabels: Record<InvitationStatus, AdminKey> = {
  pending: 'statusPending',
  accepted: 'statusAccepted',
  expired: 'statusExpired',
  revoked: 'statusRevoked',
};

/** The invitations section. */
export function InvitationsSection(_props: SectionProps) {
  const t = useAdminText();
  const { language } = useI18n();
  const invitations = useAdminData<DataList<Invitation>>('/api/admin/invitations');
  const teams = useAdminData<DataList<TeamSummary>>('/api/admin/teams');
  const action = useAdminAction();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<'member' | 'admin'>('member');
  const [teamId, setTeamId] = useState('');
  const [ttlHours, setTtlHours] = useState('168');
  const [link, setLink] = useState<string | undefined>();
  const [revoking, setRevoking] = useState<Invitation | undefined>();

  const teamName = (id: string | null) =>
    id ? (teams.data?.data.find((team) => team.id === id)?.name ?? id) : '—';
  const who = (invitation: Invitation) => invitation.email ?? t('anyone');

  const create = (event: FormEvent) => {
    event.preventDefault();
    void action.run(async () => {
      const answer = await api<{ path: string; invitation: Invitation }>('/api/admin/invitations', {
        method: 'POST',
        body: {
          email: email.trim() || null,
          role,
          teamId: teamId || null,
          ttlHours: Number(ttlHours),
        },
      });
      setLink(new URL(answer.path, location.origin).href);
      setEmail('');
      invitations.setData(
        (previous) => previous && { data: [answer.invitation, ...previous.data] },
      );
    });
  };

  const revoke = async (invitation: Invitation) => {
    const revoked = await api<Invitation>(
      `/api/admin/invitations/${encodeURIComponent(invitation.id)}`,
      { method: 'DELETE' },
    );
    invitations.setData(
      (previous) =>
        previous && {
          data: previous.data.map((item) => (item.id === revoked.id ? revoked : item)),
        },
    );
    action.announce(t('invitationRevoked'));
  };

  return (
    <>
      <ErrorAlert message={invitations.error ?? teams.error ?? action.error} />
      <Notice message={action.notice} />
      <form className="admin-form" onSubmit={create}>
        <Field label={t('inviteEmail')}>
          <input
            type="email"
            autoComplete="off"
            value={email}
            onChange={(event) => setEmail(event.target.value)}
          />
        </Field>
        <Field label={t('inviteRole')}>
          <select value={role} onChange={(event) => setRole(event.target.value as 'member')}>
            <option value="member">{t('roleMember')}</option>
            <option value="admin">{t('roleAdmin')}</option>
          </select>
        </Field>
        <Field label={t('inviteTeam')}>
          <select value={teamId} onChange={(event) => setTeamId(event.target.value)}>
            <option value="">{t('noTeam')}</option>
            {teams.data?.data.map((team) => (
              <option key={team.id} value={team.id}>
                {team.name}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('inviteExpiry')}>
          <select value={ttlHours} onChange={(event) => setTtlHours(event.target.value)}>
            <option value="24">{t('oneDay')}</option>
            <option value="168">{t('sevenDays')}</option>
            <option value="720">{t('thirtyDays')}</option>
          </select>
        </Field>
        <div className="form-actions start">
          <button type="submit" className="primary" disabled={action.busy}>
            {t('createInvitation')}
          </button>
        </div>
      </form>
      {link ? (
        <SecretOnce label={t('invitationLink')} value={link} copyLabel={t('copyLink')} />
      ) : null}
      <AdminTable
        label={t('invitationsCaption')}
        rows={invitations.data?.data}
        empty={t('noInvitations')}
        headers={[
          t('userEmail'),
          t('inviteRole'),
          t('inviteTeam'),
          t('status'),
          t('expires'),
          t('actions'),
        ]}
      >
        {(invitation) => (
          <tr key={invitation.id}>
            <th scope="row">{who(invitation)}</th>
            <td>{t(invitation.role === 'admin' ? 'roleAdmin' : 'roleMember')}</td>
            <td>{teamName(invitation.teamId)}</td>
            <td>
              <span className={`badge status-${invitation.status}`}>
                {t(statusLabels[invitation.status])}
              </span>
            </td>
            <td>{formatTime(invitation.expiresAt, language)}</td>
            <td className="row-actions">
              {invitation.status === 'pending' ? (
                <button
                  type="button"
                  className="danger"
                  aria-label={t('revokeInvitationOf', { who: who(invitation) })}
                  onClick={() => setRevoking(invitation)}
                >
                  {t('revoke')}
                </button>
              ) : null}
            </td>
          </tr>
        )}
      </AdminTable>
      {revoking ? (
        <ConfirmDialog
          title={t('revokeInvitationTitle')}
          message={t('revokeInvitationConfirm', { who: who(revoking) })}
          confirmLabel={t('revoke')}
          onConfirm={() => revoke(revoking)}
          onClose={() => setRevoking(undefined)}
        />
      ) : null}
    </>
  );
}
