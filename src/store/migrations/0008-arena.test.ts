// Migration 0008 on both dialects: down() returns to 0007's schema (arena conversations go with
// it, chats stay), up() makes the conversations already stored chats, and the vote table holds
// one vote per battle.
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readable, testMigrator } from '../../../tests/helpers/migrations.js';
import { storeTargets, type TestDatabase } from '../../../tests/helpers/stores.js';
import { openDatabase } from '../create-database.js';
import type { Database } from '../database.js';

const targets = await storeTargets('migration 0008');

const at = '2026-11-01T00:00:00.000Z';

async function addConversation(db: Kysely<Database>, id: string, kind?: 'arena') {
  await sql`insert into conversations (id, user_id, title, created_at, updated_at, last_activity_at
    ${kind ? sql`, kind` : sql``}) values (${id}, 'user-1', 't', ${at}, ${at}, ${at}
    ${kind ? sql`, ${kind}` : sql``})`.execute(db);
}

describe.each(targets)('migration 0008 on $dialect', (target) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await target.createDatabase();
  });
  afterAll(async () => database.drop());

  it('goes down to 0007 and up again; one vote per battle', async () => {
    const store = await openDatabase(database.options);
    const db = store.db;
    try {
      await sql`insert into users (id, email, role, created_at, updated_at)
        values ('user-1', 'a@example.com', 'member', ${at}, ${at})`.execute(db);
      const down = await (await testMigrator(db, database)).migrateTo('0007-evals');
      expect(down.error).toBeUndefined();
      expect(await readable(db, 'arena_battles')).toBe(false);
      expect(await readable(db, 'conversations', 'kind')).toBe(false);
      await addConversation(db, 'conv-old');

      const up = await (await testMigrator(db, database)).migrateToLatest();
      expect(up.error).toBeUndefined();
      const old = await db.selectFrom('conversations').select('kind').where('id', '=', 'conv-old');
      expect(await old.executeTakeFirstOrThrow()).toEqual({ kind: 'chat' });

      await addConversation(db, 'conv-arena', 'arena');
      await db
        .insertInto('arena_battles')
        .values({
          id: 'battle-1',
          user_id: 'user-1',
          conversation_id: 'conv-arena',
          model_a: 'x',
          model_b: 'y',
          message_a_id: 'msg-a',
          message_b_id: 'msg-b',
          created_at: at,
        })
        .execute();
      const vote = { battle_id: 'battle-1', user_id: 'user-1', created_at: at };
      await db
        .insertInto('arena_votes')
        .values({ ...vote, outcome: 'tie' })
        .execute();
      await expect(
        db
          .insertInto('arena_votes')
          .values({ ...vote, outcome: 'a' })
          .execute(),
      ).rejects.toThrow();
      await expect(
        db
          .insertInto('arena_votes')
          .values({ ...vote, battle_id: 'battle-1', outcome: 'maybe' as 'a' })
          .execute(),
      ).rejects.toThrow();

      const again = await (await testMigrator(db, database)).migrateTo('0007-evals');
      expect(again.error).toBeUndefined();
      const left = await sql<{ id: string }>`select id from conversations order by id`.execute(db);
      expect(left.rows.map((row) => row.id)).toEqual(['conv-old']);
      expect((await (await testMigrator(db, database)).migrateToLatest()).error).toBeUndefined();
    } finally {
      await store.close();
    }
  });
});
