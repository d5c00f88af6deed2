// Migration 0013 on both dialects: `usage_active_days` starts out holding, per organisation,
// month, model and user, the days of `usage_daily` rows as bits (day 1 → bit 0), a day counted
// once however many teams it has rows for, and nothing for requests without a user; down() drops
// it and up() refills it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readable, testMigrator } from '../../../tests/helpers/migrations.js';
import { storeTargets, type TestDatabase } from '../../../tests/helpers/stores.js';
import { openDatabase } from '../create-database.js';

const targets = await storeTargets('migration 0013');

// org, day, model, team, user (the counters do not matter here)
const fine: [string, string, string, string, string][] = [
  ['org-a', '2026-01-01', 'small', 'team-1', 'user-1'],
  ['org-a', '2026-01-01', 'small', 'team-2', 'user-1'], // the same day through another team
  ['org-a', '2026-01-03', 'small', 'team-1', 'user-1'],
  ['org-a', '2026-01-31', 'small', 'team-1', 'user-1'],
  ['org-a', '2026-01-31', 'large', 'team-1', 'user-1'],
  ['org-a', '2026-02-01', 'small', 'team-1', 'user-1'],
  ['org-a', '2026-01-02', 'small', '', 'user-2'],
  ['org-a', '2026-01-02', 'small', '', ''], // no user: never active
  ['org-b', '2026-01-02', 'small', 'team-9', 'user-9'],
];

const row = (org_id: string, month: string, model: string, user_id: string, bits: number) => ({
  org_id,
  month,
  model,
  user_id,
  day_bits: bits,
});

describe.each(targets)('migration 0013 on $dialect', (target) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await target.createDatabase();
  });
  afterAll(async () => database.drop());

  it('fills usage_active_days from usage_daily; goes down and up', async () => {
    const store = await openDatabase(database.options);
    const db = store.db;
    const activeDays = async () =>
      (
        await db
          .selectFrom('usage_active_days')
          .selectAll()
          .orderBy('org_id')
          .orderBy('month')
          .orderBy('model')
          .orderBy('user_id')
          .execute()
      ).map((active) => ({ ...active, day_bits: Number(active.day_bits) }));
    try {
      const down = await (await testMigrator(db, database)).migrateTo('0012-usage-coarse-rollups');
      expect(down.error).toBeUndefined();
      expect(await readable(db, 'usage_active_days')).toBe(false);
      await db
        .insertInto('usage_daily')
        .values(
          fine.map(([org_id, day, model, team_id, user_id]) => ({
            org_id,
            day,
            model,
            team_id,
            user_id,
            requests: 1,
            errors: 0,
            prompt_tokens: 1,
            completion_tokens: 1,
            cost_usd: 0,
            unpriced_requests: 0,
            latency_ms: 1,
          })),
        )
        .execute();

      const up = await (await testMigrator(db, database)).migrateToLatest();
      expect(up.error).toBeUndefined();
      const expected = [
        row('org-a', '2026-01', 'large', 'user-1', 2 ** 30),
        row('org-a', '2026-01', 'small', 'user-1', 2 ** 0 + 2 ** 2 + 2 ** 30),
        row('org-a', '2026-01', 'small', 'user-2', 2 ** 1),
        row('org-a', '2026-02', 'small', 'user-1', 2 ** 0),
        row('org-b', '2026-01', 'small', 'user-9', 2 ** 1),
      ];
      expect(await activeDays()).toEqual(expected);

      const again = await (await testMigrator(db, database)).migrateTo('0012-usage-coarse-rollups');
      expect(again.error).toBeUndefined();
      expect(await readable(db, 'usage_active_days')).toBe(false);
      expect((await (await testMigrator(db, database)).migrateToLatest()).error).toBeUndefined();
      expect(await activeDays()).toEqual(expected);
    } finally {
      await store.close();
    }
  });
});
