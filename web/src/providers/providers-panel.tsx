// The providers connected from the web UI (owners and admins): the list with a delete button
// each, and the "Connect a provider" form. Loaded on demand (see lazy-providers-panel.tsx):
// members never download it.
import { useEffect, useId, useState } from 'react';
import type { FormEvent } from 'react';
import { api } from '../api/client.js';
import type { ProviderEntry } from '../api/types.js';
import { useModels } from '../data/models.js';
import { useI18n } from '../i18n/i18n.js';
import { parseModelList } from './model-list.js';

/** The list of connected providers and the form to connect one; `level` is the form heading's. */
export function ProvidersPanel({ level = 4 }: { level?: 3 | 4 }) {
  const { t } = useI18n();
  const models = useModels();
  const [providers, setProviders] = useState<ProviderEntry[] | undefined>();
  const [listError, setListError] = useState<string | undefined>();

  useEffect(() => {
    api<{ providers: ProviderEntry[] }>('/api/providers').then(
      (answer) => setProviders(answer.providers),
      (caught: Error) => setListError(caught.message),
    );
  }, []);

  const remove = async (provider: ProviderEntry) => {
    if (!confirm(t('confirmDeleteProvider', { name: provider.name }))) return;
    setListError(undefined);
    try {
      await api(`/api/providers/${encodeURIComponent(provider.id)}`, { method: 'DELETE' });
      setProviders((previous) => previous?.filter((item) => item.id !== provider.id));
      await models.refresh();
    } catch (caught) {
      setListError((caught as Error).message);
    }
  };

  const added = async (provider: ProviderEntry) => {
    setProviders((previous) => [...(previous ?? []), provider]);
    await models.refresh().catch(() => undefined); // the form already says it worked
  };

  return (
    <div className="providers">
      {listError ? (
        <p className="form-error" role="alert">
          {t('errorGeneric', { message: listError })}
        </p>
      ) : null}
      {providers?.length ? (
        <ul className="provider-list">
          {providers.map((provider) => (
            <li key={provider.id}>
              <div>
                <strong>{provider.name}</strong> <span className="muted">{provider.baseUrl}</span>
                <p className="muted">
                  {provider.routes.length
                    ? provider.routes.join(', ')
                    : t('providerNotServed', { models: provider.models.join(', ') })}
                </p>
              </div>
              <button
                type="button"
                className="danger"
                aria-label={t('deleteProvider', { name: provider.name })}
                onClick={() => void remove(provider)}
              >
                {t('delete')}
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <ConnectForm level={level} onConnected={added} />
    </div>
  );
}

function ConnectForm({
  level,
  onConnected,
}: {
  level: 3 | 4;
  onConnected(provider: ProviderEntry): Promise<void>;
}) {
  const { t } = useI18n();
  const headingId = useId();
  const helpId = useId();
  const modelsId = useId();
  const [name, setName] = useState('');
  const [baseUrl, setBaseUrl] = useState('');
  const [apiKey, setApiKey] = useState('');
  const [modelList, setModelList] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
  const Heading = level === 3 ? 'h3' : 'h4';

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    setNotice(undefined);
    setBusy(true);
    const models = parseModelList(modelList);
    try {
      const provider = await api<ProviderEntry>('/api/providers', {
        method: 'POST',
        body: {
          name: name.trim(),
          baseUrl: baseUrl.trim(),
          ...(apiKey && { apiKey }),
          ...(models.length && { models }),
        },
      });
      setNotice(
        t('providerConnected', { name: provider.name, models: provider.routes.join(', ') }),
      );
      setName('');
      setBaseUrl('');
      setApiKey('');
      setModelList('');
      await onConnected(provider);
    } catch (caught) {
      setError((caught as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="provider-form"
      aria-labelledby={headingId}
      onSubmit={(event) => void submit(event)}
    >
      <Heading id={headingId}>{t('connectProvider')}</Heading>
      <p className="muted">{t('connectProviderIntro')}</p>
      <label className="field">
        <span>{t('providerName')}</span>
        <input
          required
          maxLength={64}
          autoComplete="off"
          placeholder="mistral"
          value={name}
          onChange={(event) => setName(event.target.value)}
        />
      </label>
      <label className="field">
        <span>{t('providerBaseUrl')}</span>
        <input
          type="url"
          required
          autoComplete="off"
          placeholder="https://api.mistral.ai/v1"
          value={baseUrl}
          onChange={(event) => setBaseUrl(event.target.value)}
        />
      </label>
      <label className="field">
        <span>{t('providerApiKey')}</span>
        <input
          type="password"
          autoComplete="new-password"
          value={apiKey}
          onChange={(event) => setApiKey(event.target.value)}
        />
      </label>
      <div className="field">
        <label htmlFor={modelsId}>{t('providerModels')}</label>
        <input
          id={modelsId}
          autoComplete="off"
          aria-describedby={helpId}
          placeholder="mistral-small-latest, mistral-large-latest"
          value={modelList}
          onChange={(event) => setModelList(event.target.value)}
        />
        <small id={helpId} className="muted">
          {t('providerModelsHelp')}
        </small>
      </div>
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      <button type="submit" className="primary" disabled={busy}>
        {t('connect')}
      </button>
      <p role="status" className="muted">
        {busy ? t('connecting') : notice}
      </p>
    </form>
  );
}
