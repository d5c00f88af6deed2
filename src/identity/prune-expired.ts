// Housekeeping for rows that only expire: ended sessions and sign-in counters whose window closed.
// Run from sign-in traffic rather than a timer, at most every 10 minutes per database handle:
// with several replicas each prunes now and then, and a deletion racing another is harmless.
import type { Kysely } from 'kysely';
import type { Database } from '../store/database.js';
import { deleteStaleLoginAttempts } from './login-limiter.js';
import { deleteExpiredSessions } from './sessions.js';

const intervalMs = 10 * 60_000;
const lastRuns = new WeakMap<object, number>();

/** Deletes expired sessions and stale sign-in counters, unless this handle did so lately. */
export async function pruneExpired(db: Kysely<Database>, now: Date = new Date()): Promise<void> {
  const last = lastRuns.get(db);
  if (last !== undefined && now.getTime() - last < intervalMs) return;
  lastRuns.set(db, now.getTime());
  await deleteExpiredSessions(db, now);
  await deleteStaleLoginAttempts(db, now);
}
