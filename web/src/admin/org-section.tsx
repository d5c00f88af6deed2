// Organisation: its name, how long conversations are kept and whether only single sign-on may
// be used; for the instance's admins, every organisation and a form to create one with its owner.
import { useEffect, useId, useState } from 'react';
import type { FormEvent } from 'react';
import { api } from '../api/client.js';
import type { User } from '../api/types.js';
import { useI18n } from '../i18n/i18n.js';
import { ErrorAlert, formatTime, Notice, Field, TableWrap, Checkbox } from './admin-parts.js';
import type { SectionProps } from './admin-sections.js';
import { useAdminText } from './admin-text.js';
import type { DataList, Org } from './admin-types.js';
import { useAdminAction, useAdminData } from './use-admin-data.js';

/** The organisation section. */
export function OrgSection({ instanceAdmin }: SectionProps) {
  const t = useAdminText();
  const org = useAdminData<Org>('/api/admin/org');
  const action = useAdminAction();
  const [name, setName] = useState('');
  const [retention, setRetention] = useState('');
  const [ssoOnly, setSsoOnly] = useState(false);

  useEffect(() => {
    if (!org.data) return;
    setName(org.data.name);
    setRetention(org.data.retentionDays === null ? '' : String(org.data.retentionDays));
    setSsoOnly(org.data.ssoOnly);
  }, [org.data]);

  const save = (event: FormEvent) => {
    event.preventDefault();
    void action.run(async () => {
      const saved = await api<Org>('/api/admin/org', {
        method: 'PATCH',
        body: { name, retentionDays: retention === '' ? null : Number(retention), ssoOnly },
      });
      org.setData(() => saved);
      return t('orgSaved');
    });
  };

  return (
    <>
      <ErrorAlert message={org.error ?? action.error} />
      <Notice message={action.notice} />
      <form className="admin-form" onSubmit={save}>
        <Field label={t('orgName')}>
          <input
            required
            maxLength={200}
            value={name}
            onChange={(event) => setName(event.target.value)}
          />
        </Field>
        <Field label={t('retentionDays')} help={t('retentionHelp')}>
          <input
            type="number"
            min={1}
            step={1}
            inputMode="numeric"

            value={retention}
            onChange={(event) => setRetention(event.target.value)}
          />
        </Field>
        <Checkbox label={t('ssoOnly')} checked={ssoOnly} onChange={setSsoOnly} />
        <div className="form-actions start">
          <button type="submit" className="primary" disabled={action.busy || !org.data}>
            {t('saveOrganisation')}
          </button>
        </div>
      </form>
      {instanceAdmin ? <OrgList saved={org.data} /> : null}
    </>
  );
}

// `saved`: the caller's organisation as last loaded or saved, shown in the list as it is now.
function OrgList({ saved }: { saved: Org | undefined }) {
  const t = useAdminText();
  const { language } = useI18n();
  const headingId = useId();
  const orgs = useAdminData<DataList<Org>>('/api/admin/orgs');
  const setOrgs = orgs.setData;
  useEffect(() => {
    if (!saved) return;
    setOrgs(
      (previous) =>
        previous && { data: previous.data.map((item) => (item.id === saved.id ? saved : item)) },
    );
  }, [saved, setOrgs]);
  const action = useAdminAction();
  const [name, setName] = useState('');
  const [ownerEmail, setOwnerEmail] = useState('');
  const [ownerPassword, setOwnerPassword] = useState('');

  const create = (event: FormEvent) => {
    event.preventDefault();
    void action.run(async () => {
      const answer = await api<{ org: Org; owner: User }>('/api/admin/orgs', {
        method: 'POST',
        body: { name, ownerEmail, ...(ownerPassword && { ownerPassword }) },
      });
      orgs.setData((previous) => previous && { data: [...previous.data, answer.org] });
      setName('');
      setOwnerEmail('');
      setOwnerPassword('');
      return t('orgCreated', { name: answer.org.name, email: answer.owner.email });
    });
  };

  return (
    <section className="admin-panel" aria-labelledby={headingId}>
      <h3 id={headingId}>{t('orgsTitle')}</h3>
      <ErrorAlert message={orgs.error ?? action.error} />
      <Notice message={action.notice} />
      {orgs.data ? (
        <TableWrap label={t('orgsCaption')}>
          <table className="admin-table">
            <caption className="visually-hidden">{t('orgsCaption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('name')}</th>
                <th scope="col">{t('orgId')}</th>
                <th scope="col">{t('ssoOnly')}</th>
                <th scope="col">{t('retention')}</th>
                <th scope="col">{t('created')}</th>
              </tr>
            </thead>
            <tbody>
              {orgs.data.data.map((org) => (
                <tr key={org.id}>
                  <th scope="row">{org.name}</th>
                  <td>
                    <code>{org.id}</code>
                  </td>
                  <td>{t(org.ssoOnly ? 'yes' : 'no')}</td>
                  <td>
                    {org.retentionDays === null
                      ? t('keepForever')
                      : t('days', { count: org.retentionDays })}
                  </td>
                  <td>{formatTime(org.createdAt, language)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      ) : null}
      <form className="admin-form" onSubmit={create}>
        <h4>{t('createOrgTitle')}</h4>
        <Field label={t('newOrgName')}>
          <input required value={name} onChange={(event) => setName(event.target.value)} />
        </Field>
        <Field label={t('ownerEmail')}>
          <input
            type="email"
            required
            autoComplete="off"
            value={ownerEmail}
            onChange={(event) => setOwnerEmail(event.target.value)}
          />
        </Field>
        <Field label={t('ownerPassword')}>
          <input
            type="password"
            minLength={8}
            autoComplete="new-password"
            value={ownerPassword}
            onChange={(event) => setOwnerPassword(event.target.value)}
          />
        </Field>
        <div className="form-actions start">
          <button type="submit" className="primary" disabled={action.busy}>
            {t('createOrg')}
          </button>
        </div>
      </form>
    </section>
  );
}
