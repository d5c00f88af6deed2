// Migration 0012 on both dialects: the coarse rollups start out holding the sums of the fine
// rollup rows already there, per (org, day, model) and per (org, day, user, team); down() drops
// them and up() refills them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readable, testMigrator } from '../../../tests/helpers/migrations.js';
import { storeTargets, type TestDatabase } from '../../../tests/helpers/stores.js';
import { openDatabase } from '../create-database.js';

const targets = await storeTargets('migration 0012');

// org, day, model, team, user, then requests, errors, prompt, completion, cost, unpriced, latency
const fine: [string, string, string, string, string, ...number[]][] = [
  ['org-a', '2026-03-01', 'small', 'team-1', 'user-1', 2, 1, 30, 15, 0.5, 1, 400],
  ['org-a', '2026-03-01', 'large', 'team-1', 'user-1', 1, 0, 7, 3, 1, 0, 200],
  ['org-a', '2026-03-01', 'small', 'team-2', 'user-2', 3, 0, 10, 10, 0.25, 0, 90],
  ['org-a', '2026-03-01', 'small', '', '', 1, 1, 1, 1, 0, 1, 10],
  ['org-a', '2026-03-02', 'small', 'team-1', 'user-1', 1, 0, 1, 1, 0.25, 0, 50],
  ['org-b', '2026-03-01', 'small', 'team-9', 'user-9', 1, 0, 4, 4, 0.1, 0, 10],
];

const counters = (...[r, e, p, c, cost, u, l]: number[]) => ({
  requests: r!,
  errors: e!,
  prompt_tokens: p!,
  completion_tokens: c!,
  cost_usd: cost!,
  unpriced_requests: u!,
  latency_ms: l!,
});

const numbers = (rows: Record<string, unknown>[]) =>
  rows.map((row) =>
    Object.fromEntries(
      Object.entries(row).map(([key, value]) => [
        key,
        key === 'cost_usd'
          ? Number(Number(value).toFixed(9))
          : /^\d+$/.test(String(value))
            ? Number(value)
            : value,
      ]),
    ),
  );

describe.each(targets)('migration 0012 on $dialect', (target) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await target.createDatabase();
  });
  afterAll(async () => database.drop());

  it('fills usage_daily_model and usage_daily_user from usage_daily; goes down and up', async () => {
    const store = await openDatabase(database.options);
    const db = store.db;
    try {
      const down = await (await testMigrator(db, database)).migrateTo('0011-run-leases');
      expect(down.error).toBeUndefined();
      expect(await readable(db, 'usage_daily_model')).toBe(false);
      expect(await readable(db, 'usage_daily_user')).toBe(false);
      await db
        .insertInto('usage_daily')
        .values(
          fine.map(([org_id, day, model, team_id, user_id, ...sums]) => ({
            org_id,
            day,
            model,
            team_id,
            user_id,
            ...counters(...sums),
          })),
        )
        .execute();

      const up = await (await testMigrator(db, database)).migrateToLatest();
      expect(up.error).toBeUndefined();
      const byModel = await db
        .selectFrom('usage_daily_model')
        .selectAll()
        .orderBy('org_id')
        .orderBy('day')
        .orderBy('model')
        .execute();
      expect(numbers(byModel)).toEqual([
        { org_id: 'org-a', day: '2026-03-01', model: 'large', ...counters(1, 0, 7, 3, 1, 0, 200) },
        {
          org_id: 'org-a',
          day: '2026-03-01',
          model: 'small',
          ...counters(6, 2, 41, 26, 0.75, 2, 500),
        },
        {
          org_id: 'org-a',
          day: '2026-03-02',
          model: 'small',
          ...counters(1, 0, 1, 1, 0.25, 0, 50),
        },
        { org_id: 'org-b', day: '2026-03-01', model: 'small', ...counters(1, 0, 4, 4, 0.1, 0, 10) },
      ]);
      const byUser = await db
        .selectFrom('usage_daily_user')
        .selectAll()
        .orderBy('org_id')
        .orderBy('day')
        .orderBy('user_id')
        .orderBy('team_id')
        .execute();
      const user = (org: string, day: string, userId: string, teamId: string) => ({
        org_id: org,
        day,
        user_id: userId,
        team_id: teamId,
      });
      expect(numbers(byUser)).toEqual([
        { ...user('org-a', '2026-03-01', '', ''), ...counters(1, 1, 1, 1, 0, 1, 10) },
        {
          ...user('org-a', '2026-03-01', 'user-1', 'team-1'),
          ...counters(3, 1, 37, 18, 1.5, 1, 600),
        },
        {
          ...user('org-a', '2026-03-01', 'user-2', 'team-2'),
          ...counters(3, 0, 10, 10, 0.25, 0, 90),
        },
        {
          ...user('org-a', '2026-03-02', 'user-1', 'team-1'),
          ...counters(1, 0, 1, 1, 0.25, 0, 50),
        },
        {
          ...user('org-b', '2026-03-01', 'user-9', 'team-9'),
          ...counters(1, 0, 4, 4, 0.1, 0, 10),
        },
      ]);

      const again = await (await testMigrator(db, database)).migrateTo('0011-run-leases');
      expect(again.error).toBeUndefined();
      expect(await readable(db, 'usage_daily_user')).toBe(false);
      expect((await (await testMigrator(db, database)).migrateToLatest()).error).toBeUndefined();
      expect(numbers(await db.selectFrom('usage_daily_user').selectAll().execute())).toHaveLength(
        5,
      );
    } finally {
      await store.close();
    }
  });
});
