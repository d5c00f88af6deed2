// Migration 0007 on both dialects: down() removes the evaluation tables (from the top, past
// 0008) and up() brings them back, usable.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readable, testMigrator } from '../../../tests/helpers/migrations.js';
import { storeTargets, type TestDatabase } from '../../../tests/helpers/stores.js';
import { openDatabase } from '../create-database.js';

const targets = await storeTargets('migration 0007');

describe.each(targets)('migration 0007 on $dialect', (target) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await target.createDatabase();
  });
  afterAll(async () => database.drop());

  it('goes down to 0006 and up again', async () => {
    const store = await openDatabase(database.options);
    try {
      expect(await readable(store.db, 'eval_answers')).toBe(true);
      const down = await (
        await testMigrator(store.db, database)
      ).migrateTo('0006-usage-and-key-limits');
      expect(down.error).toBeUndefined();
      expect(await readable(store.db, 'eval_runs')).toBe(false);
      expect(await readable(store.db, 'eval_answers')).toBe(false);
      const up = await (await testMigrator(store.db, database)).migrateToLatest();
      expect(up.error).toBeUndefined();
      await sql`insert into eval_runs (id, benchmark, model, shots, split, subjects,
        parameters_key, data_digest, question_count, status, created_at, updated_at)
        values ('evr-1', 'mmlu', 'm', 5, 'test', '[]', 'k', 'd', 0, 'running', 't', 't')`.execute(
        store.db,
      );
      await sql`insert into eval_answers (run_id, subject, question_index, expected, correct,
        method, shots_used, created_at) values ('evr-1', 'anatomy', 0, 'A', 1, 'generate', 5, 't')`.execute(
        store.db,
      );
      // One answer per question of a run.
      const again = sql`insert into eval_answers (run_id, subject, question_index, expected,
        correct, method, shots_used, created_at)
        values ('evr-1', 'anatomy', 0, 'B', 0, 'generate', 5, 't')`.execute(store.db);
      await expect(again).rejects.toThrow();
    } finally {
      await store.close();
    }
  });
});
