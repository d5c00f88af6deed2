// Share links: a long random token anyone can open, read-only, showing the conversation's
// selected branch as it is now, until the owner revokes it.
import type { Kysely } from 'kysely';
import { notFound } from '../lib/errors.js';
import { randomToken } from '../lib/ids.js';
import { toTimestamp, type Database } from '../store/database.js';
import { getConversation } from './conversations.js';
import type { Message } from './message-record.js';
import { listMessages } from './messages.js';
import { selectedBranch } from './tree.js';

/** A share link. */
export interface Share {
  id: string;
  /** The web UI's page for it. */
  url: string;
}

/** A link in its owner's list of shared conversations. */
export interface SharedLink extends Share {
  conversationId: string;
  /** The conversation's title ('' until it has one). */
  title: string;
  createdAt: string;
}

/** What a share link shows. */
export interface SharedConversation {
  title: string;
  messages: Message[];
}

// 43 base62 characters: about 256 bits, beyond guessing.
const tokenLength = 43;

const missing = (id: string) => notFound(`No share with id '${id}'.`, 'share_not_found');

function toShare(id: string): Share {
  return { id, url: `/s/${id}` };
}

/** The conversation's active link, or a new one; 404 when the conversation is not the user's. */
export async function createShare(
  db: Kysely<Database>,
  userId: string,
  conversationId: string,
): Promise<Share> {
  await getConversation(db, userId, conversationId);
  const existing = await db
    .selectFrom('shares')
    .select('id')
    .where('conversation_id', '=', conversationId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (existing) return toShare(existing.id);
  const id = randomToken(tokenLength);
  await db
    .insertInto('shares')
    .values({
      id,
      conversation_id: conversationId,
      user_id: userId,
      created_at: toTimestamp(),
      revoked_at: null,
    })
    .execute();
  return toShare(id);
}

/** The user's links that still work, newest first. */
export async function listShares(db: Kysely<Database>, userId: string): Promise<SharedLink[]> {
  const rows = await db
    .selectFrom('shares as s')
    .innerJoin('conversations as c', 'c.id', 's.conversation_id')
    .select(['s.id', 's.conversation_id', 's.created_at', 'c.title'])
    .where('s.user_id', '=', userId)
    // The conversation's owner too: a link never outlives its owner's hold on the conversation.
    .where('c.user_id', '=', userId)
    .where('s.revoked_at', 'is', null)
    .orderBy('s.created_at', 'desc')
    .orderBy('s.id', 'desc')
    .execute();
  return rows.map((row) => ({
    ...toShare(row.id),
    conversationId: row.conversation_id,
    title: row.title,
    createdAt: row.created_at,
  }));
}

/** Stops a link from working (idempotent) and names its conversation; 404 when not the user's. */
export async function revokeShare(
  db: Kysely<Database>,
  userId: string,
  id: string,
): Promise<{ conversationId: string }> {
  const share = await db
    .selectFrom('shares')
    .select(['revoked_at', 'conversation_id'])
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (!share) throw missing(id);
  if (!share.revoked_at) {
    await db
      .updateTable('shares')
      .set({ revoked_at: toTimestamp() })
      .where('id', '=', id)
      .execute();
  }
  return { conversationId: share.conversation_id };
}

/** What the link shows, to anyone; 404 once revoked. Run ids and feedback stay private. */
export async function readShare(db: Kysely<Database>, id: string): Promise<SharedConversation> {
  const row = await db
    .selectFrom('shares as s')
    .innerJoin('conversations as c', 'c.id', 's.conversation_id')
    .select(['c.id', 'c.title', 'c.selected_leaf_id'])
    .where('s.id', '=', id)
    .where('s.revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row) throw missing(id);
  const branch = selectedBranch(await listMessages(db, row.id), row.selected_leaf_id);
  return {
    title: row.title,
    messages: branch.map((message) => ({ ...message, runId: null, feedback: null })),
  };
}
