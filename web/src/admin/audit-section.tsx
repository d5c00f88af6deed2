// Audit log: the organisation's events newest first, filtered by action, actor, target and
// dates, a page at a time with the server's cursor ("Older events"), and the same filters as a
// JSON-lines export for a SIEM.
import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import { api } from '../api/client.js';
import { useI18n } from '../i18n/i18n.js';
import { ErrorAlert, formatTime, Field } from './admin-parts.js';
import { AdminTable } from './admin-table.js';
import type { SectionProps } from './admin-sections.js';
import { useAdminText } from './admin-text.js';
import type { AuditEvent, AuditPage } from './admin-types.js';

const pageSize = 50;
const noFilters = { action: '', actor: '', target: '', from: '', to: '' };
type Filters = typeof noFilters;

/** The query string of `filters` (dates are whole days where the reader is). */
export function auditQuery(filters: Filters): URLSearchParams {
  const query = new URLSearchParams();
  if (filters.action.trim()) query.set('action', filters.action.trim());
  if (filters.actor.trim()) query.set('actor', filters.actor.trim());
  if (filters.target.trim()) query.set('target', filters.target.trim());
  if (filters.from) query.set('from', new Date(`${filters.from}T00:00:00`).toISOString());
  if (filters.to) query.set('to', new Date(`${filters.to}T23:59:59.999`).toISOString());
  return query;
}

/** The audit log section. */
export function AuditSection(_props: SectionProps) {
  const t = useAdminText();
  const { language } = useI18n();
  const [draft, setDraft] = useState<Filters>(noFilters);
  const [filters, setFilters] = useState<Filters>(noFilters);
  const [events, setEvents] = useState<AuditEvent[] | undefined>();
  const [nextBefore, setNextBefore] = useState<number | null>(null);
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const load = async (before: number | null, signal?: AbortSignal) => {
    const query = auditQuery(filters);
    query.set('limit', String(pageSize));
    if (before !== null) query.set('before', String(before));
    setBusy(true);
    try {
      const page = await api<AuditPage>(`/api/admin/audit?${query}`, { signal });
      setEvents((previous) => (before === null ? page.data : [...(previous ?? []), ...page.data]));
      setNextBefore(page.nextBefore);
      setError(undefined);
    } catch (caught) {
      if (!signal?.aborted) setError((caught as Error).message);
    } finally {
      setBusy(false);
    }
  };

  useEffect(() => {
    const controller = new AbortController();
    void load(null, controller.signal);
    return () => controller.abort();
    // A new set of filters starts again from the newest event.
  }, [filters]);

  const apply = (event: FormEvent) => {
    event.preventDefault();
    setFilters(draft);
  };
  const field = (name: keyof Filters) => ({
    value: draft[name],
    onChange: (event: { target: { value: string } }) =>
      setDraft((previous) => ({ ...previous, [name]: event.target.value })),
  });

  return (
    <>
      <form className="admin-form" onSubmit={apply} aria-label={t('auditFilters')}>
        <div className="admin-grid">
          <Field label={t('auditAction')}>
            <input placeholder={t('auditActionHelp')} {...field('action')} />
          </Field>
          <Field label={t('auditActor')}>
            <input {...field('actor')} />
          </Field>
          <Field label={t('auditTarget')}>
            <input {...field('target')} />
          </Field>
          <Field label={t('dateFrom')}>
            <input type="date" {...field('from')} />
          </Field>
          <Field label={t('dateTo')}>
            <input type="date" {...field('to')} />
          </Field>
        </div>
        <div className="form-actions start">
          <button type="submit" className="primary">
            {t('applyFilters')}
          </button>
          <button
            type="button"
            onClick={() => {
              setDraft(noFilters);
              setFilters(noFilters);
            }}
          >
            {t('clearFilters')}
          </button>
          <a
            className="text-button"
            href={`/api/admin/audit/export?${auditQuery(filters)}`}
            download
          >
            {t('exportJsonl')}
          </a>
        </div>
      </form>
      <ErrorAlert message={error} />
      <AdminTable
        label={t('auditCaption')}
        rows={events}
        empty={t('noEvents')}
        className="audit-table"
        headers={[
          t('auditTime'),
          t('auditActor'),
          t('auditAction'),
          t('auditTarget'),
          t('auditIp'),
          t('auditDetails'),
        ]}
      >
        {(event) => (
          <tr key={event.seq}>
            <td>{formatTime(event.createdAt, language)}</td>
            <td>{event.actorLabel ?? event.actorId ?? t('system')}</td>
            <th scope="row">
              <code>{event.action}</code>
            </th>
            <td>
              {event.targetType ? `${event.targetType} ` : ''}
              {event.targetId ? <code>{event.targetId}</code> : null}
            </td>
            <td>{event.ip ?? '—'}</td>
            <td>
              {Object.keys(event.details).length > 0 ? (
                <code className="audit-details">{JSON.stringify(event.details)}</code>
              ) : null}
            </td>
          </tr>
        )}
      </AdminTable>
      {nextBefore !== null ? (
        <button type="button" disabled={busy} onClick={() => void load(nextBefore)}>
          {t('olderEvents')}
        </button>
      ) : null}
    </>
  );
}
