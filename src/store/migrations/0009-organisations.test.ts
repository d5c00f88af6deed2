// Migration 0009 on both dialects: accounts and their keys that existed before join the default
// organisation; down() returns to 0008's schema and up() again.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readable, testMigrator } from '../../../tests/helpers/migrations.js';
import { storeTargets, type TestDatabase } from '../../../tests/helpers/stores.js';
import { openDatabase } from '../create-database.js';

const targets = await storeTargets('migration 0009');
const at = '2026-11-01T00:00:00.000Z';

describe.each(targets)('migration 0009 on $dialect', (target) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await target.createDatabase();
  });
  afterAll(async () => database.drop());

  it('puts existing accounts and keys in the default organisation; goes down and up', async () => {
    const store = await openDatabase(database.options);
    const db = store.db;
    try {
      const down = await (await testMigrator(db, database)).migrateTo('0008-arena');
      expect(down.error).toBeUndefined();
      expect(await readable(db, 'orgs')).toBe(false);
      expect(await readable(db, 'users', 'org_id')).toBe(false);
      await sql`insert into users (id, email, role, created_at, updated_at)
        values ('user-1', 'a@example.com', 'owner', ${at}, ${at})`.execute(db);
      await sql`insert into api_keys (id, name, user_id, prefix, key_hash, created_at)
        values ('key-1', 'k', 'user-1', 'sk-salon-ab', 'hash-1', ${at})`.execute(db);

      const up = await (await testMigrator(db, database)).migrateToLatest();
      expect(up.error).toBeUndefined();
      const user = await db.selectFrom('users').select('org_id').executeTakeFirstOrThrow();
      expect(user.org_id).toBe('org_default');
      const key = await db.selectFrom('api_keys').select('org_id').executeTakeFirstOrThrow();
      expect(key.org_id).toBe('org_default');
      const orgs = await db.selectFrom('orgs').select(['id', 'name']).execute();
      expect(orgs).toEqual([{ id: 'org_default', name: 'Salon' }]);
      for (const table of ['teams', 'team_members', 'invitations', 'quotas', 'audit_events']) {
        expect(await readable(db, table)).toBe(true);
      }
    } finally {
      await store.close();
    }
  });
});
