// PostgreSQL for tests: a reachability probe and one throwaway schema per test database, so
// suites (and parallel runs) never see each other's tables.
import pg from 'pg';
import { randomToken } from '../../src/lib/ids.js';
import { canRun } from './shared-files.js';

/** The server tests use: SALON_TEST_DATABASE_URL, or the local trust-auth default. */
export const postgresTestUrl =
  process.env.SALON_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

let probe: Promise<string | undefined> | undefined;

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

async function connect<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({
    connectionString: postgresTestUrl,
    connectionTimeoutMillis: 3000,
  });
  client.on('error', () => undefined); // a dropped connection surfaces through the query instead
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Why the test server can't be used, or undefined when it can (probed once per process). */
export function postgresUnavailableReason(): Promise<string | undefined> {
  probe ??= connect((client) => client.query('select 1')).then(
    () => undefined,
    (error: unknown) =>
      `cannot reach ${redact(postgresTestUrl)}: ${error instanceof Error ? error.message || error.name : String(error)}`,
  );
  return probe;
}

/**
 * True when the Postgres half of `suite` can run; otherwise warns loudly and returns false,
 * or throws under SALON_REQUIRE_ALL=1.
 */
export async function hasPostgres(suite: string): Promise<boolean> {
  const reason = await postgresUnavailableReason();
  return canRun(`${suite} on PostgreSQL`, !reason, `${reason} (set SALON_TEST_DATABASE_URL)`);
}

/** A new empty schema and a URL whose connections use it (`search_path`); drop() removes it. */
export async function createTestSchema(): Promise<{
  schema: string;
  url: string;
  drop(): Promise<void>;
}> {
  const schema = `salon_test_${randomToken(12).toLowerCase()}`;
  await connect((client) => client.query(`create schema "${schema}"`));
  const url = new URL(postgresTestUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    schema,
    url: url.href,
    async drop() {
      await connect((client) => client.query(`drop schema if exists "${schema}" cascade`));
    },
  };
}
