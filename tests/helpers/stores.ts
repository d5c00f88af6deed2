// The store backends a contract suite runs against: SQLite always, PostgreSQL when reachable
// (loudly skipped otherwise). Each test database is a temp dir or a fresh Postgres schema.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  openDatabase,
  type OpenDatabaseOptions,
  type Store,
} from '../../src/store/create-database.js';
import type { DialectName } from '../../src/store/store-dialect.js';
import { createTestSchema, hasPostgres } from './postgres.js';

/** One empty database location; open it as many times as a test needs. */
export interface TestDatabase {
  options: OpenDatabaseOptions;
  open(): Promise<Store>;
  /** Deletes the location (temp dir or schema). Close its stores first. */
  drop(): Promise<void>;
}

/** A backend to run a suite against. */
export interface StoreTarget {
  dialect: DialectName;
  createDatabase(): Promise<TestDatabase>;
}

/** A TestDatabase at `options`, removed by `drop`. */
export function testDatabase(
  options: OpenDatabaseOptions,
  drop: () => Promise<void>,
): TestDatabase {
  return { options, open: () => openDatabase(options), drop };
}

const sqlite: StoreTarget = {
  dialect: 'sqlite',
  async createDatabase() {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'salon-store-'));
    return testDatabase({ dataDir }, () => rm(dataDir, { recursive: true, force: true }));
  },
};

const postgres: StoreTarget = {
  dialect: 'postgres',
  async createDatabase() {
    const schema = await createTestSchema();
    // dataDir is unused with a databaseUrl; pointing it nowhere real proves that.
    return testDatabase({ databaseUrl: schema.url, dataDir: '/nonexistent' }, schema.drop);
  },
};

/** The targets `suite` runs against; use with `describe.each(targets)('$dialect', …)`. */
export async function storeTargets(suite: string): Promise<StoreTarget[]> {
  return (await hasPostgres(suite)) ? [sqlite, postgres] : [sqlite];
}

/** Opens a fresh database for a suite; call the returned `dispose` in afterAll. */
export async function openTestStore(
  target: StoreTarget,
): Promise<{ store: Store; database: TestDatabase; dispose(): Promise<void> }> {
  const database = await target.createDatabase();
  const store = await database.open();
  return {
    store,
    database,
    async dispose() {
      await store.close();
      await database.drop();
    },
  };
}
