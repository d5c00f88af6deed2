/* eslint-disable @typescript-eslint/no-explicit-any -- frozen: must not depend on today's types */
// Web sessions, sign-in attempt counters and instance settings. Runs unchanged on SQLite and
// PostgreSQL: text ids, ISO 8601 UTC text timestamps, no database-generated values.
import type { Kysely } from 'kysely';

/** Creates `sessions`, `login_attempts` and `settings`. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('sessions')
    // The SHA-256 of the cookie's token: a leaked table opens no session.
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('user_id', 'text', (column) =>
      column.notNull().references('users.id').onDelete('cascade'),
    )
    .addColumn('csrf_token', 'text', (column) => column.notNull())
    .addColumn('created_at', 'text', (column) => column.notNull())
    .addColumn('last_seen_at', 'text', (column) => column.notNull())
    .addColumn('expires_at', 'text', (column) => column.notNull())
    .addColumn('ip', 'text')
    .addColumn('user_agent', 'text')
    .execute();
  await db.schema.createIndex('sessions_user_id').on('sessions').column('user_id').execute();
  await db.schema.createIndex('sessions_expires_at').on('sessions').column('expires_at').execute();

  // One row per (email, address) pair, keyed by a hash of both; shared by every replica.
  await db.schema
    .createTable('login_attempts')
    .addColumn('key', 'text', (column) => column.primaryKey())
    .addColumn('count', 'integer', (column) => column.notNull())
    .addColumn('window_started_at', 'text', (column) => column.notNull())
    .execute();
  await db.schema
    .createIndex('login_attempts_window_started_at')
    .on('login_attempts')
    .column('window_started_at')
    .execute();

  await db.schema
    .createTable('settings')
    .addColumn('key', 'text', (column) => column.primaryKey())
    .addColumn('value', 'text', (column) => column.notNull()) // JSON
    .addColumn('updated_at', 'text', (column) => column.notNull())
    .execute();
}

/** Drops the three tables. */
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('settings').execute();
  await db.schema.dropTable('login_attempts').execute();
  await db.schema.dropTable('sessions').execute();
}
