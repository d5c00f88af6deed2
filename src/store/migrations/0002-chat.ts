/* eslint-disable @typescript-eslint/no-explicit-any -- frozen: must not depend on today's types */
// Conversations, their message tree, folders, share links and feedback, plus full-text search
// over messages: FTS5 on SQLite, a tsvector with a GIN index on PostgreSQL. The same text ids,
// ISO 8601 UTC text timestamps and 0/1 integers as 0001.
import { sql, type Kysely } from 'kysely';
import { migrationDialect } from './migration-dialect.js';

/** Creates the chat tables and the search index. */
export async function up(db: Kysely<any>): Promise<void> {
  const dialect = migrationDialect(db);

  await db.schema
    .createTable('folders')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('user_id', 'text', (column) =>
      column.notNull().references('users.id').onDelete('cascade'),
    )
    .addColumn('name', 'text', (column) => column.notNull())
    .addColumn('created_at', 'text', (column) => column.notNull())
    .addColumn('updated_at', 'text', (column) => column.notNull())
    .execute();
  await db.schema.createIndex('folders_user_id').on('folders').column('user_id').execute();

  await db.schema
    .createTable('conversations')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('user_id', 'text', (column) =>
      column.notNull().references('users.id').onDelete('cascade'),
    )
    .addColumn('title', 'text', (column) => column.notNull().defaultTo(''))
    .addColumn('model', 'text')
    .addColumn('system_prompt', 'text')
    .addColumn('folder_id', 'text', (column) =>
      column.references('folders.id').onDelete('set null'),
    )
    .addColumn('pinned', 'integer', (column) => column.notNull().defaultTo(0))
    .addColumn('archived', 'integer', (column) => column.notNull().defaultTo(0))
    // No foreign key: messages reference conversations, and SQLite cannot add one afterwards.
    .addColumn('selected_leaf_id', 'text')
    .addColumn('created_at', 'text', (column) => column.notNull())
    .addColumn('updated_at', 'text', (column) => column.notNull())
    .addColumn('last_activity_at', 'text', (column) => column.notNull())
    .execute();
  await db.schema
    .createIndex('conversations_user_activity')
    .on('conversations')
    .columns(['user_id', 'archived', 'last_activity_at'])
    .execute();
  await db.schema
    .createIndex('conversations_folder_id')
    .on('conversations')
    .column('folder_id')
    .execute();

  let messages = db.schema.createTable('messages');
  // SQLite's full-text index points at rows by rowid, and VACUUM renumbers rowids unless a
  // column aliases them: declaring `rowid integer primary key` keeps them stable. The text id
  // is then a unique key, which foreign keys may reference like a primary key.
  messages =
    dialect === 'sqlite'
      ? messages
          .addColumn('rowid', 'integer', (column) => column.primaryKey())
          .addColumn('id', 'text', (column) => column.notNull().unique())
      : messages.addColumn('id', 'text', (column) => column.primaryKey());
  await messages
    .addColumn('conversation_id', 'text', (column) =>
      column.notNull().references('conversations.id').onDelete('cascade'),
    )
    .addColumn('parent_id', 'text', (column) =>
      column.references('messages.id').onDelete('cascade'),
    )
    .addColumn('role', 'text', (column) =>
      column.notNull().check(sql`role in ('user', 'assistant', 'system')`),
    )
    .addColumn('content', 'text', (column) => column.notNull())
    .addColumn('model', 'text')
    .addColumn('status', 'text', (column) =>
      column
        .notNull()
        .check(sql`status in ('complete', 'streaming', 'interrupted', 'stopped', 'error')`),
    )
    .addColumn('error', 'text')
    .addColumn('run_id', 'text', (column) => column.unique())
    .addColumn('prompt_tokens', 'integer')
    .addColumn('completion_tokens', 'integer')
    .addColumn('created_at', 'text', (column) => column.notNull())
    .addColumn('updated_at', 'text', (column) => column.notNull())
    .execute();
  await db.schema
    .createIndex('messages_conversation_created')
    .on('messages')
    .columns(['conversation_id', 'created_at'])
    .execute();
  await db.schema.createIndex('messages_parent_id').on('messages').column('parent_id').execute();
  // Start-up looks for runs left `streaming`: a partial index keeps that from scanning every row.
  await db.schema
    .createIndex('messages_streaming')
    .on('messages')
    .column('status')
    .where(sql.ref('status'), '=', 'streaming')
    .execute();

  await db.schema
    .createTable('shares')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('conversation_id', 'text', (column) =>
      column.notNull().references('conversations.id').onDelete('cascade'),
    )
    .addColumn('user_id', 'text', (column) =>
      column.notNull().references('users.id').onDelete('cascade'),
    )
    .addColumn('created_at', 'text', (column) => column.notNull())
    .addColumn('revoked_at', 'text')
    .execute();
  await db.schema
    .createIndex('shares_conversation_id')
    .on('shares')
    .column('conversation_id')
    .execute();

  await db.schema
    .createTable('feedback')
    .addColumn('message_id', 'text', (column) =>
      column.primaryKey().references('messages.id').onDelete('cascade'),
    )
    .addColumn('user_id', 'text', (column) =>
      column.notNull().references('users.id').onDelete('cascade'),
    )
    .addColumn('rating', 'text', (column) => column.notNull().check(sql`rating in ('up', 'down')`))
    .addColumn('comment', 'text')
    .addColumn('created_at', 'text', (column) => column.notNull())
    .addColumn('updated_at', 'text', (column) => column.notNull())
    .execute();
  await db.schema.createIndex('feedback_user_id').on('feedback').column('user_id').execute();

  if (dialect === 'sqlite') await createSqliteSearch(db);
  else await createPostgresSearch(db);
}

// An external-content FTS5 table: the index only, the text stays in `messages`. Triggers keep
// it in step, including deletes cascading from a conversation. Like PostgreSQL's 'simple'
// configuration, the tokenizer neither stems nor drops stop words (chats mix languages) and
// folds case; it also folds accents, which PostgreSQL's side cannot without an extension.
async function createSqliteSearch(db: Kysely<any>): Promise<void> {
  await sql`create virtual table messages_fts using fts5(
    content, content='messages', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2'
  )`.execute(db);
  await sql`create trigger messages_fts_insert after insert on messages begin
    insert into messages_fts(rowid, content) values (new.rowid, new.content);
  end`.execute(db);
  await sql`create trigger messages_fts_delete after delete on messages begin
    insert into messages_fts(messages_fts, rowid, content) values ('delete', old.rowid, old.content);
  end`.execute(db);
  // Streaming flushes rewrite the content several times a second; only real changes reindex.
  await sql`create trigger messages_fts_update after update of content on messages
    when old.content is not new.content begin
    insert into messages_fts(messages_fts, rowid, content) values ('delete', old.rowid, old.content);
    insert into messages_fts(rowid, content) values (new.rowid, new.content);
  end`.execute(db);
}

// A stored tsvector (ranking reads it instead of re-parsing every matching message) under a
// GIN index. 'simple': no stemming or stop words, as on SQLite.
async function createPostgresSearch(db: Kysely<any>): Promise<void> {
  await sql`alter table messages add column search_vector tsvector
    generated always as (to_tsvector('simple', content)) stored`.execute(db);
  await sql`create index messages_search on messages using gin (search_vector)`.execute(db);
}

/** Drops everything `up` created. */
export async function down(db: Kysely<any>): Promise<void> {
  if (migrationDialect(db) === 'sqlite') {
    await sql`drop table if exists messages_fts`.execute(db);
  }
  await db.schema.dropTable('feedback').execute();
  await db.schema.dropTable('shares').execute();
  await db.schema.dropTable('messages').execute();
  await db.schema.dropTable('conversations').execute();
  await db.schema.dropTable('folders').execute();
}
