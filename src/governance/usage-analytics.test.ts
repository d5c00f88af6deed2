// Usage analytics on both dialects over hand-made usage (tests/helpers/usage-fixture.ts): totals,
// each breakdown, active users, the per-model series, names, and nothing of another organisation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureRange, seedUsage, type UsageFixture } from '../../tests/helpers/usage-fixture.js';
import { openTestStore, storeTargets } from '../../tests/helpers/stores.js';
import { OrgScope } from '../identity/org-scope.js';
import type { Store } from '../store/create-database.js';
import {
  usageBreakdown,
  usageSeriesByModel,
  usageTotals,
  type UsageFigures,
} from './usage-analytics.js';
import { usageNames } from './usage-names.js';
import { orgUsageReport } from './org-usage-report.js';

const targets = await storeTargets('usage analytics');

// requests, errors, prompt, completion, cost, unpriced, active users, average latency
function figures(...[r, e, p, c, cost, u, a, l]: number[]): UsageFigures {
  return {
    requests: r!,
    errors: e!,
    promptTokens: p!,
    completionTokens: c!,
    totalTokens: p! + c!,
    costUsd: cost!,
    unpricedRequests: u!,
    activeUsers: a!,
    avgLatencyMs: r ? l! : null,
  };
}

// Sums of binary fractions: compare costs to the nano-dollar.
const rounded = <T extends { costUsd: number }>(rows: T[]) =>
  rows.map((row) => ({ ...row, costUsd: Number(row.costUsd.toFixed(9)) }));

describe.each(targets)('usage analytics on $dialect', (target) => {
  let store: Store;
  let dispose: () => Promise<void>;
  let fixture: UsageFixture;
  let scope: OrgScope;

  beforeAll(async () => {
    ({ store, dispose } = await openTestStore(target));
    fixture = await seedUsage(store.db);
    scope = new OrgScope(store.db, fixture.orgId);
  });
  afterAll(async () => {
    await dispose();
  });

  it('totals the range, to excluded, counting distinct users as active', async () => {
    const totals = await usageTotals(scope, fixtureRange);
    expect(rounded([totals])).toEqual([figures(5, 2, 42, 25, 1.8, 1, 2, 150)]);
    const withThirdDay = await usageTotals(scope, { from: '2026-03-01', to: '2026-03-04' });
    expect(withThirdDay).toMatchObject({ requests: 6, activeUsers: 3 });
  });

  it('breaks usage down by day, every day of the range included', async () => {
    const rows = await usageBreakdown(scope, { from: '2026-02-28', to: '2026-03-03' }, 'day');
    expect(rounded(rows)).toEqual([
      { key: '2026-02-28', ...figures(0, 0, 0, 0, 0, 0, 0) },
      { key: '2026-03-01', ...figures(4, 2, 38, 19, 1.6, 1, 2, 163) },
      { key: '2026-03-02', ...figures(1, 0, 4, 6, 0.2, 0, 1, 100) },
    ]);
  });

  it('breaks usage down by model, team and user, most requests first', async () => {
    const { users, teams } = fixture;
    expect(rounded(await usageBreakdown(scope, fixtureRange, 'model'))).toEqual([
      { key: 'small', ...figures(4, 1, 35, 22, 0.8, 1, 2, 138) },
      { key: 'large', ...figures(1, 1, 7, 3, 1, 0, 1, 200) },
    ]);
    const byTeam = rounded(await usageBreakdown(scope, fixtureRange, 'team'));
    expect(byTeam[0]).toEqual({ key: teams.research, ...figures(3, 2, 37, 18, 1.5, 1, 2, 200) });
    expect(byTeam.slice(1)).toEqual(
      expect.arrayContaining([
        { key: null, ...figures(1, 0, 1, 1, 0.1, 0, 0, 50) },
        { key: teams.sales, ...figures(1, 0, 4, 6, 0.2, 0, 1, 100) },
      ]),
    );
    const byUser = rounded(await usageBreakdown(scope, fixtureRange, 'user'));
    expect(byUser.slice(0, 2)).toEqual(
      expect.arrayContaining([
        { key: users[0].id, ...figures(2, 1, 30, 15, 0.5, 1, 1, 200) },
        { key: users[1].id, ...figures(2, 1, 11, 9, 1.2, 0, 1, 150) },
      ]),
    );
    expect(byUser[2]).toEqual({ key: null, ...figures(1, 0, 1, 1, 0.1, 0, 0, 50) });
  });

  it('gives each model a per-day series aligned with the days', async () => {
    const series = await usageSeriesByModel(scope, fixtureRange);
    expect(series.days).toEqual(['2026-03-01', '2026-03-02']);
    expect(
      series.models.map((model) => ({
        ...model,
        costUsd: model.costUsd.map((usd) => Number(usd.toFixed(9))),
      })),
    ).toEqual([
      { model: 'small', requests: [3, 1], totalTokens: [47, 10], costUsd: [0.6, 0.2] },
      { model: 'large', requests: [1, 0], totalTokens: [10, 0], costUsd: [1, 0] },
    ]);
  });

  it('names the teams and users of the report, and shows nothing of another organisation', async () => {
    const byTeam = await orgUsageReport(scope, fixtureRange, 'team');
    expect(byTeam.names.teams).toEqual({
      [fixture.teams.research]: 'Research',
      [fixture.teams.sales]: 'Sales, "EMEA"',
    });
    const byUser = await orgUsageReport(scope, fixtureRange, 'user');
    expect(byUser.names.users[fixture.users[0].id]).toEqual({
      email: fixture.users[0].email,
      displayName: 'Ada',
    });
    expect(byUser.rows.map((row) => row.key)).not.toContain(fixture.stranger.id);

    const other = new OrgScope(store.db, fixture.otherOrgId);
    const theirs = await orgUsageReport(other, fixtureRange, 'user');
    expect(theirs.totals).toMatchObject({ requests: 1, promptTokens: 1000, activeUsers: 1 });
    expect(theirs.rows.map((row) => row.key)).toEqual([fixture.stranger.id]);
    // Their scope cannot name this organisation's users, even when asked by id.
    expect(await usageNames(other, { userIds: [fixture.users[0].id] })).toEqual({
      teams: {},
      users: {},
    });
  });
});
