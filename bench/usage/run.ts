// bench/usage: usage analytics for one large organisation over a 10-million-row ledger, through
// Salon's own code (the functions GET /api/admin/usage calls, on the usage rollups),
// against the same figures computed from the raw ledger, per dialect.
//
//   npm run bench:usage [-- --rows N --runs N --baseline-runs N --dialects sqlite,postgres --json]
//
// Each dialect gets a fresh database (a temp dir; a throwaway Postgres schema, dropped after):
// Salon's migrations down to 0009, the ledger loaded in SQL, then the migrations up (0010 builds
// `usage_daily` from the ledger, 0012 its coarse companions and 0013 `usage_active_days` from it),
// exactly as on an instance that upgrades.
import { Migrator, sql, type Kysely } from 'kysely';
import {
  usageBreakdown,
  usageSeriesByModel,
  usageTotals,
  type UsageGroupBy,
} from '../../src/governance/usage-analytics.js';
import { UsageLedger, type UsageRecord } from '../../src/governance/usage-ledger.js';
import { usageRollupTables } from '../../src/governance/usage-rollup.js';
import { addDays, type UsageRange } from '../../src/governance/usage-range.js';
import { orgUsageReport } from '../../src/governance/org-usage-report.js';
import { OrgScope } from '../../src/identity/org-scope.js';
import type { Store } from '../../src/store/create-database.js';
import type { Database } from '../../src/store/database.js';
import { migrations } from '../../src/store/migrate.js';
import type { DialectName } from '../../src/store/store-dialect.js';
import { openFreshStore, runnableDialects } from '../fresh-store.js';
import { benchCommand } from '../machine.js';
import { rawLedgerQuery, type BaselineQuery } from './baseline.js';
import { parseUsageBenchOptions, type UsageBenchOptions } from './options.js';
import {
  formatReport,
  loadAverage,
  machine,
  percentile,
  type DialectReport,
  type QueryTiming,
  type UsageBenchReport,
} from './report.js';
import { largeOrgId, loadLedger, shape } from './seed.js';

const log = (line: string) => console.error(line);
const rangeDays = [7, 30, 90] as const;
const lastDay = addDays(shape.firstDay, shape.days); // excluded

async function migrator(db: Kysely<Database>, dialect: DialectName): Promise<Migrator> {
  const schema =
    dialect === 'postgres'
      ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]!
          .schema
      : undefined;
  return new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableSchema: schema,
  });
}

async function count(db: Kysely<Database>, query: ReturnType<typeof sql>): Promise<number> {
  const { rows } = await sql<{
    n: number | string;
  }>`select count(*) as n from (${query}) q`.execute(db);
  return Number(rows[0]!.n);
}

async function timeRuns(runs: number, work: () => Promise<unknown>) {
  await work(); // warm: the first run pays for cold caches
  const times: number[] = [];
  for (let run = 0; run < runs; run++) {
    const startedAt = performance.now();
    await work();
    times.push(performance.now() - startedAt);
  }
  return { p50: percentile(times, 50), p95: percentile(times, 95), runs };
}

// The rollups and the ledger must agree before either is timed: the totals over every day, and
// each model's requests and active users over a range that starts mid-month.
async function checkAgreement(scope: OrgScope, db: Kysely<Database>): Promise<void> {
  const range = { from: shape.firstDay, to: lastDay };
  const rollup = await usageTotals(scope, range);
  const [raw] = await rawLedgerQuery(db, largeOrgId, range, 'totals');
  const same =
    rollup.requests === Number(raw!.requests) &&
    rollup.promptTokens === Number(raw!.prompt_tokens) &&
    rollup.activeUsers === Number(raw!.active_users) &&
    Math.abs(rollup.costUsd - Number(raw!.cost_usd)) < 1e-6;
  if (!same) throw new Error(`rollup ${JSON.stringify(rollup)} ≠ ledger ${JSON.stringify(raw)}`);
  const midMonth = { from: addDays(lastDay, -30), to: lastDay };
  const lines = (rows: [unknown, unknown, unknown][]) =>
    JSON.stringify(
      rows.map(([model, n, users]) => [String(model), Number(n), Number(users)]).sort(),
    );
  const rollupModels = lines(
    (await usageBreakdown(scope, midMonth, 'model')).map((row) => [
      row.key,
      row.requests,
      row.activeUsers,
    ]),
  );
  const rawModels = lines(
    (await rawLedgerQuery(db, largeOrgId, midMonth, 'model')).map((row) => [
      row.key,
      row.requests,
      row.active_users,
    ]),
  );
  if (rollupModels !== rawModels) {
    throw new Error(`per model: rollups ${rollupModels} ≠ ledger ${rawModels}`);
  }
}

async function timeQueries(store: Store, options: UsageBenchOptions): Promise<QueryTiming[]> {
  const scope = new OrgScope(store.db, largeOrgId);
  await checkAgreement(scope, store.db);
  const timings: QueryTiming[] = [];
  for (const days of rangeDays) {
    const range: UsageRange = { from: addDays(lastDay, -days), to: lastDay };
    const queries: [string, () => Promise<unknown>, BaselineQuery?][] = [
      ['totals', () => usageTotals(scope, range), 'totals'],
      ...(['day', 'model', 'team', 'user'] as UsageGroupBy[]).map(
        (groupBy) =>
          [`by ${groupBy}`, () => usageBreakdown(scope, range, groupBy), groupBy] as [
            string,
            () => Promise<unknown>,
            BaselineQuery,
          ],
      ),
      ['series by model', () => usageSeriesByModel(scope, range)],
      ['whole report, by day', () => orgUsageReport(scope, range, 'day')],
      ['whole report, by user', () => orgUsageReport(scope, range, 'user')],
    ];
    for (const [query, work, baseline] of queries) {
      const rollup = await timeRuns(options.runs, work);
      const raw = baseline
        ? await timeRuns(options.baselineRuns, () =>
            rawLedgerQuery(store.db, largeOrgId, range, baseline),
          )
        : undefined;
      const timing = { days, query, rollup, raw, speedup: raw && raw.p50 / rollup.p50 };
      log(
        `  ${days} days, ${query}: ${rollup.p50.toFixed(1)} ms p50${raw ? `, raw ${raw.p50.toFixed(0)} ms` : ''}`,
      );
      timings.push(timing);
    }
  }
  return timings;
}

// A ledger flush of 200 rows on the loaded database, with the rollup and as a bare insert.
async function flushCost(db: Kysely<Database>): Promise<DialectReport['flushMs']> {
  const batch = (round: number): UsageRecord[] =>
    Array.from({ length: 200 }, (_, index) => ({
      createdAt: new Date(Date.parse(`${lastDay}T00:00:00Z`) - 3_600_000 + index),
      orgId: largeOrgId,
      teamId: `${largeOrgId}_team_${index % 20}`,
      userId: `${largeOrgId}_user_${(index * 7 + round) % 1000}`,
      endpoint: '/v1/chat/completions',
      model: `model-${index % 20}`,
      promptTokens: 100,
      completionTokens: 50,
      costUsd: 0.0001,
      latencyMs: 500,
      status: 200,
    }));
  const ledger = new UsageLedger(db, { flushIntervalMs: 3_600_000, maxBatchRows: 200 });
  const withRollup: number[] = [];
  const insertOnly: number[] = [];
  for (let round = 0; round < 20; round++) {
    for (const record of batch(round)) ledger.record(record);
    let startedAt = performance.now();
    await ledger.flush();
    withRollup.push(performance.now() - startedAt);
    const bare = batch(round).map((record, index) => ({
      id: `bench_flush_${round}_${index}`,
      created_at: record.createdAt!.toISOString(),
      user_id: record.userId!,
      api_key_id: null,
      org_id: record.orgId!,
      team_id: record.teamId!,
      endpoint: record.endpoint,
      model: record.model,
      target: null,
      prompt_tokens: 100,
      completion_tokens: 50,
      cost_usd: 0.0001,
      latency_ms: 500,
      ttft_ms: null,
      status: 200,
      error_code: null,
    }));
    startedAt = performance.now();
    await db.transaction().execute((trx) => trx.insertInto('usage_events').values(bare).execute());
    insertOnly.push(performance.now() - startedAt);
  }
  await ledger.close();
  return { withRollup: percentile(withRollup, 50), insertOnly: percentile(insertOnly, 50) };
}

async function benchDialect(
  dialect: DialectName,
  options: UsageBenchOptions,
): Promise<DialectReport> {
  const { store, drop } = await openFreshStore(dialect, 'usage');
  const db = store.db;
  try {
    const down = await (await migrator(db, dialect)).migrateTo('0009-organisations');
    if (down.error) throw down.error;
    log(`${dialect}: loading ${options.rows.toLocaleString('en')} ledger rows…`);
    const load = await loadLedger(db, dialect, options.rows, log);
    // What autovacuum would have done by the time a ledger holds this many rows.
    if (dialect === 'postgres') await sql`vacuum analyze usage_events`.execute(db);
    log(`${dialect}: building the rollups (migrations 0010, 0012 and 0013)…`);
    const backfillStart = performance.now();
    const up = await (await migrator(db, dialect)).migrateToLatest();
    if (up.error) throw up.error;
    const backfill = (performance.now() - backfillStart) / 1000;
    if (dialect === 'postgres') {
      for (const table of usageRollupTables)
        await sql`vacuum analyze ${sql.table(table)}`.execute(db);
    }
    const rollupRows = await count(db, sql`select 1 from usage_daily`);
    const largeOrgRollupRows = await count(
      db,
      sql`select 1 from usage_daily where org_id = ${largeOrgId}`,
    );
    const coarseRows = Object.fromEntries(
      await Promise.all(
        usageRollupTables.map(
          async (table) =>
            [
              table,
              await count(db, sql`select 1 from ${sql.table(table)} where org_id = ${largeOrgId}`),
            ] as const,
        ),
      ),
    );
    log(
      `${dialect}: ${rollupRows} rollup rows; large organisation's rows per rollup ${JSON.stringify(coarseRows)}; timing queries…`,
    );
    const timings = await timeQueries(store, options);
    const flushMs = await flushCost(db);
    return {
      dialect,
      ledgerRows: options.rows,
      rollupRows,
      largeOrgRollupRows,
      largeOrgRowsPerRollup: coarseRows,
      loadSeconds: { insert: load.insertSeconds, indexes: load.indexSeconds, backfill },
      flushMs,
      timings,
    };
  } finally {
    await store.close();
    await drop();
  }
}

async function main(): Promise<void> {
  let options: UsageBenchOptions;
  try {
    options = parseUsageBenchOptions(process.argv.slice(2));
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 2;
    return;
  }
  const { dialects, skipped } = await runnableDialects(options.dialects);
  const loadBefore = loadAverage();
  const reports: DialectReport[] = [];
  for (const dialect of dialects) reports.push(await benchDialect(dialect, options));
  const report: UsageBenchReport = {
    date: new Date().toISOString(),
    machine: machine(),
    load: { before: loadBefore, after: loadAverage() },
    command: benchCommand('bench:usage'),
    dialects: reports,
    skipped,
  };
  console.log(options.json ? JSON.stringify(report, null, 2) : formatReport(report));
}

await main();
