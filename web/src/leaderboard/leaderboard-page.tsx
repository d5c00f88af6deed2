// The leaderboard: arena ratings and MMLU side by side, the per-subject chart, and exports.
// Every signed-in user sees it (it holds model names and aggregates only). A chunk of its own
// (lazy-leaderboard.tsx), so Chart.js never weighs on the chat's first load.
import { useEffect, useState } from 'react';
import { api } from '../api/client.js';
import { useI18n } from '../i18n/i18n.js';
import { Icon } from '../lib/icons.js';
import { navigate } from '../lib/router.js';
import type { LeaderboardData } from './leaderboard-types.js';
import { SubjectChart, subjectsOf } from './subject-chart.js';
import './leaderboard.css';

// Beyond this many models a grouped bar chart is unreadable; the table lists every run.
const maxChartedModels = 7;

const round = (value: number) => Math.round(value).toString();
const percent = (value: number) => value.toFixed(1);

/** The leaderboard page. */
export function LeaderboardPage({ onOpenSidebar }: { onOpenSidebar(): void }) {
  const { t } = useI18n();
  const [data, setData] = useState<LeaderboardData | undefined>();
  const [error, setError] = useState<string | undefined>();

  useEffect(() => {
    document.title = `${t('leaderboard')} – Salon`;
  }, [t]);
  useEffect(() => {
    const controller = new AbortController();
    api<LeaderboardData>('/api/leaderboard', { signal: controller.signal })
      .then(setData)
      .catch((caught: Error) => {
        if (!controller.signal.aborted) setError(caught.message);
      });
    return () => controller.abort();
  }, []);

  return (
    <div className="chat-view leaderboard-view">
      <header className="chat-header">
        <button
          type="button"
          className="icon-button sidebar-toggle"
          aria-label={t('openSidebar')}
          title={t('openSidebar')}
          onClick={onOpenSidebar}
        >
          <Icon name="menu" />
        </button>
        <h1 className="chat-title">{t('leaderboard')}</h1>
        <div className="chat-header-tools">
          <a className="text-button" href="/api/leaderboard/export?format=csv" download>
            {t('leaderboardExportCsv')}
          </a>
          <a className="text-button" href="/api/leaderboard/export?format=json" download>
            {t('leaderboardExportJson')}
          </a>
        </div>
      </header>
      <div className="scroll-area leaderboard-body">
        {error ? (
          <p className="form-error" role="alert">
            {t('errorGeneric', { message: error })}
          </p>
        ) : !data ? (
          <p className="center muted" role="status">
            {t('loading')}
          </p>
        ) : (
          <Boards data={data} />
        )}
      </div>
    </div>
  );
}

function Boards({ data }: { data: LeaderboardData }) {
  const { t } = useI18n();
  const { ratings, battles } = data.arena;
  const mmluRows = [
    ...data.mmlu.runs.map((run) => ({
      key: run.id,
      model: run.model,
      accuracy: run.micro * 100,
      interval: `${percent(run.microLower * 100)}–${percent(run.microUpper * 100)}`,
      detail: t(run.limit === null ? 'leaderboardMeasured' : 'leaderboardMeasuredSample', {
        method: run.method,
        n: run.n,
        limit: run.limit ?? 0,
      }),
      shots: run.shots,
      published: false,
    })),
    ...data.mmlu.published.map((score) => ({
      key: `published-${score.model}`,
      model: score.model,
      accuracy: score.mmlu,
      interval: null,
      detail: t('leaderboardPublished'),
      shots: score.shots,
      published: true,
    })),
  ].sort((x, y) => y.accuracy - x.accuracy);
  // The chart draws each model's newest run (a model's best of several would flatter it).
  const newestFirst = [...data.mmlu.runs].sort((x, y) => y.finishedAt.localeCompare(x.finishedAt));
  const chartRuns = newestFirst
    .filter((run, index) => newestFirst.findIndex((other) => other.model === run.model) === index)
    .slice(0, maxChartedModels);

  return (
    <>
      <div className="leaderboard-columns">
        <section aria-labelledby="arena-board">
          <h2 id="arena-board">{t('arena')}</h2>
          <p className="muted">{t('leaderboardArenaSummary', { count: battles })}</p>
          {ratings.length === 0 ? (
            <p>
              {t('leaderboardNoVotes')}{' '}
              <a
                href="/arena"
                onClick={(event) => {
                  event.preventDefault();
                  navigate({ name: 'arena', battleId: null });
                }}
              >
                {t('arenaStartBattle')}
              </a>
            </p>
          ) : (
            <div className="table-wrap">
              <table className="leaderboard-table">
                <caption className="visually-hidden">{t('leaderboardArenaCaption')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('leaderboardRank')}</th>
                    <th scope="col">{t('leaderboardModel')}</th>
                    <th scope="col">{t('leaderboardRating')}</th>
                    <th scope="col">{t('leaderboardInterval')}</th>
                    <th scope="col">{t('leaderboardElo')}</th>
                    <th scope="col">{t('leaderboardBattles')}</th>
                  </tr>
                </thead>
                <tbody>
                  {ratings.map((rating) => (
                    <tr key={rating.model}>
                      <td>{rating.rank}</td>
                      <th scope="row">{rating.model}</th>
                      <td>{round(rating.rating)}</td>
                      <td>
                        {round(rating.lower)}–{round(rating.upper)}
                      </td>
                      <td>{round(rating.elo)}</td>
                      <td>
                        {t('leaderboardRecord', {
                          battles: rating.battles,
                          wins: rating.wins,
                          ties: rating.ties,
                          losses: rating.losses,
                        })}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
        <section aria-labelledby="mmlu-board">
          <h2 id="mmlu-board">{t('leaderboardMmlu')}</h2>
          <p className="muted">{t('leaderboardMmluSummary', { count: data.mmlu.runs.length })}</p>
          <div className="table-wrap">
            <table className="leaderboard-table">
              <caption className="visually-hidden">{t('leaderboardMmluCaption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('leaderboardModel')}</th>
                  <th scope="col">{t('leaderboardAccuracy')}</th>
                  <th scope="col">{t('leaderboardShots')}</th>
                  <th scope="col">{t('leaderboardSource')}</th>
                </tr>
              </thead>
              <tbody>
                {mmluRows.map((row) => (
                  <tr key={row.key} className={row.published ? 'published-row' : undefined}>
                    <th scope="row">{row.model}</th>
                    <td>
                      {percent(row.accuracy)}
                      {row.interval ? (
                        <span className="muted interval"> ({row.interval})</span>
                      ) : null}
                    </td>
                    <td>{row.shots}</td>
                    <td>{row.detail}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      </div>
      <section aria-labelledby="subjects-board" className="leaderboard-subjects">
        <h2 id="subjects-board">{t('leaderboardPerSubject')}</h2>
        {data.mmlu.runs.length === 0 ? (
          <p className="muted">{t('leaderboardNoRuns')}</p>
        ) : (
          <>
            <SubjectChart runs={chartRuns} />
            <details>
              <summary>{t('leaderboardChartTable')}</summary>
              <div className="table-wrap">
                <table className="leaderboard-table">
                  <caption className="visually-hidden">{t('leaderboardPerSubject')}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t('leaderboardSubject')}</th>
                      {chartRuns.map((run) => (
                        <th scope="col" key={run.id}>
                          {run.model}
                        </th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {subjectsOf(chartRuns).map((subject) => (
                      <tr key={subject}>
                        <th scope="row">{subject.replaceAll('_', ' ')}</th>
                        {chartRuns.map((run) => (
                          <td key={run.id}>
                            {run.subjects[subject] ? percent(run.subjects[subject].acc * 100) : '—'}
                          </td>
                        ))}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </details>
          </>
        )}
      </section>
      <details className="leaderboard-method">
        <summary>{t('leaderboardMethodTitle')}</summary>
        <p>{t('leaderboardMethod')}</p>
      </details>
    </>
  );
}
