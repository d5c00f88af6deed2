// The daily rollups on both dialects: after several flushes, flushes from several ledgers at once,
// and a flush whose rollup write failed and was retried, `usage_daily` and its coarser companions
// `usage_daily_model` and `usage_daily_user` hold exactly the sums of the raw ledger, and
// `usage_active_days` exactly the days each user sent each model a request.
import { sql, type Kysely, type KyselyPlugin } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openTestStore, storeTargets } from '../../tests/helpers/stores.js';
import type { Store } from '../store/create-database.js';
import type { Database } from '../store/database.js';
import { UsageLedger, type UsageRecord } from './usage-ledger.js';

const targets = await storeTargets('usage rollup');

// A deterministic spread of rows over 2 organisations, 5 days across a month's end (the 31st is
// the highest bit of `usage_active_days`), 3 models, teams and users.
function records(count: number, seed: number): UsageRecord[] {
  return Array.from({ length: count }, (_, index) => {
    const n = index * 7 + seed * 13;
    return {
      createdAt: new Date(Date.UTC(2026, 0, 29 + (Math.floor(n / 30) % 5), (n * 5) % 24, n % 60)),
      orgId: n % 11 === 0 ? null : `org-${n % 2}`,
      teamId: n % 4 === 0 ? null : `team-${n % 3}`,
      userId: n % 9 === 0 ? null : `user-${n % 5}`,
      endpoint: '/v1/chat/completions',
      model: `model-${n % 3}`,
      promptTokens: n % 50,
      completionTokens: n % 30,
      costUsd: n % 6 === 0 ? null : (n % 17) / 1000,
      latencyMs: 100 + (n % 400),
      status: n % 10 === 0 ? 500 : 200,
    };
  });
}

// Each rollup's key columns after org_id and day, as the ledger spells them.
const rollupKeys = {
  usage_daily: {
    model: sql`model`,
    team_id: sql`coalesce(team_id, '')`,
    user_id: sql`coalesce(user_id, '')`,
  },
  usage_daily_model: { model: sql`model` },
  usage_daily_user: { user_id: sql`coalesce(user_id, '')`, team_id: sql`coalesce(team_id, '')` },
} as const;

type RollupTable = keyof typeof rollupKeys;
const rollupTables = Object.keys(rollupKeys) as RollupTable[];

/** The ledger summed the way a rollup should hold it, as comparable rows. */
async function fromLedger(db: Kysely<Database>, table: RollupTable = 'usage_daily') {
  const keys = Object.entries(rollupKeys[table]).map(
    ([name, value]) => sql`${value} as ${sql.ref(name)}`,
  );
  const groups = Object.keys(rollupKeys[table]).map((_, index) => sql.lit(index + 3));
  const { rows } = await sql<Record<string, unknown>>`
    select org_id, substr(created_at, 1, 10) as day, ${sql.join(keys)}, count(*) as requests,
      sum(case when status >= 400 then 1 else 0 end) as errors,
      sum(prompt_tokens) as prompt_tokens, sum(completion_tokens) as completion_tokens,
      coalesce(sum(cost_usd), 0) as cost_usd,
      sum(case when cost_usd is null then 1 else 0 end) as unpriced_requests,
      sum(latency_ms) as latency_ms
    from usage_events where org_id is not null
    group by 1, 2, ${sql.join(groups)}`.execute(db);
  return normalise(rows);
}

async function fromRollup(db: Kysely<Database>, table: RollupTable = 'usage_daily') {
  return normalise(await db.selectFrom(table).selectAll().execute());
}

/**
 * `usage_active_days` as the ledger says it should be: per organisation, month, model and user,
 * 2^(d - 1) summed over the distinct days d with a request (rows without a user left out).
 */
async function activeDaysFromLedger(db: Kysely<Database>) {
  const rows = await db
    .selectFrom('usage_events')
    .select(['org_id', 'created_at', 'model', 'user_id'])
    .where('org_id', 'is not', null)
    .where('user_id', 'is not', null)
    .execute();
  const days = new Map<string, Set<number>>();
  for (const row of rows) {
    const key = JSON.stringify([row.org_id, row.created_at.slice(0, 7), row.model, row.user_id]);
    days.set(key, (days.get(key) ?? new Set()).add(Number(row.created_at.slice(8, 10))));
  }
  return normalise(
    [...days].map(([key, set]) => {
      const [org_id, month, model, user_id] = JSON.parse(key) as string[];
      const bits = [...set].reduce((sum, day) => sum + 2 ** (day - 1), 0);
      return { org_id, month, model, user_id, day_bits: bits };
    }),
  );
}

/** Every rollup equals the ledger summed over its key, and the active days are the ledger's. */
async function expectRollupsMatchLedger(db: Kysely<Database>) {
  for (const table of rollupTables) {
    const expected = await fromLedger(db, table);
    expect(expected.length, table).toBeGreaterThan(0);
    expect(await fromRollup(db, table), table).toEqual(expected);
  }
  const activeDays = await activeDaysFromLedger(db);
  // The spread reaches the 31st, and some pair was active on several days of one month.
  expect(activeDays.some((row) => Number(row.day_bits) >= 2 ** 30)).toBe(true);
  expect(activeDays.some((row) => !Number.isInteger(Math.log2(Number(row.day_bits))))).toBe(true);
  expect(normalise(await db.selectFrom('usage_active_days').selectAll().execute())).toEqual(
    activeDays,
  );
}

function normalise(rows: Record<string, unknown>[]) {
  return rows
    .map((row) =>
      Object.fromEntries(
        Object.entries(row).map(([key, value]) => [
          key,
          key === 'cost_usd'
            ? Number(Number(value).toFixed(9))
            : typeof value === 'string' && /^\d+$/.test(value)
              ? Number(value)
              : value,
        ]),
      ),
    )
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

describe.each(targets)('usage rollup on $dialect', (target) => {
  let store: Store;
  let dispose: () => Promise<void>;
  const log = () => undefined;

  beforeAll(async () => {
    ({ store, dispose } = await openTestStore(target));
  });
  afterAll(async () => {
    await dispose();
  });
  beforeEach(async () => {
    await store.db.deleteFrom('usage_events').execute();
    for (const table of rollupTables) await store.db.deleteFrom(table).execute();
    await store.db.deleteFrom('usage_active_days').execute();
  });

  it('matches the raw ledger after several flushes adding to the same days', async () => {
    const ledger = new UsageLedger(store.db, { flushIntervalMs: 60_000, maxBatchRows: 37, log });
    for (let round = 0; round < 4; round++) {
      for (const record of records(90, round)) ledger.record(record);
      await ledger.flush();
    }
    await ledger.close();
    expect((await fromLedger(store.db)).length).toBeGreaterThan(20);
    await expectRollupsMatchLedger(store.db);
  });

  it('matches the raw ledger when several ledgers flush the same keys at once', async () => {
    // As several replicas do: each its own ledger, every batch touching the same rollup rows.
    const ledgers = Array.from(
      { length: 4 },
      () => new UsageLedger(store.db, { flushIntervalMs: 60_000, maxBatchRows: 25, log }),
    );
    for (let round = 0; round < 3; round++) {
      ledgers.forEach((ledger, index) => {
        for (const record of records(120, round * 4 + index)) ledger.record(record);
      });
      await Promise.all(ledgers.map((ledger) => ledger.flush()));
    }
    await Promise.all(ledgers.map((ledger) => ledger.close()));
    const count = await store.db
      .selectFrom('usage_events')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(4 * 3 * 120);
    await expectRollupsMatchLedger(store.db);
  });

  it('writes neither the rows nor their sums when the rollup write fails, then both on retry', async () => {
    let failNext = true;
    const failRollupOnce: KyselyPlugin = {
      transformQuery: (args) => {
        const node = args.node;
        // The last table written: the ledger rows and the other rollups are already in.
        if (
          node.kind === 'InsertQueryNode' &&
          node.into?.table.identifier.name === 'usage_active_days'
        ) {
          if (failNext) {
            failNext = false;
            throw new Error('rollup refused');
          }
        }
        return node;
      },
      transformResult: async (args) => args.result,
    };
    const ledger = new UsageLedger(store.db.withPlugin(failRollupOnce), {
      flushIntervalMs: 60_000,
      log,
    });
    for (const record of records(50, 1)) ledger.record(record);
    await expect(ledger.flush()).rejects.toThrow('rollup refused');
    expect(await fromLedger(store.db)).toEqual([]);
    for (const table of rollupTables) expect(await fromRollup(store.db, table)).toEqual([]);
    expect(await store.db.selectFrom('usage_active_days').selectAll().execute()).toEqual([]);
    await ledger.flush();
    await ledger.close();
    await expectRollupsMatchLedger(store.db);
  });
});
