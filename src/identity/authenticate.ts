// Checking an email and password. Every path runs exactly one scrypt verification, against a
// dummy hash when the account is unknown or has no password, so the reply's timing does not tell
// which emails have accounts.
import type { Kysely } from 'kysely';
import { forbidden } from '../lib/errors.js';
import type { Database } from '../store/database.js';
import { dummyPasswordHash, verifyPassword } from './password-hash.js';
import { findUserByEmail, type User } from './users.js';

// Longer passwords are refused before hashing: scrypt's cost grows with the input.
const maxPasswordLength = 1024;

/**
 * The user these credentials open, or undefined when they open none. Throws 403
 * `account_disabled` for a disabled account, only once its password has been proven.
 */
export async function authenticate(
  db: Kysely<Database>,
  email: string,
  password: string,
): Promise<User | undefined> {
  const found = email.length <= 254 ? await findUserByEmail(db, email) : undefined;
  const hash = found?.passwordHash ?? (await dummyPasswordHash());
  const candidate = password.length <= maxPasswordLength ? password : '';
  const matches = (await verifyPassword(hash, candidate)) && candidate === password;
  if (!found?.passwordHash || !matches) return undefined;
  const { passwordHash: _hash, ...user } = found;
  if (user.disabledAt) throw forbidden('This account is disabled.', 'account_disabled');
  return user;
}
