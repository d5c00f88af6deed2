// Everything Salon holds about one person, as the files of their GDPR export (Art. 15 and 20):
// profile, every conversation (JSON with every branch, Markdown of the branch shown), folders,
// share links, feedback, arena votes, usage ledger rows, API keys (never their hashes), team
// memberships and sessions (never their tokens). Files are produced one at a time, and the
// larger tables a page at a time, so an export of any size streams in bounded memory.
import { sql, type Kysely, type SelectQueryBuilder } from 'kysely';
import { toApiKey } from '../identity/api-key-record.js';
import { OrgScope } from '../identity/org-scope.js';
import type { User } from '../identity/users.js';
import type { ZipEntry } from '../lib/zip-stream.js';
import type { Database } from '../store/database.js';
import { toConversation } from './conversation-record.js';
import { fileStem, toJson, toMarkdown } from './export.js';
import { listMessages } from './messages.js';
import { selectedBranch } from './tree.js';

const pageSize = 500;

/** One file of the export: `value` as indented JSON. */
const jsonFile = (path: string, value: unknown): ZipEntry => ({
  path,
  content: `${JSON.stringify(value, null, 2)}\n`,
});

const readme = (user: User, at: string) => `Salon: the data held about ${user.email}, as of ${at}.

profile.json        your account
conversations/      each conversation twice: .json (every message, every branch) and .md (the
                    branch shown in the chat); arena battles and temporary chats included
folders.json        your folders
shares.json         your share links (without their secret part)
feedback.json       your ratings and comments on replies
arena-votes.json    your votes in the arena
usage.jsonl         one line per request counted in the usage ledger
api-keys.json       your API keys: names, prefixes, limits, dates (never the keys themselves)
teams.json          the teams you belong to
sessions.json       your web sign-ins: when, from which address and browser
`;

/** Where the next page starts: after this row in (created_at, id) order. */
interface Cursor {
  createdAt: string;
  id: string;
}

/**
 * A query's rows in (created_at, id) order, a page at a time: each page is read after the last
 * row of the one before (keyset pagination, so no row is skipped or repeated as rows come in).
 */
async function* pagesInOrder<
  DB,
  TB extends keyof DB,
  Row extends { created_at: string; id: string },
>(query: SelectQueryBuilder<DB, TB, Row>): AsyncIterable<Row[]> {
  const ordered = query
    .orderBy(sql`created_at`)
    .orderBy(sql`id`)
    .limit(pageSize);
  let after: Cursor | undefined;
  for (;;) {
    const rows = await (
      after
        ? ordered.where(
            sql<boolean>`(created_at > ${after.createdAt} or (created_at = ${after.createdAt} and id > ${after.id}))`,
          )
        : ordered
    ).execute();
    if (rows.length > 0) yield rows;
    if (rows.length < pageSize) return;
    const last = rows.at(-1)!;
    after = { createdAt: last.created_at, id: last.id };
  }
}

/** The user's conversations, oldest first: two files each. */
async function* conversationFiles(db: Kysely<Database>, userId: string): AsyncIterable<ZipEntry> {
  const conversations = db.selectFrom('conversations').selectAll().where('user_id', '=', userId);
  for await (const rows of pagesInOrder(conversations)) {
    for (const row of rows) {
      const conversation = { ...toConversation(row), kind: row.kind };
      const messages = await listMessages(db, row.id);
      const name = `conversations/${row.created_at.slice(0, 10)}-${fileStem(row.title)}-${row.id}`;
      yield { path: `${name}.json`, content: toJson(conversation, messages) };
      const branch = selectedBranch(messages, row.selected_leaf_id);
      yield { path: `${name}.md`, content: toMarkdown(conversation, branch) };
    }
  }
}

/** The user's usage ledger rows as JSON lines, a page at a time. */
async function* usageLines(db: Kysely<Database>, user: User): AsyncIterable<string> {
  const events = new OrgScope(db, user.orgId)
    .selectFrom('usage_events')
    .select([
      'id',
      'created_at',
      'api_key_id',
      'team_id',
      'endpoint',
      'model',
      'target',
      'prompt_tokens',
      'completion_tokens',
      'cost_usd',
      'latency_ms',
      'ttft_ms',
      'status',
      'error_code',
    ])
    .where('user_id', '=', user.id);
  for await (const rows of pagesInOrder(events)) {
    yield rows.map((row) => JSON.stringify(row)).join('\n') + '\n';
  }
}

/** The files of `user`'s export, in the order they go into the archive. */
export async function* personalDataFiles(
  db: Kysely<Database>,
  user: User,
  now: Date = new Date(),
): AsyncIterable<ZipEntry> {
  yield { path: 'README.txt', content: readme(user, now.toISOString()) };
  const account = await db
    .selectFrom('users')
    .select(['external_id'])
    .where('id', '=', user.id)
    .executeTakeFirst();
  const org = await db
    .selectFrom('orgs')
    .select('name')
    .where('id', '=', user.orgId)
    .executeTakeFirst();
  yield jsonFile('profile.json', {
    ...user,
    organisation: org?.name ?? null,
    externalId: account?.external_id ?? null,
  });
  yield* conversationFiles(db, user.id);
  yield jsonFile(
    'folders.json',
    await db
      .selectFrom('folders')
      .select(['id', 'name', 'created_at', 'updated_at'])
      .where('user_id', '=', user.id)
      .orderBy('created_at')
      .execute(),
  );
  yield jsonFile(
    'shares.json',
    await db
      .selectFrom('shares')
      .select(['conversation_id', 'created_at', 'revoked_at'])
      .where('user_id', '=', user.id)
      .orderBy('created_at')
      .execute(),
  );
  yield jsonFile(
    'feedback.json',
    await db
      .selectFrom('feedback')
      .innerJoin('messages', 'messages.id', 'feedback.message_id')
      .select([
        'feedback.message_id',
        'messages.conversation_id',
        'feedback.rating',
        'feedback.comment',
        'feedback.created_at',
        'feedback.updated_at',
      ])
      .where('feedback.user_id', '=', user.id)
      .orderBy('feedback.created_at')
      .execute(),
  );
  yield jsonFile(
    'arena-votes.json',
    await db
      .selectFrom('arena_votes')
      .innerJoin('arena_battles', 'arena_battles.id', 'arena_votes.battle_id')
      .select([
        'arena_votes.battle_id',
        'arena_battles.conversation_id',
        'arena_battles.model_a',
        'arena_battles.model_b',
        'arena_votes.outcome',
        'arena_votes.created_at',
      ])
      .where('arena_votes.user_id', '=', user.id)
      .orderBy('arena_votes.created_at')
      .execute(),
  );
  yield { path: 'usage.jsonl', content: usageLines(db, user) };
  const keys = await new OrgScope(db, user.orgId)
    .selectFrom('api_keys')
    .selectAll()
    .where('user_id', '=', user.id)
    .orderBy('created_at')
    .execute();
  yield jsonFile('api-keys.json', keys.map(toApiKey));
  yield jsonFile(
    'teams.json',
    await new OrgScope(db, user.orgId)
      .teamMembers()
      .select([
        'teams.id',
        'teams.name',
        'team_members.role',
        'team_members.created_at as joined_at',
      ])
      .where('team_members.user_id', '=', user.id)
      .orderBy('teams.name')
      .execute(),
  );
  yield jsonFile(
    'sessions.json',
    await db
      .selectFrom('sessions')
      .select(['created_at', 'last_seen_at', 'expires_at', 'ip', 'user_agent'])
      .where('user_id', '=', user.id)
      .orderBy('created_at')
      .execute(),
  );
}
