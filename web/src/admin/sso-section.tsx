// Single sign-on: the organisation's OpenID Connect provider (issuer, client id, a client secret
// that goes in but never comes back, the groups claim and group → team/role mappings) and its
// SCIM token, made here and shown once (docs/sso.md, docs/scim.md).
import { useEffect, useId, useState } from 'react';
import type { FormEvent } from 'react';
import { api } from '../api/client.js';
import { ConfirmDialog, ErrorAlert, Notice, SecretOnce, Field, Checkbox } from './admin-parts.js';
import type { SectionProps } from './admin-sections.js';
import { useAdminText } from './admin-text.js';
import type { DataList, Org, TeamSummary } from './admin-types.js';
import { useAdminAction, useAdminData } from './use-admin-data.js';

/** One group mapping as the form edits it ('' for a team or role left out). */
interface MappingDraft {
  group: string;
  team: string;
  role: '' | 'admin' | 'member';
}

/** GET /api/admin/sso. */
interface SsoAnswer {
  settings: {
    issuer: string;
    clientId: string;
    hasClientSecret: boolean;
    groupsClaim: string;
    groupMappings: { group: string; team?: string; role?: 'admin' | 'member' }[];
    enabled: boolean;
  } | null;
  redirectUri: string;
}

/** The single sign-on section. */
export function SsoSection(_props: SectionProps) {
  const t = useAdminText();
  const sso = useAdminData<SsoAnswer>('/api/admin/sso');
  const teams = useAdminData<DataList<TeamSummary>>('/api/admin/teams');
  const action = useAdminAction();
  const teamListId = useId();
  const [issuer, setIssuer] = useState('');
  const [clientId, setClientId] = useState('');
  const [secret, setSecret] = useState('');
  const [groupsClaim, setGroupsClaim] = useState('groups');
  const [enabled, setEnabled] = useState(true);
  const [mappings, setMappings] = useState<MappingDraft[]>([]);
  const [deleting, setDeleting] = useState(false);

  useEffect(() => {
    const settings = sso.data?.settings;
    if (!settings) return;
    setIssuer(settings.issuer);
    setClientId(settings.clientId);
    setGroupsClaim(settings.groupsClaim);
    setEnabled(settings.enabled);
    setMappings(
      settings.groupMappings.map((mapping) => ({
        group: mapping.group,
        team: mapping.team ?? '',
        role: mapping.role ?? '',
      })),
    );
  }, [sso.data]);

  const save = (event: FormEvent) => {
    event.preventDefault();
    void action.run(async () => {
      const answer = await api<SsoAnswer>('/api/admin/sso', {
        method: 'PUT',
        body: {
          issuer,
          clientId,
          // Left empty: the stored secret stays.
          ...(secret && { clientSecret: secret }),
          groupsClaim,
          enabled,
          groupMappings: mappings.map((mapping) => ({
            group: mapping.group,
            ...(mapping.team && { team: mapping.team }),
            ...(mapping.role && { role: mapping.role }),
          })),
        },
      });
      setSecret('');
      sso.setData(() => answer);
      return t('ssoSaved');
    });
  };

  const remove = async () => {
    await api('/api/admin/sso', { method: 'DELETE' });
    sso.reload();
    setIssuer('');
    setClientId('');
    setMappings([]);
    action.announce(t('ssoDeleted'));
  };

  const edit = (index: number, change: Partial<MappingDraft>) =>
    setMappings((previous) =>
      previous.map((mapping, at) => (at === index ? { ...mapping, ...change } : mapping)),
    );

  const settings = sso.data?.settings;
  return (
    <>
      <ErrorAlert message={sso.error ?? teams.error ?? action.error} />
      <Notice message={action.notice} />
      {sso.data ? (
        <p>
          {t('ssoRedirectUri')}: <code>{sso.data.redirectUri}</code>
        </p>
      ) : null}
      <form className="admin-form" onSubmit={save}>
        <Field label={t('ssoIssuer')}>
          <input
            type="url"
            required
            value={issuer}
            onChange={(event) => setIssuer(event.target.value)}
          />
        </Field>
        <Field label={t('ssoClientId')}>
          <input required value={clientId} onChange={(event) => setClientId(event.target.value)} />
        </Field>
        <Field
          label={t('ssoClientSecret')}
          help={t(settings?.hasClientSecret ? 'ssoSecretSet' : 'ssoSecretUnset')}
        >
          <input
            type="password"
            autoComplete="off"

            value={secret}
            onChange={(event) => setSecret(event.target.value)}
          />
        </Field>
        <Field label={t('ssoGroupsClaim')}>
          <input
            required
            value={groupsClaim}
            onChange={(event) => setGroupsClaim(event.target.value)}
          />
        </Field>
        <Checkbox label={t('ssoEnabled')} checked={enabled} onChange={setEnabled} />
        <fieldset className="admin-fieldset">
          <legend>{t('ssoMappings')}</legend>
          <datalist id={teamListId}>
            {teams.data?.data.map((team) => (
              <option key={team.id} value={team.name} />
            ))}
          </datalist>
          {mappings.map((mapping, index) => (
            <div key={index} className="mapping-row">
              <input
                aria-label={t('ssoGroupOf', { index: index + 1 })}
                placeholder={t('ssoGroup')}
                required
                value={mapping.group}
                onChange={(event) => edit(index, { group: event.target.value })}
              />
              <input
                aria-label={t('ssoTeamOf', { index: index + 1 })}
                placeholder={t('ssoMappingTeam')}
                list={teamListId}
                value={mapping.team}
                onChange={(event) => edit(index, { team: event.target.value })}
              />
              <select
                aria-label={t('ssoRoleOf', { index: index + 1 })}
                value={mapping.role}
                onChange={(event) => edit(index, { role: event.target.value as 'admin' })}
              >
                <option value="">{t('keepRole')}</option>
                <option value="member">{t('roleMember')}</option>
                <option value="admin">{t('roleAdmin')}</option>
              </select>
              <button
                type="button"
                className="danger"
                aria-label={t('ssoRemoveMapping', { index: index + 1 })}
                onClick={() => setMappings((previous) => previous.filter((_, at) => at !== index))}
              >
                {t('removeMember')}
              </button>
            </div>
          ))}
          <button
            type="button"
            onClick={() =>
              setMappings((previous) => [...previous, { group: '', team: '', role: '' }])
            }
          >
            {t('ssoAddMapping')}
          </button>
        </fieldset>
        <div className="form-actions start">
          <button type="submit" className="primary" disabled={action.busy}>
            {t('saveSso')}
          </button>
          {settings ? (
            <button type="button" className="danger" onClick={() => setDeleting(true)}>
              {t('deleteSso')}
            </button>
          ) : null}
        </div>
      </form>
      <ScimToken />
      {deleting ? (
        <ConfirmDialog
          title={t('deleteSso')}
          message={t('deleteSsoConfirm')}
          confirmLabel={t('deleteSso')}
          onConfirm={remove}
          onClose={() => setDeleting(false)}
        />
      ) : null}
    </>
  );
}

function ScimToken() {
  const t = useAdminText();
  const headingId = useId();
  const org = useAdminData<Org>('/api/admin/org');
  const action = useAdminAction();
  const [created, setCreated] = useState<{ token: string; baseUrl: string } | undefined>();
  const [revoking, setRevoking] = useState(false);

  const create = () =>
    void action.run(async () => {
      setCreated(
        await api<{ token: string; baseUrl: string }>('/api/admin/scim-token', { method: 'POST' }),
      );
      org.reload();
    });
  const revoke = async () => {
    await api('/api/admin/scim-token', { method: 'DELETE' });
    setCreated(undefined);
    org.reload();
    action.announce(t('scimRevoked'));
  };

  const on = org.data?.scimEnabled ?? false;
  return (
    <section className="admin-panel" aria-labelledby={headingId}>
      <h3 id={headingId}>{t('scimTitle')}</h3>
      <ErrorAlert message={org.error ?? action.error} />
      <Notice message={action.notice} />
      {org.data ? <p>{t(on ? 'scimOn' : 'scimOff')}</p> : null}
      {created ? (
        <>
          <p>
            {t('scimBaseUrl')}: <code>{created.baseUrl}</code>
          </p>
          <SecretOnce label={t('scimToken')} value={created.token} copyLabel={t('copyToken')} />
        </>
      ) : null}
      <div className="form-actions start">
        <button type="button" className="primary" disabled={action.busy} onClick={create}>
          {t(on ? 'scimReplace' : 'scimCreate')}
        </button>
        {on ? (
          <button type="button" className="danger" onClick={() => setRevoking(true)}>
            {t('scimRevoke')}
          </button>
        ) : null}
      </div>
      {revoking ? (
        <ConfirmDialog
          title={t('scimRevoke')}
          message={t('scimRevokeConfirm')}
          confirmLabel={t('scimRevoke')}
          onConfirm={revoke}
          onClose={() => setRevoking(false)}
        />
      ) : null}
    </section>
  );
}
