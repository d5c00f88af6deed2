// Usage: the organisation's requests, tokens and cost over a date range — totals, tokens and
// cost per day stacked by model (Chart.js, loaded with the first chart), tables by model, team
// and user, and the breakdown as a CSV download (docs/usage-analytics.md). Days are UTC.
import { lazy, Suspense, useMemo, useState } from 'react';
import type { FormEvent } from 'react';
import { useI18n } from '../i18n/i18n.js';
import { ErrorAlert, formatNumber, Field, TableWrap } from './admin-parts.js';
import type { SectionProps } from './admin-sections.js';
import { useAdminText, type AdminKey } from './admin-text.js';
import type { UsageReport } from './usage-types.js';
import { useAdminData } from './use-admin-data.js';

const UsageChart = lazy(() =>
  import('./usage-chart.js').then((module) => ({ default: module.UsageChart })),
);

const dayMs = 86_400_000;
const utcDay = (time: number) => new Date(time).toISOString().slice(0, 10);

/** The usage section. */
export function UsageSection(_props: SectionProps) {
  const t = useAdminText();
  const { language } = useI18n();
  // The form's "to" is the last day shown; the API's `to` is the day after it (excluded).
  const [draft, setDraft] = useState(() => ({
    from: utcDay(Date.now() - 29 * dayMs),
    to: utcDay(Date.now()),
  }));
  const [range, setRange] = useState(draft);
  const query = useMemo(
    () =>
      new URLSearchParams({
        from: range.from,
        to: utcDay(Date.parse(range.to) + dayMs),
      }).toString(),
    [range],
  );
  const byDay = useAdminData<UsageReport>(`/api/admin/usage?${query}&groupBy=day`);
  const byModel = useAdminData<UsageReport>(`/api/admin/usage?${query}&groupBy=model`);
  const byTeam = useAdminData<UsageReport>(`/api/admin/usage?${query}&groupBy=team`);
  const byUser = useAdminData<UsageReport>(`/api/admin/usage?${query}&groupBy=user`);
  const number = (value: number) => formatNumber(value, language);
  const usd = (value: number) => formatNumber(value, language, 2);

  const show = (event: FormEvent) => {
    event.preventDefault();
    setRange(draft);
  };

  const report = byDay.data;
  const tokensSeries = useMemo(
    () =>
      report?.series?.models.map((item) => ({ label: item.model, values: item.totalTokens })) ?? [],
    [report],
  );
  const costSeries = useMemo(
    () => report?.series?.models.map((item) => ({ label: item.model, values: item.costUsd })) ?? [],
    [report],
  );

  return (
    <>
      <form className="admin-form inline" onSubmit={show} aria-label={t('usageRange')}>
        <Field label={t('dateFrom')}>
          <input
            type="date"
            required
            value={draft.from}
            onChange={(event) =>
              setDraft((previous) => ({ ...previous, from: event.target.value }))
            }
          />
        </Field>
        <Field label={t('dateTo')}>
          <input
            type="date"
            required
            value={draft.to}
            onChange={(event) => setDraft((previous) => ({ ...previous, to: event.target.value }))}
          />
        </Field>
        <button type="submit" className="primary">
          {t('showUsage')}
        </button>
        <a className="text-button" href={`/api/admin/usage.csv?${query}&groupBy=day`} download>
          {t('exportCsv')}
        </a>
      </form>
      <ErrorAlert message={byDay.error ?? byModel.error ?? byTeam.error ?? byUser.error} />
      {report ? (
        <>
          <dl className="usage-totals">
            <div>
              <dt>{t('totalRequests')}</dt>
              <dd>{number(report.totals.requests)}</dd>
            </div>
            <div>
              <dt>{t('totalTokens')}</dt>
              <dd>{number(report.totals.totalTokens)}</dd>
            </div>
            <div>
              <dt>{t('totalCost')}</dt>
              <dd>{usd(report.totals.costUsd)}</dd>
            </div>
            <div>
              <dt>{t('activeUsers')}</dt>
              <dd>{number(report.totals.activeUsers)}</dd>
            </div>
          </dl>
          {report.totals.requests === 0 ? <p className="muted">{t('noUsage')}</p> : null}
          {report.series && report.series.models.length > 0 ? (
            <Suspense fallback={null}>
              <h3>{t('tokensByDay')}</h3>
              <UsageChart
                days={report.series.days}
                series={tokensSeries}
                title="tokensByDay"
                total={number(report.totals.totalTokens)}
              />
              <h3>{t('costByDay')}</h3>
              <UsageChart
                days={report.series.days}
                series={costSeries}
                title="costByDay"
                total={usd(report.totals.costUsd)}
              />
            </Suspense>
          ) : null}
        </>
      ) : null}
      <Breakdown title="byModel" first="model" report={byModel.data} name={(key) => key ?? '—'} />
      <Breakdown
        title="byTeam"
        first="team"
        report={byTeam.data}
        name={(key) => (key === null ? t('noTeamRow') : (byTeam.data?.names.teams[key] ?? key))}
      />
      <Breakdown
        title="byUser"
        first="user"
        report={byUser.data}
        name={(key) =>
          key === null ? t('noUserRow') : (byUser.data?.names.users[key]?.email ?? key)
        }
      />
    </>
  );
}

function Breakdown({
  title,
  first,
  report,
  name,
}: {
  title: AdminKey;
  first: AdminKey;
  report: UsageReport | undefined;
  name(key: string | null): string;
}) {
  const t = useAdminText();
  const { language } = useI18n();
  if (!report || report.rows.length === 0) return null;
  return (
    <>
      <h3>{t(title)}</h3>
      <TableWrap label={t(title)}>
        <table className="admin-table">
          <caption className="visually-hidden">{t(title)}</caption>
          <thead>
            <tr>
              <th scope="col">{t(first)}</th>
              <th scope="col">{t('requests')}</th>
              <th scope="col">{t('errors')}</th>
              <th scope="col">{t('totalTokens')}</th>
              <th scope="col">{t('cost')}</th>
              <th scope="col">{t('activeUsers')}</th>
            </tr>
          </thead>
          <tbody>
            {report.rows.map((row) => (
              <tr key={row.key ?? ''}>
                <th scope="row">{name(row.key)}</th>
                <td>{formatNumber(row.requests, language)}</td>
                <td>{formatNumber(row.errors, language)}</td>
                <td>{formatNumber(row.totalTokens, language)}</td>
                <td>{formatNumber(row.costUsd, language, 2)}</td>
                <td>{formatNumber(row.activeUsers, language)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
    </>
  );
}
