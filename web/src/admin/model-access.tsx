// Which teams may use each model: one row per served model with a checkbox per team and a save
// button; a model with no team checked is open to the whole organisation.
import { useEffect, useState } from 'react';
import { api } from '../api/client.js';
import { useI18n } from '../i18n/i18n.js';
import { ErrorAlert, Notice, Checkbox } from './admin-parts.js';
import { AdminTable } from './admin-table.js';
import { useAdminText } from './admin-text.js';
import type { DataList, TeamSummary } from './admin-types.js';
import { useAdminAction, useAdminData } from './use-admin-data.js';

/** One model's access (GET /api/admin/model-access). */
interface AccessEntry {
  model: string;
  aliasOf: string | null;
  served: boolean;
  teamIds: string[];
}

/** The model access table. */
export function ModelAccess({ teams }: { teams: TeamSummary[] | undefined }) {
  const t = useAdminText();
  const { t: tc } = useI18n();
  const access = useAdminData<DataList<AccessEntry>>('/api/admin/model-access');
  const action = useAdminAction();
  const [drafts, setDrafts] = useState<Record<string, string[]>>({});

  useEffect(() => {
    if (access.data) {
      setDrafts(Object.fromEntries(access.data.data.map((entry) => [entry.model, entry.teamIds])));
    }
  }, [access.data]);

  const toggle = (model: string, teamId: string, on: boolean) =>
    setDrafts((previous) => {
      const current = previous[model] ?? [];
      return {
        ...previous,
        [model]: on ? [...current, teamId] : current.filter((id) => id !== teamId),
      };
    });

  const save = (model: string) =>
    void action.run(async () => {
      const saved = await api<AccessEntry>(
        `/api/admin/model-access/${model.split('/').map(encodeURIComponent).join('/')}`,
        { method: 'PUT', body: { teamIds: drafts[model] ?? [] } },
      );
      access.setData(
        (previous) =>
          previous && {
            data: previous.data.map((entry) => (entry.model === saved.model ? saved : entry)),
          },
      );
      return t('accessSaved', { model });
    });

  return (
    <>
      <h3>{t('modelAccessTitle')}</h3>
      <ErrorAlert message={access.error ?? action.error} />
      <Notice message={action.notice} />
      {teams ? (
        <AdminTable
          label={t('modelAccessCaption')}
          rows={access.data?.data}
          captionShown
          headers={[t('model'), t('teamsCaption'), t('actions')]}
        >
          {(entry) => (
            <tr key={entry.model}>
              <th scope="row">
                {entry.model}
                {entry.served ? null : <span className="muted"> {t('notServed')}</span>}
              </th>
              <td>
                <fieldset className="access-teams">
                  <legend className="visually-hidden">
                    {t('modelAccessOf', { model: entry.model })}
                  </legend>
                  {teams.length === 0 ? <span className="muted">{t('everyone')}</span> : null}
                  {teams.map((team) => (
                    <Checkbox
                      key={team.id}
                      label={team.name}
                      checked={(drafts[entry.model] ?? []).includes(team.id)}
                      onChange={(on) => toggle(entry.model, team.id, on)}
                    />
                  ))}
                </fieldset>
              </td>
              <td>
                <button
                  type="button"
                  disabled={action.busy}
                  aria-label={t('saveAccess', { model: entry.model })}
                  onClick={() => save(entry.model)}
                >
                  {tc('save')}
                </button>
              </td>
            </tr>
          )}
        </AdminTable>
      ) : null}
    </>
  );
}
