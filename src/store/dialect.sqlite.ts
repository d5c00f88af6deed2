import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import {
  CompiledQuery,
  SqliteAdapter,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type DialectAdapter,
  type Driver,
  type SqliteDialectConfig,
} from 'kysely';
import { CachedStatements } from './sqlite-statements.js';
import type { StoreDialect } from './store-dialect.js';

// How long a statement waits for another process's write lock (a running server while
// `salon keys create` writes, say) before failing with SQLITE_BUSY.
const busyTimeoutMs = 5_000;

// Every transaction takes the write lock when it begins. With SQLite's default deferred BEGIN,
// a transaction that reads and then writes fails at once with SQLITE_BUSY_SNAPSHOT when another
// process committed in between (the busy timeout does not apply to that upgrade); beginning
// IMMEDIATE makes it wait for the lock instead.
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

// Kysely assumes SQLite has no transactional DDL, so it runs migrations outside a transaction:
// a failed migration would stay half-applied, and two processes migrating a new file at once
// would both create the tables. SQLite does roll DDL back; with it, each run is one IMMEDIATE
// transaction, which is what serialises processes (Kysely's SQLite migration lock is a no-op).
// Coupling: `PRAGMA foreign_keys` is ignored inside a transaction, so a future migration that
// rebuilds a table must use `PRAGMA defer_foreign_keys = ON` instead.
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }

  override createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}

// better-sqlite3 is synchronous: a second connection in this process waiting on the busy timeout
// blocks the thread, so the first can never finish. Opens of one file in one process take turns.
const queues = new Map<string, Promise<unknown>>();

function exclusiveFor(file: string): StoreDialect['exclusive'] {
  return async (task) => {
    const run = (queues.get(file) ?? Promise.resolve()).then(task, task);
    const settled = run.catch(() => undefined);
    queues.set(file, settled);
    try {
      return await run;
    } finally {
      if (queues.get(file) === settled) queues.delete(file);
    }
  };
}

/** SQLite at `<dataDir>/salon.db` (created if missing): WAL, foreign keys, busy timeout. */
export async function createSqliteDialect(options: { dataDir: string }): Promise<StoreDialect> {
  await mkdir(options.dataDir, { recursive: true });
  const file = path.resolve(options.dataDir, 'salon.db');
  // Loaded here, not at the top: a Postgres deployment never loads the native module.
  const { default: BetterSqlite3 } = await import('better-sqlite3');
  const database = new BetterSqlite3(file, { timeout: busyTimeoutMs });
  try {
    database.pragma('journal_mode = WAL'); // readers never block the writer, nor it them
    database.pragma('foreign_keys = ON'); // off by default in SQLite, per connection
    database.pragma(`busy_timeout = ${busyTimeoutMs}`);
  } catch (error) {
    database.close();
    throw new Error(`Cannot open the SQLite database at ${file}: ${String(error)}`, {
      cause: error,
    });
  }
  return {
    name: 'sqlite',
    dialect: new ImmediateSqliteDialect({ database: new CachedStatements(database) }),
    migrationTableSchema: async () => undefined,
    exclusive: exclusiveFor(file),
  };
}
