// Migration 0010 on both dialects: the rollup starts out holding the sums of the ledger rows
// already there (rows without an organisation left out); down() drops it and up() refills it.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readable, testMigrator } from '../../../tests/helpers/migrations.js';
import { storeTargets, type TestDatabase } from '../../../tests/helpers/stores.js';
import { openDatabase } from '../create-database.js';

const targets = await storeTargets('migration 0010');

// id, created_at, org, team, user, model, prompt, completion, cost, latency, status
const ledger: [
  string,
  string,
  string | null,
  string | null,
  string | null,
  string,
  number,
  number,
  number | null,
  number,
  number,
][] = [
  ['u1', '2026-03-01T08:00:00.000Z', 'org-a', 'team-1', 'user-1', 'small', 10, 5, 0.5, 100, 200],
  ['u2', '2026-03-01T23:59:59.999Z', 'org-a', 'team-1', 'user-1', 'small', 20, 10, null, 300, 429],
  ['u3', '2026-03-02T00:00:00.000Z', 'org-a', 'team-1', 'user-1', 'small', 1, 1, 0.25, 50, 200],
  ['u4', '2026-03-01T12:00:00.000Z', 'org-a', null, null, 'large', 7, 3, 1, 200, 500],
  ['u5', '2026-03-01T12:00:00.000Z', 'org-b', 'team-9', 'user-9', 'small', 4, 4, 0.1, 10, 200],
  ['u6', '2026-03-01T12:00:00.000Z', null, null, 'user-x', 'small', 100, 100, 9, 10, 200],
];

describe.each(targets)('migration 0010 on $dialect', (target) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await target.createDatabase();
  });
  afterAll(async () => database.drop());

  it('fills usage_daily from the ledger rows already there; goes down and up', async () => {
    const store = await openDatabase(database.options);
    const db = store.db;
    try {
      const down = await (await testMigrator(db, database)).migrateTo('0009-organisations');
      expect(down.error).toBeUndefined();
      expect(await readable(db, 'usage_daily')).toBe(false);
      for (const [
        id,
        at,
        org,
        team,
        user,
        model,
        prompt,
        completion,
        cost,
        latency,
        status,
      ] of ledger) {
        await sql`insert into usage_events (id, created_at, org_id, team_id, user_id, endpoint,
          model, prompt_tokens, completion_tokens, cost_usd, latency_ms, status)
          values (${id}, ${at}, ${org}, ${team}, ${user}, '/v1/chat/completions', ${model},
            ${prompt}, ${completion}, ${cost}, ${latency}, ${status})`.execute(db);
      }

      const up = await (await testMigrator(db, database)).migrateToLatest();
      expect(up.error).toBeUndefined();
      const rows = await db
        .selectFrom('usage_daily')
        .selectAll()
        .orderBy('org_id')
        .orderBy('day')
        .orderBy('model')
        .execute();
      const numbers = rows.map((row) =>
        Object.fromEntries(
          Object.entries(row).map(([key, value]) => [
            key,
            /^\d+$/.test(String(value)) ? Number(value) : value,
          ]),
        ),
      );
      const counters = (
        requests: number,
        errors: number,
        prompt: number,
        completion: number,
        cost: number,
        unpriced: number,
        latency: number,
      ) => ({
        requests,
        errors,
        prompt_tokens: prompt,
        completion_tokens: completion,
        cost_usd: cost,
        unpriced_requests: unpriced,
        latency_ms: latency,
      });
      expect(numbers).toEqual([
        {
          org_id: 'org-a',
          day: '2026-03-01',
          model: 'large',
          team_id: '',
          user_id: '',
          ...counters(1, 1, 7, 3, 1, 0, 200),
        },
        {
          org_id: 'org-a',
          day: '2026-03-01',
          model: 'small',
          team_id: 'team-1',
          user_id: 'user-1',
          ...counters(2, 1, 30, 15, 0.5, 1, 400),
        },
        {
          org_id: 'org-a',
          day: '2026-03-02',
          model: 'small',
          team_id: 'team-1',
          user_id: 'user-1',
          ...counters(1, 0, 1, 1, 0.25, 0, 50),
        },
        {
          org_id: 'org-b',
          day: '2026-03-01',
          model: 'small',
          team_id: 'team-9',
          user_id: 'user-9',
          ...counters(1, 0, 4, 4, 0.1, 0, 10),
        },
      ]);
    } finally {
      await store.close();
    }
  });
});
