// Quotas & model access (docs/quotas.md): limits for the whole organisation, a team or a person
// (rates, a token or dollar budget per day or month) with what each has used this period; and
// for each model the teams allowed to use it (none checked: everyone).
import { useState } from 'react';
import type { FormEvent } from 'react';
import { api } from '../api/client.js';
import type { User } from '../api/types.js';
import { useI18n } from '../i18n/i18n.js';
import { ConfirmDialog, ErrorAlert, formatNumber, Notice, Field } from './admin-parts.js';
import { AdminTable } from './admin-table.js';
import type { SectionProps } from './admin-sections.js';
import { useAdminText, type AdminKey } from './admin-text.js';
import type { DataList, TeamSummary } from './admin-types.js';
import { ModelAccess } from './model-access.js';
import {
  describeLimits,
  emptyLimits,
  LimitInputs,
  limitFields,
  type BudgetPeriod,
  type LimitValues,
} from './limit-fields.js';
import { useAdminAction, useAdminData } from './use-admin-data.js';

type QuotaScope = 'org' | 'team' | 'user';

/** A quota with its subject's name and this period's usage (GET /api/admin/quotas). */
interface QuotaEntry extends LimitValues {
  id: string;
  scope: QuotaScope;
  subjectId: string;
  subjectName: string | null;
  usage: { period: 'day' | 'month'; tokens: number; usd: number };
}

const scopeLabels: Record<QuotaScope, AdminKey> = {
  org: 'scopeOrg',
  team: 'scopeTeam',
  user: 'scopeUser',
};

/** The quotas and model access section. */
export function QuotasSection(_props: SectionProps) {
  const t = useAdminText();
  const { language, t: tc } = useI18n();
  const quotas = useAdminData<DataList<QuotaEntry>>('/api/admin/quotas');
  const teams = useAdminData<DataList<TeamSummary>>('/api/admin/teams');
  const users = useAdminData<{ users: User[] }>('/api/users');
  const action = useAdminAction();
  const [scope, setScope] = useState<QuotaScope>('team');
  const [subjectId, setSubjectId] = useState('');
  const [limits, setLimits] = useState(emptyLimits);
  const [period, setPeriod] = useState<BudgetPeriod>('month');
  const [deleting, setDeleting] = useState<QuotaEntry | undefined>();

  const subjects =
    scope === 'team'
      ? (teams.data?.data.map((team) => ({ id: team.id, name: team.name })) ?? [])
      : scope === 'user'
        ? (users.data?.users.map((user) => ({ id: user.id, name: user.email })) ?? [])
        : [];

  const save = (event: FormEvent) => {
    event.preventDefault();
    const values = Object.fromEntries(
      limitFields.map((field) => [field, limits[field] === '' ? null : Number(limits[field])]),
    );
    void action.run(async () => {
      await api('/api/admin/quotas', {
        method: 'PUT',
        body: {
          scope,
          ...(scope !== 'org' && { subjectId }),
          ...values,
          budgetPeriod: values.budgetTokens !== null || values.budgetUsd !== null ? period : null,
        },
      });
      setLimits(emptyLimits);
      quotas.reload();
      return t('quotaSaved');
    });
  };

  const remove = async (quota: QuotaEntry) => {
    await api(`/api/admin/quotas/${encodeURIComponent(quota.id)}`, { method: 'DELETE' });
    quotas.reload();
    action.announce(t('quotaDeleted'));
  };

  const nameOf = (quota: QuotaEntry) =>
    quota.scope === 'org' ? t('scopeOrg') : (quota.subjectName ?? quota.subjectId);

  return (
    <>
      <h3>{t('quotasTitle')}</h3>
      <ErrorAlert message={quotas.error ?? teams.error ?? users.error ?? action.error} />
      <Notice message={action.notice} />
      <form className="admin-form" onSubmit={save}>
        <div className="admin-grid">
          <Field label={t('quotaScope')}>
            <select
              value={scope}
              onChange={(event) => {
                setScope(event.target.value as QuotaScope);
                setSubjectId('');
              }}
            >
              <option value="org">{t('scopeOrg')}</option>
              <option value="team">{t('scopeTeam')}</option>
              <option value="user">{t('scopeUser')}</option>
            </select>
          </Field>
          {scope !== 'org' ? (
            <Field label={t('quotaSubject')}>
              <select
                required
                value={subjectId}
                onChange={(event) => setSubjectId(event.target.value)}
              >
                <option value="">{t('choosePerson')}</option>
                {subjects.map((subject) => (
                  <option key={subject.id} value={subject.id}>
                    {subject.name}
                  </option>
                ))}
              </select>
            </Field>
          ) : null}
          <LimitInputs
            t={t}
            limits={limits}
            setLimits={setLimits}
            period={period}
            setPeriod={setPeriod}
          />
        </div>
        <div className="form-actions start">
          <button type="submit" className="primary" disabled={action.busy}>
            {t('setQuota')}
          </button>
        </div>
      </form>
      <AdminTable
        label={t('quotasCaption')}
        rows={quotas.data?.data}
        empty={t('noQuotas')}
        headers={[t('quotaSubject'), t('quotaScope'), t('limits'), t('quotaUsed'), t('actions')]}
      >
        {(quota) => (
          <tr key={quota.id}>
            <th scope="row">{nameOf(quota)}</th>
            <td>{t(scopeLabels[quota.scope])}</td>
            <td>{describeLimits(quota, t, language)}</td>
            <td>
              {formatNumber(quota.usage.tokens, language)} / $
              {formatNumber(quota.usage.usd, language, 2)}
            </td>
            <td className="row-actions">
              <button
                type="button"
                className="danger"
                aria-label={t('deleteQuotaOf', { name: nameOf(quota) })}
                onClick={() => setDeleting(quota)}
              >
                {tc('delete')}
              </button>
            </td>
          </tr>
        )}
      </AdminTable>
      <ModelAccess teams={teams.data?.data} />
      {deleting ? (
        <ConfirmDialog
          title={t('deleteQuotaTitle')}
          message={t('deleteQuotaConfirm', { name: nameOf(deleting) })}
          confirmLabel={tc('delete')}
          onConfirm={() => remove(deleting)}
          onClose={() => setDeleting(undefined)}
        />
      ) : null}
    </>
  );
}
