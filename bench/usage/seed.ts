// Loads the usage ledger for the bench straight from SQL (no row crosses from Node): PostgreSQL
// with `generate_series`, SQLite with a recursive CTE, a million rows per statement. The ledger's
// secondary indexes are dropped first and rebuilt after from their own definitions, as a bulk
// load would; the table, its columns and its indexes are Salon's own.
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../../src/store/database.js';
import type { DialectName } from '../../src/store/store-dialect.js';

/** The shape of the generated usage. */
export const shape = {
  orgs: 50,
  /** Share of all rows that belong to the large organisation, `bench_org_0`, in tenths. */
  largeOrgTenths: 4,
  largeOrgUsers: 1000,
  largeOrgTeams: 20,
  otherOrgUsers: 40,
  otherOrgTeams: 4,
  models: 20,
  /** 90 days: 2026-01-01 up to 2026-04-01 (excluded). */
  firstDay: '2026-01-01',
  days: 90,
} as const;

/** The organisation whose analytics are timed. */
export const largeOrgId = 'bench_org_0';

// What differs between the dialects: the row-number source, zero padding, and time formatting.
interface SeedDialect {
  series(first: number, last: number): RawBuilder<unknown>;
  padded(n: RawBuilder<unknown>): RawBuilder<string>;
  isoTime(ms: RawBuilder<unknown>): RawBuilder<string>;
}

const dialects: Record<DialectName, SeedDialect> = {
  sqlite: {
    series: (first, last) =>
      sql`(with recursive seq(n) as (select ${sql.lit(first)} union all select n + 1 from seq where n < ${sql.lit(last)}) select n from seq)`,
    padded: (n) => sql`printf('%010d', ${n})`,
    isoTime: (ms) =>
      sql`strftime('%Y-%m-%dT%H:%M:%S', ${ms} / 1000, 'unixepoch') || '.' || printf('%03d', ${ms} % 1000) || 'Z'`,
  },
  postgres: {
    series: (first, last) =>
      sql`(select generate_series(${sql.lit(first)}::bigint, ${sql.lit(last)}::bigint) as n)`,
    padded: (n) => sql`lpad(${n}::text, 10, '0')`,
    isoTime: (ms) =>
      sql`to_char(timestamp '1970-01-01' + ${ms} * interval '1 millisecond', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
  },
};

// Deterministic pseudo-random numbers from the row number, the same on both dialects.
const a = sql`((s.n * 2654435761) % 1000003)`;
const b = sql`((s.n * 1597334677) % 1000033)`;
const c = sql`((s.n * 805459861) % 999983)`;

function insertRows(dialect: SeedDialect, total: number, first: number, last: number) {
  const start = Date.parse(`${shape.firstDay}T00:00:00Z`);
  const spanMs = shape.days * 86_400_000;
  const large = sql`(s.n % 10 < ${sql.lit(shape.largeOrgTenths)})`;
  const org = sql`(case when ${large} then 0 else 1 + ${a} % ${sql.lit(shape.orgs - 1)} end)`;
  const user = sql`(${b} % (case when ${large} then ${sql.lit(shape.largeOrgUsers)} else ${sql.lit(shape.otherOrgUsers)} end))`;
  const team = sql`(${user} % (case when ${large} then ${sql.lit(shape.largeOrgTeams)} else ${sql.lit(shape.otherOrgTeams)} end))`;
  // Each user mostly uses one model and now and then three others: ~4 models per user.
  const model = sql`(case when ${c} % 10 < 7 then ${user} % 20 else (${user} * 7 + ${c} % 3 + 1) % 20 end)`;
  const withoutUser = sql`(${c} % 50 = 0)`; // an organisation's key without a user
  const prompt = sql`(20 + ${a} % 2000)`;
  const completion = sql`(5 + ${b} % 800)`;
  const ms = sql`(${sql.lit(start)} + (s.n * ${sql.lit(spanMs)}) / ${sql.lit(total)})`;
  return sql`
    insert into usage_events (id, created_at, user_id, api_key_id, org_id, team_id, endpoint,
      model, target, prompt_tokens, completion_tokens, cost_usd, latency_ms, ttft_ms, status,
      error_code)
    select 'usage_' || ${dialect.padded(sql`s.n`)}, ${dialect.isoTime(ms)},
      case when ${withoutUser} then null else 'bench_org_' || ${org} || '_user_' || ${user} end,
      null, 'bench_org_' || ${org},
      case when ${withoutUser} then null else 'bench_org_' || ${org} || '_team_' || ${team} end,
      '/v1/chat/completions', 'model-' || ${model}, 'bench/model-' || ${model},
      ${prompt}, ${completion},
      case when ${c} % 20 = 0 then null
        else (${prompt} * 0.05 + ${completion} * 0.15) * (${model} + 1) / 1000000.0 end,
      150 + (${a} + ${b}) % 4000, 100 + ${a} % 400,
      case when ${c} % 100 < 2 then 500 when ${c} % 100 < 3 then 429 else 200 end, null
    from ${dialect.series(first, last)} as s`;
}

const chunkRows = 1_000_000;

/** Times of the load's phases, in seconds. */
export interface LoadTimes {
  insertSeconds: number;
  indexSeconds: number;
}

/** Loads `total` ledger rows; `log` hears of each million. */
export async function loadLedger(
  db: Kysely<Database>,
  dialectName: DialectName,
  total: number,
  log: (line: string) => void,
): Promise<LoadTimes> {
  const dialect = dialects[dialectName];
  const indexes = await ledgerIndexes(db, dialectName);
  for (const index of indexes) await sql`drop index ${sql.id(index.name)}`.execute(db);
  const insertStart = performance.now();
  for (let first = 0; first < total; first += chunkRows) {
    const last = Math.min(total, first + chunkRows) - 1;
    await insertRows(dialect, total, first, last).execute(db);
    log(`  ${(last + 1).toLocaleString('en')} rows`);
  }
  const indexStart = performance.now();
  for (const index of indexes) await sql.raw(index.definition).execute(db);
  const done = performance.now();
  return {
    insertSeconds: (indexStart - insertStart) / 1000,
    indexSeconds: (done - indexStart) / 1000,
  };
}

/** The ledger's secondary indexes as the migrations created them. */
async function ledgerIndexes(
  db: Kysely<Database>,
  dialect: DialectName,
): Promise<{ name: string; definition: string }[]> {
  if (dialect === 'sqlite') {
    const { rows } = await sql<{ name: string; definition: string }>`
      select name, sql as definition from sqlite_master
      where type = 'index' and tbl_name = 'usage_events' and sql is not null`.execute(db);
    return rows;
  }
  const { rows } = await sql<{ name: string; definition: string }>`
    select indexname as name, indexdef as definition from pg_indexes
    where tablename = 'usage_events' and schemaname = current_schema()
      and indexname <> 'usage_events_pkey'`.execute(db);
  return rows;
}
