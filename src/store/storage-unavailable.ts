// Telling a database that went away (a restart, a fail-over, a network cut) from a statement that
// failed on its own: the first is worth retrying in a moment, and the HTTP edge answers it with
// 503 and Retry-After instead of a 500. The PostgreSQL pool Kysely uses is wrapped so that such
// errors carry a mark; the error itself (its message, its code) is left as the driver made it.
import type { PostgresPool, PostgresPoolClient } from 'kysely';
import type pg from 'pg';

const mark = Symbol.for('salon.storageUnavailable');

// Socket errors, PostgreSQL's class 08 (connection exception) and the shutdown codes 57P01–57P03
// (admin shutdown, crash shutdown, cannot connect now: starting up or shutting down).
const lostCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  '57P01',
  '57P02',
  '57P03',
]);
// What `pg` says, without a code, about a connection that ended or could not be made in time.
const lostMessages =
  /Connection terminated|not queryable|timeout exceeded when trying to connect|Connection ended/i;

/** True when `error` came from the database being unreachable, not from the statement. */
export function isStorageUnavailable(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as never)[mark] === true;
}

function isLostConnection(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (lostCodes.has(code) || code.startsWith('08'))) return true;
  return lostMessages.test(error.message);
}

function rethrowMarked(error: unknown): never {
  if (isLostConnection(error)) Object.defineProperty(error, mark, { value: true });
  throw error;
}

/** The pool as Kysely sees it, marking the errors of a lost database (isStorageUnavailable). */
export function markingLostConnections(pool: pg.Pool): PostgresPool {
  // One wrapper per pooled client: Kysely keys its connection objects by the client.
  const wrappers = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  const wrap = (client: pg.PoolClient): PostgresPoolClient => ({
    query: ((text: unknown, parameters?: unknown[]): unknown => {
      // A cursor (Kysely's streaming) reports its errors through read(), left as they are.
      if (typeof text !== 'string') return client.query(text as never);
      return client.query(text, parameters).catch(rethrowMarked);
    }) as unknown as PostgresPoolClient['query'],
    release: (destroy) => client.release(destroy),
  });
  return {
    async connect() {
      const client = await pool.connect().catch(rethrowMarked);
      let wrapper = wrappers.get(client);
      if (!wrapper) wrappers.set(client, (wrapper = wrap(client)));
      return wrapper;
    },
    end: () => pool.end(),
  };
}
