// Usage analytics on both dialects over hand-made usage (tests/helpers/usage-fixture.ts): totals,
// each breakdown, active users, the per-model series, names, and nothing of another organisation;
// and each model's active users over many ranges of sparse usage spanning months.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureRange, seedUsage, type UsageFixture } from '../../tests/helpers/usage-fixture.js';
import { openTestStore, storeTargets } from '../../tests/helpers/stores.js';
import { createOrg } from '../identity/orgs.js';
import { OrgScope } from '../identity/org-scope.js';
import type { Store } from '../store/create-database.js';
import {
  usageBreakdown,
  usageSeriesByModel,
  usageTotals,
  type UsageFigures,
} from './usage-analytics.js';
import { UsageLedger, type UsageRecord } from './usage-ledger.js';
import { usageNames } from './usage-names.js';
import { orgUsageReport } from './org-usage-report.js';
import { addDays, dayOf } from './usage-range.js';

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

// 5 users now and then on 3 models over 80 days from 2026-01-20 (a user often on one model and not
// another the same day; months' first and last days, the 31st included), and a few requests
// without a user, which never count as active.
function sparseUsage(orgId: string): UsageRecord[] {
  const records: UsageRecord[] = [];
  for (let day = 0; day < 80; day++) {
    for (let user = 0; user < 6; user++) {
      for (let model = 0; model < 3; model++) {
        if ((day * 7 + user * 13 + model * 5 + day * user * model) % 9 !== 0) continue;
        records.push({
          createdAt: new Date(Date.UTC(2026, 0, 20 + day, (day + user) % 24)),
          orgId,
          userId: user === 5 ? null : `sparse-user-${user}`,
          endpoint: '/v1/chat/completions',
          model: `model-${model}`,
          latencyMs: 100,
          status: 200,
        });
      }
    }
  }
  return records;
}

/** Each model's distinct users in [from, to), counted from the records themselves. */
function expectedActiveUsers(records: UsageRecord[], from: string, to: string) {
  const users = new Map<string, Set<string>>();
  for (const record of records) {
    const day = dayOf(record.createdAt!);
    if (day < from || day >= to) continue;
    const set = users.get(record.model) ?? new Set<string>();
    if (record.userId) set.add(record.userId);
    users.set(record.model, set);
  }
  return Object.fromEntries([...users].map(([model, set]) => [model, set.size]));
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

  it("counts each model's active users exactly over any range of days, across months", async () => {
    const orgId = (await createOrg(store.db, { name: 'Sparse usage' })).id;
    const records = sparseUsage(orgId);
    const ledger = new UsageLedger(store.db, { flushIntervalMs: 60_000, maxBatchRows: 50 });
    for (const record of records) ledger.record(record);
    await ledger.close();
    const sparse = new OrgScope(store.db, orgId);
    // Bounds on, before and after months' edges; every range between two of them.
    const bounds = [
      ...['01-20', '01-21', '01-30', '01-31', '02-01', '02-02', '02-14', '02-28'],
      ...['03-01', '03-02', '03-17', '03-30', '03-31', '04-01', '04-08', '04-09', '04-10'],
    ].map((day) => `2026-${day}`);
    let checked = 0;
    for (const from of bounds) {
      for (const to of bounds.filter((day) => day > from)) {
        const rows = await usageBreakdown(sparse, { from, to }, 'model');
        const counted = Object.fromEntries(rows.map((row) => [row.key, row.activeUsers]));
        expect(counted, `${from} to ${to}`).toEqual(expectedActiveUsers(records, from, to));
        checked++;
      }
    }
    expect(checked).toBe(136);
    // The whole span, one day at a time: each day's figures agree too.
    for (let day = '2026-01-20'; day < '2026-04-10'; day = addDays(day, 1)) {
      const rows = await usageBreakdown(sparse, { from: day, to: addDays(day, 1) }, 'model');
      expect(Object.fromEntries(rows.map((row) => [row.key, row.activeUsers])), day).toEqual(
        expectedActiveUsers(records, day, addDays(day, 1)),
      );
    }
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
