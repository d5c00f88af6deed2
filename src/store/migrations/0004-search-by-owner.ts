/* eslint-disable @typescript-eslint/no-explicit-any -- frozen: must not depend on today's types */
// Search restricted to one user inside the index, newest first. Every message gets its owner's
// id (`messages.user_id`, copied from its conversation by triggers, so no writer has to know),
// and the indexes lead with it: on SQLite the FTS5 index holds the owner as a second column,
// so one MATCH finds only the caller's rows, in rowid order; on PostgreSQL a b-tree on
// (user_id, created_at) gives the caller's messages newest first, beside the GIN index.
import { sql, type Kysely } from 'kysely';
import { migrationDialect } from './migration-dialect.js';

/** Adds `messages.user_id`, its triggers and the owner-aware search indexes. */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table messages add column user_id text`.execute(db);
  if (migrationDialect(db) === 'sqlite') await upSqlite(db);
  else await upPostgres(db);
}

// The owner is indexed as the hex of its id: one token whatever the id's characters, which
// the query names with a column filter (`owner : "…"`), so user text never matches it.
// Invariant: a message is in `messages_fts` exactly when its `user_id` is set, with the values
// its row holds; the triggers below keep that true, and 'delete' needs those exact values.
async function upSqlite(db: Kysely<any>): Promise<void> {
  await sql`update messages set user_id =
    (select c.user_id from conversations c where c.id = messages.conversation_id)`.execute(db);
  for (const trigger of ['messages_fts_insert', 'messages_fts_delete', 'messages_fts_update']) {
    await sql`drop trigger ${sql.ref(trigger)}`.execute(db);
  }
  await sql`drop table messages_fts`.execute(db);
  // An external-content table reads the text back (for snippets) through this view.
  await sql`create view messages_fts_source as
    select rowid as message_rowid, content, hex(user_id) as owner from messages`.execute(db);
  await sql`create virtual table messages_fts using fts5(
    content, owner, content='messages_fts_source', content_rowid='message_rowid',
    tokenize='unicode61 remove_diacritics 2'
  )`.execute(db);
  await sql`insert into messages_fts(messages_fts) values ('rebuild')`.execute(db);

  // Writers insert messages without user_id: copy it from the conversation, which indexes the
  // row through messages_fts_update.
  await sql`create trigger messages_owner_insert after insert on messages
    when new.user_id is null begin
    update messages set user_id =
      (select c.user_id from conversations c where c.id = new.conversation_id)
      where rowid = new.rowid;
  end`.execute(db);
  await sql`create trigger messages_fts_insert after insert on messages
    when new.user_id is not null begin
    insert into messages_fts(rowid, content, owner)
      values (new.rowid, new.content, hex(new.user_id));
  end`.execute(db);
  // Streaming flushes rewrite the content several times a second; only real changes reindex.
  await sql`create trigger messages_fts_update after update of content, user_id on messages
    when old.content is not new.content or old.user_id is not new.user_id begin
    insert into messages_fts(messages_fts, rowid, content, owner)
      select 'delete', old.rowid, old.content, hex(old.user_id) where old.user_id is not null;
    insert into messages_fts(rowid, content, owner)
      select new.rowid, new.content, hex(new.user_id) where new.user_id is not null;
  end`.execute(db);
  await sql`create trigger messages_fts_delete after delete on messages
    when old.user_id is not null begin
    insert into messages_fts(messages_fts, rowid, content, owner)
      values ('delete', old.rowid, old.content, hex(old.user_id));
  end`.execute(db);
  await sql`create trigger messages_owner_move after update of conversation_id on messages begin
    update messages set user_id =
      (select c.user_id from conversations c where c.id = new.conversation_id)
      where rowid = new.rowid;
  end`.execute(db);
  await sql`create trigger conversations_owner_update after update of user_id on conversations
    when old.user_id is not new.user_id begin
    update messages set user_id = new.user_id where conversation_id = new.id;
  end`.execute(db);
}

async function upPostgres(db: Kysely<any>): Promise<void> {
  await sql`update messages m set user_id = c.user_id
    from conversations c where c.id = m.conversation_id`.execute(db);
  // Set before the row is written, whatever the writer passed: the conversation decides.
  await sql`create function messages_set_user_id() returns trigger language plpgsql as $$
    begin
      new.user_id := (select c.user_id from conversations c where c.id = new.conversation_id);
      return new;
    end $$`.execute(db);
  await sql`create trigger messages_set_user_id before insert or update of conversation_id
    on messages for each row execute function messages_set_user_id()`.execute(db);
  await sql`create function conversations_owner_update() returns trigger language plpgsql as $$
    begin
      update messages set user_id = new.user_id where conversation_id = new.id;
      return null;
    end $$`.execute(db);
  await sql`create trigger conversations_owner_update after update of user_id on conversations
    for each row when (old.user_id is distinct from new.user_id)
    execute function conversations_owner_update()`.execute(db);
  await db.schema
    .createIndex('messages_user_created')
    .on('messages')
    .columns(['user_id', 'created_at'])
    .execute();
  // The planner chooses between the two indexes by how many messages each user has; without
  // statistics it guesses, and a guess of "few" sorts every match of a common word.
  await sql`analyze messages`.execute(db);
}

/** Restores 0002's search objects and drops `messages.user_id`. */
export async function down(db: Kysely<any>): Promise<void> {
  if (migrationDialect(db) === 'postgres') {
    await sql`drop trigger conversations_owner_update on conversations`.execute(db);
    await sql`drop trigger messages_set_user_id on messages`.execute(db);
    await sql`drop function conversations_owner_update()`.execute(db);
    await sql`drop function messages_set_user_id()`.execute(db);
    await sql`drop index messages_user_created`.execute(db);
    await sql`alter table messages drop column user_id`.execute(db);
    return;
  }
  for (const trigger of [
    'conversations_owner_update',
    'messages_owner_move',
    'messages_fts_delete',
    'messages_fts_update',
    'messages_fts_insert',
    'messages_owner_insert',
  ]) {
    await sql`drop trigger ${sql.ref(trigger)}`.execute(db);
  }
  await sql`drop table messages_fts`.execute(db);
  await sql`drop view messages_fts_source`.execute(db);
  await sql`alter table messages drop column user_id`.execute(db);
  // As 0002 created them.
  await sql`create virtual table messages_fts using fts5(
    content, content='messages', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2'
  )`.execute(db);
  await sql`insert into messages_fts(messages_fts) values ('rebuild')`.execute(db);
  await sql`create trigger messages_fts_insert after insert on messages begin
    insert into messages_fts(rowid, content) values (new.rowid, new.content);
  end`.execute(db);
  await sql`create trigger messages_fts_delete after delete on messages begin
    insert into messages_fts(messages_fts, rowid, content) values ('delete', old.rowid, old.content);
  end`.execute(db);
  await sql`create trigger messages_fts_update after update of content on messages
    when old.content is not new.content begin
    insert into messages_fts(messages_fts, rowid, content) values ('delete', old.rowid, old.content);
    insert into messages_fts(rowid, content) values (new.rowid, new.content);
  end`.execute(db);
}
