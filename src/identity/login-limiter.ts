// Sign-in throttling: 5 failed attempts per email and client address in a 15-minute window,
// then 429 until the window ends. Counters live in the database so every replica sees the same
// ones (a later change moves them to the bus's Redis). An attempt is counted BEFORE its password
// is checked, in one atomic upsert: parallel guesses cannot slip past the limit between a read
// and a write. A successful sign-in clears the counter.
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { rateLimited } from '../lib/errors.js';
import { toTimestamp, type Database } from '../store/database.js';

/** Failed attempts allowed per window. */
export const maxLoginFailures = 5;
/** The window's length; it starts at the first attempt after the previous one ended. */
export const loginWindowMs = 15 * 60_000;

// Hashed so that the table lists no email or address.
function attemptKey(email: string, ip: string): string {
  return createHash('sha256').update(`login\n${email.trim().toLowerCase()}\n${ip}`).digest('hex');
}

/** Counts one attempt for this email and address; throws 429 (with Retry-After) past the limit. */
export async function countLoginAttempt(
  db: Kysely<Database>,
  email: string,
  ip: string,
  now: Date = new Date(),
): Promise<void> {
  const started = toTimestamp(now);
  const expired = toTimestamp(new Date(now.getTime() - loginWindowMs));
  const row = await db
    .insertInto('login_attempts')
    .values({ key: attemptKey(email, ip), count: 1, window_started_at: started })
    .onConflict((conflict) =>
      conflict.column('key').doUpdateSet((eb) => {
        // Both SET expressions read the row as it was before this update.
        const isOver = eb('login_attempts.window_started_at', '<=', expired);
        return {
          count: eb
            .case()
            .when(isOver)
            .then(eb.lit(1))
            .else(eb('login_attempts.count', '+', eb.lit(1)))
            .end(),
          window_started_at: eb
            .case()
            .when(isOver)
            .then(started)
            .else(eb.ref('login_attempts.window_started_at'))
            .end(),
        };
      }),
    )
    .returning(['count', 'window_started_at'])
    .executeTakeFirstOrThrow();
  if (row.count <= maxLoginFailures) return;
  const endsAt = Date.parse(row.window_started_at) + loginWindowMs;
  const retryAfter = Math.max(1, Math.ceil((endsAt - now.getTime()) / 1000));
  throw rateLimited(
    `Too many failed sign-ins. Try again in ${Math.ceil(retryAfter / 60)} minutes.`,
    retryAfter,
    'too_many_attempts',
  );
}

/** Forgets the attempts for this email and address (after a successful sign-in). */
export async function clearLoginAttempts(
  db: Kysely<Database>,
  email: string,
  ip: string,
): Promise<void> {
  await db.deleteFrom('login_attempts').where('key', '=', attemptKey(email, ip)).execute();
}

/** Deletes counters whose window has ended. */
export async function deleteStaleLoginAttempts(
  db: Kysely<Database>,
  now: Date = new Date(),
): Promise<void> {
  const expired = toTimestamp(new Date(now.getTime() - loginWindowMs));
  await db.deleteFrom('login_attempts').where('window_started_at', '<=', expired).execute();
}
