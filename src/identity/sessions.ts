// Web sessions. The browser holds a random 32-byte token; the database holds only its SHA-256
// (the row id), so a leaked table opens no session. Expiry slides: each use pushes it 30 days
// out, written at most once a minute so that reading a page is not a write per request.
import { createHash, randomBytes } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import { toTimestamp, type Database, type SessionsTable } from '../store/database.js';
import { toUser, type User } from './users.js';

/** A session as stored, without its token. */
export interface Session {
  id: string;
  userId: string;
  /** Sent back in `x-csrf-token` on every state-changing request. */
  csrfToken: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  ip: string | null;
  userAgent: string | null;
}

/** A valid session, its user, and whether this look-up pushed its expiry out. */
export interface FoundSession {
  session: Session;
  user: User;
  renewed: boolean;
}

/** Idle time after which a session ends. */
export const sessionTtlMs = 30 * 24 * 60 * 60_000;
// Coupling: must stay far below sessionTtlMs, or a session in steady use could still expire.
const touchIntervalMs = 60_000;
// 32 random bytes in base64url, as `newSessionToken` makes them.
const tokenShape = /^[A-Za-z0-9_-]{43}$/;
const maxUserAgentLength = 512;

/** The stored id of a session token: SHA-256, lower-case hex. */
export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function toSession(row: Selectable<SessionsTable>): Session {
  return {
    id: row.id,
    userId: row.user_id,
    csrfToken: row.csrf_token,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    expiresAt: row.expires_at,
    ip: row.ip,
    userAgent: row.user_agent,
  };
}

/** Starts a session for `userId`; the token is returned this once and never stored. */
export async function createSession(
  db: Kysely<Database>,
  input: { userId: string; ip?: string; userAgent?: string },
  now: Date = new Date(),
): Promise<{ token: string; session: Session }> {
  const token = randomBytes(32).toString('base64url');
  const row = {
    id: hashSessionToken(token),
    user_id: input.userId,
    csrf_token: randomBytes(32).toString('base64url'),
    created_at: toTimestamp(now),
    last_seen_at: toTimestamp(now),
    expires_at: toTimestamp(new Date(now.getTime() + sessionTtlMs)),
    ip: input.ip ?? null,
    user_agent: input.userAgent?.slice(0, maxUserAgentLength) ?? null,
  };
  await db.insertInto('sessions').values(row).execute();
  return { token, session: toSession(row) };
}

/** The session this token opens, or undefined when unknown, expired or its user disabled. */
export async function findSession(
  db: Kysely<Database>,
  token: string,
  now: Date = new Date(),
): Promise<FoundSession | undefined> {
  if (!tokenShape.test(token)) return undefined;
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .selectAll('sessions')
    .select([
      'users.email',
      'users.display_name',
      'users.role',
      'users.org_id',
      'users.created_at as user_created_at',
      'users.updated_at as user_updated_at',
      'users.disabled_at',
    ])
    .where('sessions.id', '=', hashSessionToken(token))
    .executeTakeFirst();
  if (!row || Date.parse(row.expires_at) <= now.getTime() || row.disabled_at) return undefined;
  const session = toSession(row);
  const user = toUser({
    id: row.user_id,
    email: row.email,
    password_hash: null,
    display_name: row.display_name,
    role: row.role,
    org_id: row.org_id,
    created_at: row.user_created_at,
    updated_at: row.user_updated_at,
    disabled_at: row.disabled_at,
  });
  const renewed = now.getTime() - Date.parse(session.lastSeenAt) >= touchIntervalMs;
  if (renewed) await renew(db, session, now);
  return { session, user, renewed };
}

async function renew(db: Kysely<Database>, session: Session, now: Date): Promise<void> {
  session.lastSeenAt = toTimestamp(now);
  session.expiresAt = toTimestamp(new Date(now.getTime() + sessionTtlMs));
  const stale = toTimestamp(new Date(now.getTime() - touchIntervalMs));
  // The condition makes replicas racing on one session write once between them. Bookkeeping
  // only: a failed write (a busy SQLite file) must not fail the request it rides on.
  await db
    .updateTable('sessions')
    .set({ last_seen_at: session.lastSeenAt, expires_at: session.expiresAt })
    .where('id', '=', session.id)
    .where('last_seen_at', '<', stale)
    .execute()
    .catch(() => undefined);
}

/** Ends one session (idempotent). */
export async function revokeSession(db: Kysely<Database>, sessionId: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', sessionId).execute();
}

/** Ends every session of a user ("sign out everywhere"); returns how many ended. */
export async function revokeUserSessions(db: Kysely<Database>, userId: string): Promise<number> {
  const result = await db.deleteFrom('sessions').where('user_id', '=', userId).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Deletes sessions that expired before `now`. */
export async function deleteExpiredSessions(
  db: Kysely<Database>,
  now: Date = new Date(),
): Promise<void> {
  await db.deleteFrom('sessions').where('expires_at', '<=', toTimestamp(now)).execute();
}
