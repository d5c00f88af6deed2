// Migration 0014 on PostgreSQL: messages already stored become findable without their accents,
// and down() goes back to the plain vector. (On SQLite it changes nothing: FTS5 folds accents.)
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testMigrator } from '../../../tests/helpers/migrations.js';
import { storeTargets, type TestDatabase } from '../../../tests/helpers/stores.js';
import { openDatabase } from '../create-database.js';

const [, postgres] = await storeTargets('migration 0014');

describe.skipIf(!postgres)('migration 0014 on postgres', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await postgres!.createDatabase();
  });
  afterAll(async () => database?.drop());

  it('folds the accents of the messages already there; goes down and up', async () => {
    const store = await openDatabase(database.options);
    const db = store.db;
    const matches = async (query: string) =>
      (
        await sql<{ id: string }>`select id from messages
          where search_vector @@ websearch_to_tsquery('simple', ${query}) order by id`.execute(db)
      ).rows.map((row) => row.id);
    try {
      const down = await (await testMigrator(db, database)).migrateTo('0012-usage-coarse-rollups');
      expect(down.error).toBeUndefined();
      const now = '2026-03-01T00:00:00.000Z';
      await db
        .insertInto('users')
        .values({
          id: 'u',
          email: 'u@example.com',
          role: 'member',
          created_at: now,
          updated_at: now,
        })
        .execute();
      await db
        .insertInto('conversations')
        .values({
          id: 'c',
          user_id: 'u',
          title: 'Fromages',
          pinned: 0,
          archived: 0,
          created_at: now,
          updated_at: now,
          last_activity_at: now,
        })
        .execute();
      await db
        .insertInto('messages')
        .values([
          {
            id: 'm1',
            conversation_id: 'c',
            role: 'user',
            content: 'Un Comté affiné',
            status: 'complete',
            created_at: now,
            updated_at: now,
          },
          {
            id: 'm2',
            conversation_id: 'c',
            role: 'user',
            content: 'Un comte anglais',
            status: 'complete',
            created_at: now,
            updated_at: now,
          },
        ])
        .execute();
      expect(await matches('comte')).toEqual(['m2']);

      const up = await (await testMigrator(db, database)).migrateToLatest();
      expect(up.error).toBeUndefined();
      expect(await matches('comte')).toEqual(['m1', 'm2']);
      expect(await matches('affine')).toEqual(['m1']);

      const again = await (await testMigrator(db, database)).migrateTo('0013-usage-active-days');
      expect(again.error).toBeUndefined();
      expect(await matches('comte')).toEqual(['m2']);
    } finally {
      await store.close();
    }
  });
});
