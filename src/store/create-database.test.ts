// Contract: opening migrates both dialects, idempotently and safely under concurrent opens.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeTargets, type TestDatabase } from '../../tests/helpers/stores.js';
import { isConfigError } from '../lib/errors.js';
import { openDatabase, type Store } from './create-database.js';
import { migrationNames } from './migrate.js';

const targets = await storeTargets('store migrations');

async function appliedMigrations(store: Store): Promise<string[]> {
  const result = await sql<{
    name: string;
  }>`select name from kysely_migration order by name`.execute(store.db);
  return result.rows.map((row) => row.name);
}

const now = new Date().toISOString();
const user = {
  id: 'user-1',
  email: 'ada@example.com',
  password_hash: null,
  display_name: null,
  role: 'owner' as const,
  created_at: now,
  updated_at: now,
  disabled_at: null,
};

describe.each(targets)('openDatabase on $dialect', (target) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await target.createDatabase();
  });
  afterAll(async () => {
    await database.drop();
  });

  it('creates the tables, and a second open or migration run changes nothing', async () => {
    const store = await database.open();
    try {
      expect(store.dialect).toBe(target.dialect);
      expect(await store.db.selectFrom('users').selectAll().execute()).toEqual([]);
      expect(await store.db.selectFrom('api_keys').selectAll().execute()).toEqual([]);
      expect(await appliedMigrations(store)).toEqual(migrationNames);
      await store.db.insertInto('users').values(user).execute();
    } finally {
      await store.close();
    }
    const again = await database.open();
    expect(await appliedMigrations(again)).toEqual(migrationNames);
    expect(await again.db.selectFrom('users').select('email').execute()).toEqual([
      { email: user.email },
    ]);
    await again.close();
    await again.close(); // closing twice is harmless
  });

  it('enforces foreign keys', async () => {
    const store = await database.open();
    const row = {
      id: 'key-orphan',
      name: 'orphan',
      user_id: 'user-missing',
      prefix: 'sk-salon-0000',
      key_hash: 'f'.repeat(64),
      created_at: now,
      last_used_at: null,
      expires_at: null,
      revoked_at: null,
    };
    await expect(store.db.insertInto('api_keys').values(row).execute()).rejects.toThrow();
    await store.close();
  });
});

describe.each(targets)('concurrent first opens on $dialect', (target) => {
  it('both succeed and migrate once', async () => {
    const database = await target.createDatabase();
    try {
      const stores = await Promise.all([database.open(), database.open(), database.open()]);
      for (const store of stores) expect(await appliedMigrations(store)).toEqual(migrationNames);
      await Promise.all(stores.map((store) => store.close()));
    } finally {
      await database.drop();
    }
  });
});

// Separate processes: what two replicas, or `salon keys create` beside a starting server, do.
const openInChild = `
  import { openDatabase } from './src/store/create-database.ts';
  const store = await openDatabase(JSON.parse(process.argv[1]));
  await store.close();`;

describe.each(targets)('concurrent first opens from separate processes on $dialect', (target) => {
  it('all succeed and migrate once', async () => {
    const database = await target.createDatabase();
    try {
      const run = () =>
        promisify(execFile)(
          process.execPath,
          [
            '--import',
            'tsx',
            '--input-type=module',
            '-e',
            openInChild,
            JSON.stringify(database.options),
          ],
          { cwd: process.cwd() },
        );
      await Promise.all([run(), run(), run(), run()]);
      const store = await database.open();
      expect(await appliedMigrations(store)).toEqual(migrationNames);
      await store.close();
    } finally {
      await database.drop();
    }
  });
});

describe('openDatabase options', () => {
  it('rejects a DATABASE_URL that is not PostgreSQL instead of falling back to SQLite', async () => {
    const error = await openDatabase({ databaseUrl: 'mysql://x', dataDir: '/nonexistent' }).catch(
      (e: unknown) => e,
    );
    expect(isConfigError(error)).toBe(true);
  });
});
