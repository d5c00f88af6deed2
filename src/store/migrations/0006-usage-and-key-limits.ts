/* eslint-disable @typescript-eslint/no-explicit-any -- frozen: must not depend on today's types */
// The usage ledger (one row per /v1 request) and the limits an API key carries. Runs unchanged on
// SQLite and PostgreSQL: text ids, ISO 8601 UTC text timestamps, no database-generated values.
import type { Kysely } from 'kysely';

// One `alter table` per column: SQLite accepts a single `add column` per statement.
const keyLimitColumns: [name: string, type: 'text' | 'integer' | 'double precision'][] = [
  ['allowed_models', 'text'], // JSON array of model names; null allows every model
  ['rpm', 'integer'],
  ['tpm', 'integer'],
  ['budget_tokens', 'integer'],
  ['budget_usd', 'double precision'],
  ['budget_period', 'text'], // 'day' | 'month' (UTC); null when the key has no budget
];

/** Creates `usage_events` and adds the limit columns to `api_keys`. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('usage_events')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('created_at', 'text', (column) => column.notNull())
    // No foreign keys: a ledger outlives the users and keys it names, and a batch insert must
    // not fail because a key was deleted between its request and the flush.
    .addColumn('user_id', 'text')
    .addColumn('api_key_id', 'text')
    .addColumn('org_id', 'text')
    .addColumn('team_id', 'text')
    .addColumn('endpoint', 'text', (column) => column.notNull())
    .addColumn('model', 'text', (column) => column.notNull()) // the name the client asked for
    .addColumn('target', 'text') // the provider/model that served; null when none did
    .addColumn('prompt_tokens', 'integer', (column) => column.notNull())
    .addColumn('completion_tokens', 'integer', (column) => column.notNull())
    .addColumn('cost_usd', 'double precision') // null when the target has no price
    .addColumn('latency_ms', 'integer', (column) => column.notNull())
    .addColumn('ttft_ms', 'integer')
    .addColumn('status', 'integer', (column) => column.notNull()) // the HTTP status sent
    .addColumn('error_code', 'text')
    .execute();
  // Sums per user or per key over a period, and per period for the whole instance.
  await db.schema
    .createIndex('usage_events_user_id_created_at')
    .on('usage_events')
    .columns(['user_id', 'created_at'])
    .execute();
  await db.schema
    .createIndex('usage_events_api_key_id_created_at')
    .on('usage_events')
    .columns(['api_key_id', 'created_at'])
    .execute();
  await db.schema
    .createIndex('usage_events_created_at')
    .on('usage_events')
    .column('created_at')
    .execute();

  for (const [name, type] of keyLimitColumns) {
    await db.schema.alterTable('api_keys').addColumn(name, type).execute();
  }
}

/** Drops the limit columns and `usage_events`. */
export async function down(db: Kysely<any>): Promise<void> {
  for (const [name] of [...keyLimitColumns].reverse()) {
    await db.schema.alterTable('api_keys').dropColumn(name).execute();
  }
  await db.schema.dropTable('usage_events').execute();
}
