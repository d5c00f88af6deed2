// API keys: every key of the organisation (the instance's admins: every key) with its limits and
// this month's usage; create one with allowed models, rates, a budget and an expiry (the key is
// shown once); revoke one after a confirmation.
import { useState } from 'react';
import type { FormEvent } from 'react';
import { api } from '../api/client.js';
import { useI18n } from '../i18n/i18n.js';
import {
  ConfirmDialog,
  ErrorAlert,
  formatNumber,
  formatTime,
  Notice,
  SecretOnce,
  Field,
  Checkbox,
} from './admin-parts.js';
import { AdminTable } from './admin-table.js';
import type { SectionProps } from './admin-sections.js';
import { useAdminText } from './admin-text.js';
import type { ApiKeyEntry, AdminModel, DataList } from './admin-types.js';
import {
  describeLimits,
  emptyLimits,
  LimitInputs,
  limitFields,
  type BudgetPeriod,
} from './limit-fields.js';
import { useAdminAction, useAdminData } from './use-admin-data.js';

/** The API keys section. */
export function KeysSection(_props: SectionProps) {
  const t = useAdminText();
  const { language } = useI18n();
  const keys = useAdminData<DataList<ApiKeyEntry>>('/api/admin/keys');
  const models = useAdminData<DataList<AdminModel>>('/api/admin/models');
  const action = useAdminAction();
  const [name, setName] = useState('');
  const [chosen, setChosen] = useState<ReadonlySet<string>>(new Set());
  const [limits, setLimits] = useState(emptyLimits);
  const [period, setPeriod] = useState<BudgetPeriod>('month');
  const [expiresOn, setExpiresOn] = useState('');
  const [created, setCreated] = useState<string | undefined>();
  const [revoking, setRevoking] = useState<ApiKeyEntry | undefined>();

  const create = (event: FormEvent) => {
    event.preventDefault();
    const numbers = Object.fromEntries(
      limitFields
        .filter((field) => limits[field] !== '')
        .map((field) => [field, Number(limits[field])]),
    );
    const budgeted = limits.budgetTokens !== '' || limits.budgetUsd !== '';
    void action.run(async () => {
      const answer = await api<{ key: string; record: ApiKeyEntry }>('/api/admin/keys', {
        method: 'POST',
        body: {
          name,
          ...(chosen.size > 0 && { models: [...chosen] }),
          ...numbers,
          ...(budgeted && { budgetPeriod: period }),
          // The end of the chosen day, where the reader is.
          ...(expiresOn && { expiresAt: new Date(`${expiresOn}T23:59:59`).toISOString() }),
        },
      });
      setCreated(answer.key);
      setName('');
      setChosen(new Set());
      setLimits(emptyLimits);
      setExpiresOn('');
      keys.reload();
    });
  };

  const revoke = async (key: ApiKeyEntry) => {
    await api(`/api/admin/keys/${encodeURIComponent(key.id)}`, { method: 'DELETE' });
    keys.reload();
    action.announce(t('keyRevokedNotice', { name: key.name }));
  };

  const toggleModel = (model: string, on: boolean) =>
    setChosen((previous) => {
      const next = new Set(previous);
      if (on) next.add(model);
      else next.delete(model);
      return next;
    });

  const statusOf = (key: ApiKeyEntry) =>
    key.revokedAt
      ? t('keyRevoked')
      : key.expiresAt && Date.parse(key.expiresAt) <= Date.now()
        ? t('keyExpired')
        : t('keyActive');

  return (
    <>
      <ErrorAlert message={keys.error ?? models.error ?? action.error} />
      <Notice message={action.notice} />
      <form className="admin-form" onSubmit={create}>
        <Field label={t('keyName')}>
          <input
            required
            maxLength={200}
            value={name}
            onChange={(event) => setName(event.target.value)}
          />
        </Field>
        <fieldset className="admin-fieldset">
          <legend>{t('keyModelsHelp')}</legend>
          {models.data?.data.map((model) => (
            <Checkbox
              key={model.name}
              label={model.name}
              checked={chosen.has(model.name)}
              onChange={(on) => toggleModel(model.name, on)}
            />
          ))}
        </fieldset>
        <div className="admin-grid">
          <LimitInputs
            t={t}
            limits={limits}
            setLimits={setLimits}
            period={period}
            setPeriod={setPeriod}
          />
          <Field label={t('expiresOn')}>
            <input
              type="date"
              value={expiresOn}
              onChange={(event) => setExpiresOn(event.target.value)}
            />
          </Field>
        </div>
        <div className="form-actions start">
          <button type="submit" className="primary" disabled={action.busy}>
            {t('createKey')}
          </button>
        </div>
      </form>
      {created ? <SecretOnce label={t('newKey')} value={created} copyLabel={t('copyKey')} /> : null}
      <AdminTable
        label={t('keysCaption')}
        rows={keys.data?.data}
        empty={t('noKeys')}
        headers={[
          t('name'),
          t('keyPrefix'),
          t('keyModels'),
          t('limits'),
          t('usageThisMonth'),
          t('expires'),
          t('status'),
          t('actions'),
        ]}
      >
        {(key) => (
          <tr key={key.id}>
            <th scope="row">{key.name}</th>
            <td>
              <code>{key.prefix}…</code>
            </td>
            <td>{key.limits.models?.join(', ') ?? t('allModels')}</td>
            <td>{describeLimits(key.limits, t, language)}</td>
            <td>
              {t('usageFigures', {
                requests: formatNumber(key.usageThisMonth.requests, language),
                tokens: formatNumber(key.usageThisMonth.totalTokens, language),
                cost: formatNumber(key.usageThisMonth.costUsd, language, 2),
              })}
            </td>
            <td>{key.expiresAt ? formatTime(key.expiresAt, language) : t('never')}</td>
            <td>{statusOf(key)}</td>
            <td className="row-actions">
              {key.revokedAt ? null : (
                <button
                  type="button"
                  className="danger"
                  aria-label={t('revokeKeyOf', { name: key.name })}
                  onClick={() => setRevoking(key)}
                >
                  {t('revoke')}
                </button>
              )}
            </td>
          </tr>
        )}
      </AdminTable>
      {revoking ? (
        <ConfirmDialog
          title={t('revokeKeyTitle')}
          message={t('revokeKeyConfirm', { name: revoking.name })}
          confirmLabel={t('revoke')}
          onConfirm={() => revoke(revoking)}
          onClose={() => setRevoking(undefined)}
        />
      ) : null}
    </>
  );
}
