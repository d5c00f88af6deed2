// Migration 0006 on both dialects: down() returns to 0005's schema, and up() gives the keys
// already stored no limits of their own.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readable, testMigrator } from '../../../tests/helpers/migrations.js';
import { storeTargets, type TestDatabase } from '../../../tests/helpers/stores.js';
import { openDatabase } from '../create-database.js';

const targets = await storeTargets('migration 0006');

describe.each(targets)('migration 0006 on $dialect', (target) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await target.createDatabase();
  });
  afterAll(async () => database.drop());

  it('goes down to 0005 and up again, keeping the keys already there', async () => {
    const store = await openDatabase(database.options);
    try {
      const down = await (await testMigrator(store.db, database)).migrateTo('0005-providers');
      expect(down.error).toBeUndefined();
      expect(await readable(store.db, 'usage_events', 'id')).toBe(false);
      expect(await readable(store.db, 'api_keys', 'allowed_models')).toBe(false);
      expect(await readable(store.db, 'api_keys', 'key_hash')).toBe(true);
      // A key as 0005 stored it (no limit columns yet).
      await sql`insert into api_keys (id, name, user_id, prefix, key_hash, created_at)
        values ('key-old', 'old', null, 'sk-salon-abcd', 'hash-old', '2026-11-01T00:00:00.000Z')`.execute(
        store.db,
      );

      const up = await (await testMigrator(store.db, database)).migrateToLatest();
      expect(up.error).toBeUndefined();
      expect(await readable(store.db, 'usage_events', 'cost_usd')).toBe(true);
      const key = await store.db
        .selectFrom('api_keys')
        .selectAll()
        .where('id', '=', 'key-old')
        .executeTakeFirstOrThrow();
      expect(key).toMatchObject({
        name: 'old',
        allowed_models: null,
        rpm: null,
        tpm: null,
        budget_tokens: null,
        budget_usd: null,
        budget_period: null,
      });
    } finally {
      await store.close();
    }
  });
});
