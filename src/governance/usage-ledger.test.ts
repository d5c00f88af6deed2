// The usage ledger on both dialects: batching off the request path, flush and close, retries
// after a refused write, and the sums read back.
import { sql, type Kysely, type KyselyPlugin } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openTestStore, storeTargets } from '../../tests/helpers/stores.js';
import type { Store } from '../store/create-database.js';
import type { Database } from '../store/database.js';
import { UsageLedger, type UsageRecord } from './usage-ledger.js';
import { usageSummary } from './usage-summary.js';

const targets = await storeTargets('usage ledger');

// Counts the INSERT statements that reach the database.
function countInserts(db: Kysely<Database>): { db: Kysely<Database>; inserts: () => number } {
  let inserts = 0;
  const plugin: KyselyPlugin = {
    transformQuery: (args) => {
      if (args.node.kind === 'InsertQueryNode') inserts++;
      return args.node;
    },
    transformResult: async (args) => args.result,
  };
  return { db: db.withPlugin(plugin), inserts: () => inserts };
}

const row = (overrides: Partial<UsageRecord> = {}): UsageRecord => ({
  endpoint: '/v1/chat/completions',
  model: 'small',
  target: 'fake/fake-model',
  promptTokens: 7,
  completionTokens: 3,
  costUsd: 0.000013,
  latencyMs: 42,
  ttftMs: 12,
  status: 200,
  ...overrides,
});

describe.each(targets)('usage ledger on $dialect', (target) => {
  let store: Store;
  let dispose: () => Promise<void>;
  let logs: string[];
  const log = (message: string) => logs.push(message);
  const rowCount = async () =>
    Number(
      (
        await store.db
          .selectFrom('usage_events')
          .select((eb) => eb.fn.countAll<number | string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  beforeAll(async () => {
    ({ store, dispose } = await openTestStore(target));
  });
  afterAll(async () => {
    await dispose();
  });
  beforeEach(async () => {
    logs = [];
    await store.db.deleteFrom('usage_events').execute();
  });

  it('queues rows without writing, then writes them together after the interval', async () => {
    const counted = countInserts(store.db);
    const ledger = new UsageLedger(counted.db, { flushIntervalMs: 150, log });
    for (let i = 0; i < 5; i++) ledger.record(row({ userId: `user-${i}` }));
    expect(ledger.pendingRows).toBe(5);
    expect(await rowCount()).toBe(0);
    await expect.poll(rowCount, { timeout: 2_000, interval: 20 }).toBe(5);
    // One transaction of inserts of fixed sizes (usage-events-insert.ts): 5 rows are 4 + 1.
    expect(counted.inserts()).toBe(2);
    expect(ledger.pendingRows).toBe(0);
    await ledger.close();
  });

  it('writes a full batch at once, without waiting for the timer', async () => {
    const counted = countInserts(store.db);
    const ledger = new UsageLedger(counted.db, { flushIntervalMs: 60_000, maxBatchRows: 4, log });
    for (let i = 0; i < 4; i++) ledger.record(row());
    await expect.poll(rowCount, { timeout: 2_000, interval: 20 }).toBe(4);
    expect(counted.inserts()).toBe(1);
    ledger.record(row()); // below a batch: waits for the (long) timer…
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await rowCount()).toBe(4);
    await ledger.close(); // …or for close
    expect(await rowCount()).toBe(5);
  });

  it('flushes on demand and on close, and refuses rows after close', async () => {
    const ledger = new UsageLedger(store.db, { flushIntervalMs: 60_000, log });
    ledger.record(row());
    await ledger.flush();
    expect(await rowCount()).toBe(1);
    ledger.record(row());
    ledger.record(row());
    await ledger.close();
    expect(await rowCount()).toBe(3);
    ledger.record(row());
    expect(ledger.pendingRows).toBe(0);
    expect(logs.join('\n')).toMatch(/closed: a row for \/v1\/chat\/completions was not recorded/);
  });

  it('keeps the rows of a refused write and writes them once the database accepts', async () => {
    const ledger = new UsageLedger(store.db, { flushIntervalMs: 30, maxRetryDelayMs: 100, log });
    await sql`alter table usage_events rename to usage_events_away`.execute(store.db);
    try {
      ledger.record(row({ apiKeyId: 'key-a' }));
      ledger.record(row({ apiKeyId: 'key-b' }));
      await expect.poll(() => logs.length, { timeout: 2_000, interval: 10 }).toBeGreaterThan(1);
      expect(logs[0]).toMatch(/writing 2 row\(s\) failed, will retry/);
      expect(ledger.pendingRows).toBe(2);
    } finally {
      await sql`alter table usage_events_away rename to usage_events`.execute(store.db);
    }
    await expect.poll(rowCount, { timeout: 3_000, interval: 20 }).toBe(2); // the timer retried
    expect(ledger.pendingRows).toBe(0);
    await ledger.close();
  });

  it('says how many rows it lost when the database never accepts them', async () => {
    const { store: doomed, dispose: disposeDoomed } = await openTestStore(target);
    const ledger = new UsageLedger(doomed.db, { flushIntervalMs: 60_000, log });
    await sql`drop table usage_events`.execute(doomed.db);
    ledger.record(row());
    ledger.record(row());
    await ledger.close(2);
    expect(logs.at(-1)).toMatch(/2 row\(s\) could not be written and are lost/);
    await disposeDoomed();
  });

  it('stores every field, and sums per user, per key and per period', async () => {
    const ledger = new UsageLedger(store.db, { log });
    const november = new Date('2026-11-15T10:00:00Z');
    const december = new Date('2026-12-01T00:00:00Z');
    ledger.record(row({ createdAt: november, userId: 'user-1', apiKeyId: 'key-1' }));
    ledger.record(
      row({
        createdAt: december,
        userId: 'user-1',
        apiKeyId: 'key-2',
        promptTokens: 100,
        completionTokens: 50,
        costUsd: 0.25,
      }),
    );
    ledger.record(
      row({
        createdAt: december,
        userId: 'user-2',
        apiKeyId: 'key-3',
        target: null,
        costUsd: null,
        promptTokens: 0,
        completionTokens: 0,
        ttftMs: null,
        status: 429,
        errorCode: 'rate_limit_exceeded',
      }),
    );
    await ledger.close();

    const stored = await store.db
      .selectFrom('usage_events')
      .selectAll()
      .where('api_key_id', '=', 'key-3')
      .executeTakeFirstOrThrow();
    expect(stored).toMatchObject({
      user_id: 'user-2',
      org_id: null,
      team_id: null,
      endpoint: '/v1/chat/completions',
      model: 'small',
      target: null,
      prompt_tokens: 0,
      cost_usd: null,
      latency_ms: 42,
      ttft_ms: null,
      status: 429,
      error_code: 'rate_limit_exceeded',
      created_at: december.toISOString(),
    });
    expect(stored.id).toMatch(/^usage-/);

    const since = new Date('2026-11-01T00:00:00Z');
    expect(await usageSummary(store.db, { userId: 'user-1', since })).toEqual({
      requests: 2,
      promptTokens: 107,
      completionTokens: 53,
      totalTokens: 160,
      costUsd: expect.closeTo(0.250013, 12),
    });
    expect(await usageSummary(store.db, { userId: 'user-1', since: december })).toMatchObject({
      requests: 1,
      totalTokens: 150,
    });
    expect(
      await usageSummary(store.db, { userId: 'user-1', since, until: december }),
    ).toMatchObject({ requests: 1, totalTokens: 10 });
    expect(await usageSummary(store.db, { apiKeyId: 'key-3', since })).toEqual({
      requests: 1,
      promptTokens: 0,
      completionTokens: 0,
      totalTokens: 0,
      costUsd: 0,
    });
    expect(await usageSummary(store.db, { apiKeyId: 'key-none', since })).toMatchObject({
      requests: 0,
      costUsd: 0,
    });
  });
});
