// Migration 0004 on a database that already holds messages: it gives them their owner and
// indexes them, on both dialects, and its down() returns to 0003's schema.
import { Kysely, Migrator, type Migration } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeTargets, type TestDatabase } from '../../../tests/helpers/stores.js';
import type { Database } from '../database.js';
import { migrations } from '../migrate.js';
import { searchMessages } from '../search.js';
import type { StoreDialect } from '../store-dialect.js';
import * as initial from './0001-initial.js';
import * as chat from './0002-chat.js';
import * as sessions from './0003-sessions.js';

const targets = await storeTargets('migration 0004');
const now = '2025-01-01T00:00:00.000Z';
const before: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-chat': chat,
  '0003-sessions': sessions,
};

async function createDialect(database: TestDatabase): Promise<StoreDialect> {
  const { databaseUrl, dataDir } = database.options;
  if (databaseUrl) {
    return (await import('../dialect.postgres.js')).createPostgresDialect({ databaseUrl });
  }
  return (await import('../dialect.sqlite.js')).createSqliteDialect({ dataDir });
}

// Migrates with exactly `migrations`, to the latest or to the named one (down if need be).
async function migrate(
  database: TestDatabase,
  migrations: Readonly<Record<string, Migration>>,
  target: 'latest' | string,
  then?: (db: Kysely<Database>) => Promise<void>,
): Promise<void> {
  const setup = await createDialect(database);
  const db = new Kysely<Database>({ dialect: setup.dialect });
  try {
    const migrator = new Migrator({
      db,
      provider: { getMigrations: async () => migrations },
      migrationTableSchema: await setup.migrationTableSchema(db),
    });
    const { error } =
      target === 'latest' ? await migrator.migrateToLatest() : await migrator.migrateTo(target);
    if (error) throw error;
    await then?.(db);
  } finally {
    await db.destroy();
  }
}

async function seed(db: Kysely<Database>): Promise<void> {
  for (const id of ['ada', 'bob']) {
    await db
      .insertInto('users')
      .values({
        id,
        email: `${id}@example.com`,
        password_hash: null,
        display_name: null,
        role: 'member',
        created_at: now,
        updated_at: now,
        disabled_at: null,
      })
      .execute();
    await db
      .insertInto('conversations')
      .values({
        id: `c-${id}`,
        user_id: id,
        title: '',
        model: null,
        system_prompt: null,
        folder_id: null,
        pinned: 0,
        archived: 0,
        selected_leaf_id: null,
        created_at: now,
        updated_at: now,
        last_activity_at: now,
      })
      .execute();
    await db
      .insertInto('messages')
      .values({
        id: `m-${id}`,
        conversation_id: `c-${id}`,
        parent_id: null,
        role: 'user',
        content: `${id} likes Jura wine`,
        model: null,
        status: 'complete',
        error: null,
        run_id: null,
        prompt_tokens: null,
        completion_tokens: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
  }
}

describe.each(targets)('migration 0004 on $dialect', (target) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await target.createDatabase();
  });
  afterAll(async () => database.drop());

  it('indexes the messages already there under their owner', async () => {
    await migrate(database, before, 'latest', seed);
    const store = await database.open();
    try {
      const found = await searchMessages(store, { userId: 'ada', text: 'jura wine', limit: 20 });
      expect(found.map((hit) => hit.messageId)).toEqual(['m-ada']);
    } finally {
      await store.close();
    }
  });

  it('goes down to 0003 and up again', async () => {
    // The database is at the latest migration: later ones go down first, then 0004.
    await migrate(database, migrations, '0003-sessions');
    await migrate(database, migrations, 'latest');
    const store = await database.open();
    try {
      const found = await searchMessages(store, { userId: 'bob', text: 'wine', limit: 20 });
      expect(found.map((hit) => hit.messageId)).toEqual(['m-bob']);
    } finally {
      await store.close();
    }
  });
});
