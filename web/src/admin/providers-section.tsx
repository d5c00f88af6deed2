// Providers & models (the instance's admins): what the gateway serves, from salon.yaml and the
// web UI, and how each target is doing — breaker state, load, latency — refreshed every few
// seconds while the section is open. "Reload configuration" rereads salon.yaml without a restart.
import { useEffect, useId } from 'react';
import { api } from '../api/client.js';
import { useI18n } from '../i18n/i18n.js';
import { ErrorAlert, formatNumber, formatTime, Notice, TableWrap } from './admin-parts.js';
import { AdminTable } from './admin-table.js';
import type { SectionProps } from './admin-sections.js';
import { useAdminText, type AdminKey } from './admin-text.js';
import type { AdminModel, AdminProvider, DataList, TargetHealth } from './admin-types.js';
import { useAdminAction, useAdminData } from './use-admin-data.js';

// Often enough to watch a breaker open and close; cheap (the answer is in memory).
const refreshSeconds = 5;

const breakerLabels: Record<TargetHealth['breaker']['state'], AdminKey> = {
  closed: 'breakerClosed',
  open: 'breakerOpen',
  'half-open': 'breakerHalfOpen',
};

/** The providers and models section. */
export function ProvidersSection(_props: SectionProps) {
  const t = useAdminText();
  const { language } = useI18n();
  const providers = useAdminData<DataList<AdminProvider>>('/api/admin/providers');
  const models = useAdminData<DataList<AdminModel>>('/api/admin/models');
  const targets = useAdminData<DataList<TargetHealth>>('/api/admin/targets');
  const action = useAdminAction();
  const providersId = useId();
  const modelsId = useId();
  const targetsId = useId();
  const reloadTargets = targets.reload;

  useEffect(() => {
    const timer = setInterval(reloadTargets, refreshSeconds * 1000);
    return () => clearInterval(timer);
  }, [reloadTargets]);

  const reloadConfig = () =>
    void action.run(async () => {
      await api('/api/admin/reload', { method: 'POST' });
      providers.reload();
      models.reload();
      reloadTargets();
      return t('reloaded');
    });

  const ms = (value: number | null) =>
    value === null ? '—' : t('ms', { value: formatNumber(value, language) });

  return (
    <>
      <div className="form-actions start">
        <button type="button" className="primary" disabled={action.busy} onClick={reloadConfig}>
          {t('reloadConfig')}
        </button>
      </div>
      <ErrorAlert message={providers.error ?? models.error ?? targets.error ?? action.error} />
      <Notice message={action.notice} />

      <h3 id={providersId}>{t('providersTitle')}</h3>
      {providers.data ? (
        <TableWrap label={t('providersTitle')}>
          <table className="admin-table" aria-labelledby={providersId}>
            <thead>
              <tr>
                <th scope="col">{t('name')}</th>
                <th scope="col">{t('providerType')}</th>
                <th scope="col">{t('providerWhere')}</th>
                <th scope="col">{t('hasKey')}</th>
                <th scope="col">{t('providerSource')}</th>
              </tr>
            </thead>
            <tbody>
              {providers.data.data.map((provider) => (
                <tr key={provider.name}>
                  <th scope="row">{provider.name}</th>
                  <td>{provider.type}</td>
                  <td>
                    <code>{provider.baseUrl ?? provider.modelPath ?? '—'}</code>
                  </td>
                  <td>
                    {provider.hasApiKey === undefined ? '—' : t(provider.hasApiKey ? 'yes' : 'no')}
                  </td>
                  <td>{t(provider.source === 'web' ? 'sourceWeb' : 'sourceConfig')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      ) : null}

      <h3 id={modelsId}>{t('modelsTitle')}</h3>
      {models.data ? (
        <TableWrap label={t('modelsTitle')}>
          <table className="admin-table" aria-labelledby={modelsId}>
            <thead>
              <tr>
                <th scope="col">{t('name')}</th>
                <th scope="col">{t('aliasOf')}</th>
                <th scope="col">{t('targets')}</th>
                <th scope="col">{t('balance')}</th>
                <th scope="col">{t('fallbacks')}</th>
              </tr>
            </thead>
            <tbody>
              {models.data.data.map((model) => (
                <tr key={model.name}>
                  <th scope="row">{model.name}</th>
                  <td>{model.aliasOf ?? '—'}</td>
                  <td>
                    {model.targets
                      .map((target) =>
                        target.model ? `${target.provider}/${target.model}` : target.provider,
                      )
                      .join(', ')}
                  </td>
                  <td>{model.balance}</td>
                  <td>{model.fallbacks.join(', ') || '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      ) : null}

      <h3 id={targetsId}>{t('targetsTitle')}</h3>
      <AdminTable
        label={t('targetsCaption', { seconds: refreshSeconds })}
        rows={targets.data?.data}
        empty={t('noTargets')}
        className="numeric"
        captionShown
        headers={[
          t('target'),
          t('breaker'),
          t('inFlight'),
          t('requests'),
          t('failures'),
          t('latency'),
          t('firstToken'),
          t('pausedUntil'),
        ]}
      >
        {(target) => (
          <tr key={target.target}>
            <th scope="row">{target.target}</th>
            <td>
              <span className={`badge breaker-${target.breaker.state}`}>
                {t(breakerLabels[target.breaker.state])}
              </span>
            </td>
            <td>{target.inFlight}</td>
            <td>{target.requests}</td>
            <td>{target.failures}</td>
            <td>{ms(target.latencyMs)}</td>
            <td>{ms(target.firstTokenMs)}</td>
            <td>{target.pausedUntil ? formatTime(target.pausedUntil, language) : '—'}</td>
          </tr>
        )}
      </AdminTable>
    </>
  );
}
