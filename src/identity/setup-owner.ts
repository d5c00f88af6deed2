// First-run setup: the owner account, created once even when two browsers submit the form at the
// same moment. Each setup first claims a fixed `settings` row (insert, do nothing on conflict) in
// the same transaction that creates the owner. On PostgreSQL the second insert waits on the
// first's uncommitted row, then finds it and gives up; on SQLite transactions begin IMMEDIATE
// and so run one at a time. A transaction that fails releases its claim.
import type { Kysely } from 'kysely';
import { isSalonError, SalonError } from '../lib/errors.js';
import { toTimestamp, type Database } from '../store/database.js';
import { countUsers, createUser, normalizeEmail, type User } from './users.js';

/** What the setup form sends. */
export interface SetupOwnerInput {
  email: string;
  password: string;
  displayName?: string;
}

// Not a setting anyone edits: `getInstanceSettings` reads only the keys it knows.
const claimKey = 'setup.owner';

/** 409: the instance already has its accounts. */
export const setupDone = () =>
  new SalonError('setup_done', 'This Salon is already set up: sign in instead.', {
    status: 409,
    type: 'invalid_request_error',
  });

/** True while no account exists: the web UI then shows the first-run setup. */
export async function isSetupRequired(db: Kysely<Database>): Promise<boolean> {
  return (await countUsers(db)) === 0;
}

/** Creates the owner when no account exists yet; 409 `setup_done` otherwise. */
export async function setupOwner(db: Kysely<Database>, input: SetupOwnerInput): Promise<User> {
  normalizeEmail(input.email); // a 400 for a bad address before any lock is taken
  return db.transaction().execute(async (trx) => {
    const claimed = await trx
      .insertInto('settings')
      .values({ key: claimKey, value: JSON.stringify(toTimestamp()), updated_at: toTimestamp() })
      .onConflict((conflict) => conflict.column('key').doNothing())
      .executeTakeFirst();
    // Accounts made by SALON_ADMIN_EMAIL or `salon users create` never claimed: count them too.
    if (Number(claimed.numInsertedOrUpdatedRows ?? 0) === 0 || (await countUsers(trx)) > 0) {
      throw setupDone();
    }
    return createUser(trx, { ...input, role: 'owner' });
  });
}

/**
 * Creates the owner when no account exists, else does nothing and returns undefined: for
 * SALON_ADMIN_EMAIL at start, where two replicas starting at once must not both try.
 */
export async function setupOwnerIfNone(
  db: Kysely<Database>,
  input: SetupOwnerInput,
): Promise<User | undefined> {
  if (!(await isSetupRequired(db))) return undefined;
  try {
    return await setupOwner(db, input);
  } catch (error) {
    if (isSalonError(error) && error.code === 'setup_done') return undefined;
    throw error;
  }
}
