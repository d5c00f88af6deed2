// Accounts: creation with validation, look-ups, counting. Emails are stored lower-cased.
import type { Kysely, Selectable } from 'kysely';
import { badRequest, SalonError } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import { toTimestamp, type Database, type UserRole, type UsersTable } from '../store/database.js';
import { OrgScope } from './org-scope.js';
import { hashPassword } from './password-hash.js';

export { verifyPassword } from './password-hash.js';
export type { UserRole } from '../store/database.js';

/** An account as the rest of Salon sees it; never carries the password hash. */
export interface User {
  id: string;
  email: string;
  displayName: string | null;
  role: UserRole;
  /** The organisation the account belongs to; its role is that organisation's. */
  orgId: string;
  createdAt: string;
  updatedAt: string;
  disabledAt: string | null;
}

/** A user with its password hash, for sign-in only: never serialise it. */
export interface UserWithPasswordHash extends User {
  passwordHash: string | null;
}

/** What `createUser` needs; without a password the account signs in only through SSO. */
export interface CreateUserInput {
  email: string;
  password?: string;
  role: UserRole;
  displayName?: string;
  /** The organisation to join; the default organisation when absent. */
  orgId?: string;
  /** The identity provider's id for a provisioned account (SCIM externalId). */
  externalId?: string | null;
}

const roles: readonly UserRole[] = ['owner', 'admin', 'member'];
// Deliberately loose: one @, no spaces, a hostname-like domain (`admin@localhost` is fine).
const emailShape = /^[^\s@]+@[a-z0-9-]+(\.[a-z0-9-]+)*$/;
const minPasswordLength = 8;
const maxPasswordLength = 1024;

/** The organisation every account joins unless told otherwise (created by migration 0009). */
export const defaultOrgId = 'org_default';

/** The columns `toUser` reads. */
export type UserRow = Omit<Selectable<UsersTable>, 'external_id'>;

/** The row → record mapping shared with sessions and API keys. */
export function toUser(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    displayName: row.display_name,
    role: row.role,
    orgId: row.org_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    disabledAt: row.disabled_at,
  };
}

/** Lower-cases and trims `email`; throws a 400 when it is not shaped like an address. */
export function normalizeEmail(email: string): string {
  const normalized = email.trim().toLowerCase();
  if (normalized.length > 254 || !emailShape.test(normalized)) {
    throw badRequest(`'${email}' is not a valid email address.`, 'email', 'invalid_email');
  }
  return normalized;
}

function checkPassword(password: string): void {
  if (password.length < minPasswordLength || password.length > maxPasswordLength) {
    throw badRequest(
      `The password must be ${minPasswordLength} to ${maxPasswordLength} characters long.`,
      'password',
      'invalid_password',
    );
  }
}

/** Creates an account; 400 on a bad email, password or role, 409 when the email is taken. */
export async function createUser(db: Kysely<Database>, input: CreateUserInput): Promise<User> {
  const email = normalizeEmail(input.email);
  if (!roles.includes(input.role)) {
    throw badRequest(`The role must be one of ${roles.join(', ')}.`, 'role', 'invalid_role');
  }
  if (input.password !== undefined) checkPassword(input.password);
  const now = toTimestamp();
  const row = {
    id: newId('user'),
    email,
    password_hash: input.password === undefined ? null : await hashPassword(input.password),
    display_name: input.displayName?.trim() || null,
    role: input.role,
    org_id: input.orgId ?? defaultOrgId,
    external_id: input.externalId ?? null,
    created_at: now,
    updated_at: now,
    disabled_at: null,
  };
  // ON CONFLICT DO NOTHING on both dialects: no driver-specific error codes to decode.
  const inserted = await db
    .insertInto('users')
    .values(row)
    .onConflict((conflict) => conflict.column('email').doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) {
    throw new SalonError('conflict', `A user with the email ${email} already exists.`, {
      status: 409,
      type: 'invalid_request_error',
      param: 'email',
    });
  }
  return toUser(row);
}

/** The user with this email (any case), with its password hash for sign-in. */
export async function findUserByEmail(
  db: Kysely<Database>,
  email: string,
): Promise<UserWithPasswordHash | undefined> {
  const row = await db
    .selectFrom('users')
    .selectAll()
    .where('email', '=', email.trim().toLowerCase())
    .executeTakeFirst();
  return row && { ...toUser(row), passwordHash: row.password_hash };
}

/** The user with this id. */
export async function findUserById(db: Kysely<Database>, id: string): Promise<User | undefined> {
  const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toUser(row);
}

/** Every account (only one organisation's when `orgId` is given), oldest first. */
export async function listUsers(db: Kysely<Database>, orgId?: string): Promise<User[]> {
  const query = orgId ? new OrgScope(db, orgId).selectFrom('users') : db.selectFrom('users');
  const rows = await query.selectAll().orderBy('created_at').orderBy('id').execute();
  return rows.map(toUser);
}

/** How many accounts exist (disabled ones included). */
export async function countUsers(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll().as('count'))
    .executeTakeFirstOrThrow();
  // pg returns count(*) as a bigint string, SQLite as a number.
  return Number(row.count);
}
