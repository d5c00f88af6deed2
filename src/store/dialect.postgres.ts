import { PostgresDialect, sql } from 'kysely';
import { markingLostConnections } from './storage-unavailable.js';
import type { StoreDialect } from './store-dialect.js';

/**
 * How long opening a connection may take. `pg` waits without end by default, so a database that
 * hangs instead of refusing (a network black hole, a server stuck in start-up) would hold every
 * request that needs a new connection until the operating system's TCP timeout; past this, the
 * request fails as storage unavailable (503 with Retry-After) instead.
 */
export const connectTimeoutMs = 5_000;

/** PostgreSQL through a `pg` pool; the URL may carry `?options=-c search_path=…`. */
export async function createPostgresDialect(options: {
  databaseUrl: string;
  connectTimeoutMs?: number;
}): Promise<StoreDialect> {
  // Loaded here, not at the top: a SQLite deployment never loads the driver.
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({
    connectionString: options.databaseUrl,
    connectionTimeoutMillis: options.connectTimeoutMs ?? connectTimeoutMs,
    // TCP keep-alive finds a pooled connection whose peer vanished while it sat idle.
    keepAlive: true,
  });
  // An idle client losing its connection emits 'error' on the pool; unhandled, it kills the
  // process. The pool replaces the client on next use, so logging is enough.
  pool.on('error', (error) => console.error(`salon: idle PostgreSQL connection: ${error.message}`));
  // A connection checked out of the pool has no listener of the pool's: one lost while held
  // between two statements (a transaction; a server restart cuts every session) would kill the
  // process the same way. Its next statement fails with the error instead, and the pool drops
  // the connection when it comes back.
  pool.on('connect', (client) => client.on('error', () => undefined));
  return {
    name: 'postgres',
    dialect: new PostgresDialect({ pool: markingLostConnections(pool) }),
    // Kysely looks its migration table up across every schema, so without naming ours it would
    // find another schema's copy (a second Salon, a test schema) and skip creating its own.
    async migrationTableSchema(db) {
      const result = await sql<{
        schema: string | null;
      }>`select current_schema() as schema`.execute(db);
      return result.rows[0]?.schema ?? undefined;
    },
    // Kysely's migrator holds a Postgres advisory lock, which already serialises every process.
    exclusive: (task) => task(),
  };
}
