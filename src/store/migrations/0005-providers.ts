/* eslint-disable @typescript-eslint/no-explicit-any -- frozen: must not depend on today's types */
// Providers an owner or admin connects from the web UI (salon.yaml's are not stored). The API
// key is kept only encrypted (lib/secret-box); `models` is a JSON array of upstream model names.
import type { Kysely } from 'kysely';

/** Creates `providers`. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('providers')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('name', 'text', (column) => column.notNull().unique())
    .addColumn('type', 'text', (column) => column.notNull())
    .addColumn('base_url', 'text', (column) => column.notNull())
    .addColumn('api_key_ciphertext', 'text')
    .addColumn('models', 'text', (column) => column.notNull()) // JSON array of strings
    .addColumn('created_by', 'text', (column) => column.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (column) => column.notNull())
    .addColumn('updated_at', 'text', (column) => column.notNull())
    .execute();
}

/** Drops `providers`. */
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('providers').execute();
}
