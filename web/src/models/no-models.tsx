// First run with no model: owners and admins can download an open model from the catalog
// (with progress, over SSE) or connect a provider (the same form as in settings, or salon.yaml);
// members are told to ask.
import { useEffect, useState } from 'react';
import { api, toApiError } from '../api/client.js';
import { readSse } from '../api/sse.js';
import type { CatalogEntry } from '../api/types.js';
import { isAdmin, useSession } from '../auth/session.js';
import { useModels } from '../data/models.js';
import { useI18n } from '../i18n/i18n.js';
import { LazyProvidersPanel } from '../providers/lazy-providers-panel.js';

const providerSnippet = `providers:
  mistral:
    type: openai
    base_url: https://api.mistral.ai/v1
    api_key: \${MISTRAL_API_KEY}
models:
  - name: small
    targets:
      - { provider: mistral, model: mistral-small-latest }`;

/** Human-readable byte counts. */
export function formatBytes(bytes: number, locale: string): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${value.toLocaleString(locale, { maximumFractionDigits: digits })} ${units[unit]}`;
}

/** The panel shown instead of the chat while no model exists. */
export function NoModels() {
  const { t } = useI18n();
  const { state } = useSession();
  const { hint } = useModels();
  return (
    <section className="no-models" aria-labelledby="no-models-title">
      <h2 id="no-models-title">{t('noModelTitle')}</h2>
      {hint ? <p className="muted">{hint}</p> : null}
      {isAdmin(state?.user) ? (
        <>
          <Catalog />
          <LazyProvidersPanel level={3} />
          <details className="yaml-alternative">
            <summary>{t('providerYaml')}</summary>
            <p>{t('connectProviderHelp')}</p>
            <pre className="snippet">
              <code>{providerSnippet}</code>
            </pre>
          </details>
        </>
      ) : (
        <p>{t('askAdmin')}</p>
      )}
    </section>
  );
}

interface PullState {
  bytes: number;
  totalBytes: number;
  error?: string;
}

function Catalog() {
  const { t, language } = useI18n();
  const models = useModels();
  const [entries, setEntries] = useState<CatalogEntry[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [pulls, setPulls] = useState<Record<string, PullState>>({});

  useEffect(() => {
    api<{ entries: CatalogEntry[] }>('/api/models/catalog').then(
      (answer) => setEntries(answer.entries),
      (caught: Error) => setError(caught.message),
    );
  }, []);

  const pull = async (entry: CatalogEntry) => {
    const update = (state: PullState) =>
      setPulls((previous) => ({ ...previous, [entry.id]: state }));
    update({ bytes: 0, totalBytes: entry.sizeBytes });
    try {
      const { jobId } = await api<{ jobId: string }>('/api/models/pull', {
        method: 'POST',
        body: { id: entry.id },
      });
      const response = await fetch(`/api/models/pull/${encodeURIComponent(jobId)}`, {
        headers: { accept: 'text/event-stream' },
        credentials: 'same-origin',
      });
      if (!response.ok) throw await toApiError(response);
      let failed: string | undefined;
      let done = false;
      await readSse(response, (event) => {
        const data = JSON.parse(event.data) as Record<string, unknown>;
        if (event.event === 'progress') {
          update({ bytes: Number(data.bytes ?? 0), totalBytes: Number(data.totalBytes ?? 0) });
        } else if (event.event === 'done') done = true;
        else if (event.event === 'error') failed = String(data.message ?? 'error');
      });
      if (failed || !done) throw new Error(failed ?? 'the download stopped');
      setEntries((previous) =>
        previous?.map((item) => (item.id === entry.id ? { ...item, downloaded: true } : item)),
      );
      await models.refresh();
    } catch (caught) {
      update({ bytes: 0, totalBytes: entry.sizeBytes, error: (caught as Error).message });
    }
  };

  if (error) return <p className="form-error">{t('errorGeneric', { message: error })}</p>;
  if (!entries) return <p className="muted">{t('loading')}</p>;
  return (
    <>
      <h3>{t('downloadModel')}</h3>
      <ul className="catalog">
        {entries.map((entry) => {
          const state = pulls[entry.id];
          const busy = state !== undefined && !state.error;
          const total = state?.totalBytes || entry.sizeBytes;
          return (
            <li key={entry.id} className="catalog-entry">
              <div>
                <strong>{entry.name}</strong>{' '}
                <span className="muted">{formatBytes(entry.sizeBytes, language)}</span>
                <p className="muted">{entry.description}</p>
                {busy ? (
                  <div className="pull-progress">
                    <progress
                      max={total || undefined}
                      value={state.bytes}
                      aria-label={t('downloading', { name: entry.name })}
                    />
                    <span className="muted">
                      {t('downloadProgress', {
                        done: formatBytes(state.bytes, language),
                        total: formatBytes(total, language),
                      })}
                    </span>
                  </div>
                ) : null}
                {state?.error ? (
                  <p className="form-error" role="alert">
                    {t('pullFailed', { message: state.error })}
                  </p>
                ) : null}
              </div>
              <button
                type="button"
                disabled={entry.downloaded || busy}
                onClick={() => void pull(entry)}
                aria-label={`${t('download')} ${entry.name}`}
              >
                {entry.downloaded ? t('downloaded') : t('download')}
              </button>
            </li>
          );
        })}
      </ul>
    </>
  );
}
