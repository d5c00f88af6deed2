// Creating, listing and revoking API keys; verification lives in verify-api-key.ts.
import type { Kysely } from 'kysely';
import { badRequest } from '../lib/errors.js';
import { newId, randomToken } from '../lib/ids.js';
import { toTimestamp, type Database } from '../store/database.js';
import { forgetApiKeys } from './api-key-evictions.js';
import { keyLimitColumns, validateKeyLimits, type ApiKeyLimitsInput } from './api-key-limits.js';
import { apiKeyPrefix, hashApiKey, toApiKey, type ApiKey } from './api-key-record.js';
import { OrgScope } from './org-scope.js';
import { findUserById } from './users.js';

export type { ApiKey, VerifiedApiKey } from './api-key-record.js';
export type { ApiKeyLimits, ApiKeyLimitsInput } from './api-key-limits.js';
export { keyAllowsModel, validateKeyLimits } from './api-key-limits.js';
export { verifyApiKey } from './verify-api-key.js';

/** What `createApiKey` needs; without `userId` the key belongs to the instance. */
export interface CreateApiKeyInput {
  name: string;
  userId?: string;
  /** For a key without a user: the organisation it belongs to (none: an instance key). */
  orgId?: string;
  expiresAt?: Date;
  /** A virtual key's allowed models, rates and budget; unlimited when left out. */
  limits?: ApiKeyLimitsInput;
}

// `sk-salon-ab12`: enough to tell a handful of keys apart, far too little to help guess one.
const shownChars = 4;

/** Creates a key; the plaintext is returned this once and never stored. */
export async function createApiKey(
  db: Kysely<Database>,
  input: CreateApiKeyInput,
): Promise<{ key: string; record: ApiKey }> {
  const name = input.name.trim();
  if (!name || name.length > 200) {
    throw badRequest('The key name must be 1 to 200 characters long.', 'name');
  }
  if (input.expiresAt && Number.isNaN(input.expiresAt.getTime())) {
    throw badRequest('The expiry date is not a valid date.', 'expires_at');
  }
  const limits = validateKeyLimits(input.limits);
  const user = input.userId ? await findUserById(db, input.userId) : undefined;
  if (input.userId && !user) {
    throw badRequest(`No user has the id ${input.userId}.`, 'user_id', 'user_not_found');
  }
  const key = apiKeyPrefix + randomToken(40);
  const row = {
    id: newId('key'),
    name,
    user_id: input.userId ?? null,
    prefix: key.slice(0, apiKeyPrefix.length + shownChars),
    key_hash: hashApiKey(key),
    created_at: toTimestamp(),
    last_used_at: null,
    expires_at: input.expiresAt ? toTimestamp(input.expiresAt) : null,
    revoked_at: null,
    org_id: user?.orgId ?? input.orgId ?? null,
    ...keyLimitColumns(limits),
  };
  await db.insertInto('api_keys').values(row).execute();
  return { key, record: toApiKey(row) };
}

/** Every key, newest first; only one user's when `userId` is given. */
export async function listApiKeys(
  db: Kysely<Database>,
  options: { userId?: string; orgId?: string } = {},
): Promise<ApiKey[]> {
  let query = db.selectFrom('api_keys').selectAll().orderBy('created_at', 'desc').orderBy('id');
  if (options.userId) query = query.where('user_id', '=', options.userId);
  if (options.orgId) query = query.where('org_id', '=', options.orgId);
  return (await query.execute()).map(toApiKey);
}

/** Revokes the key with this id (idempotent); undefined when no key has it. */
export async function revokeApiKey(
  db: Kysely<Database>,
  id: string,
  options: { orgId?: string } = {},
): Promise<ApiKey | undefined> {
  // With an organisation, another organisation's key is as unknown as a missing one.
  const keys = () =>
    options.orgId
      ? new OrgScope(db, options.orgId).selectFrom('api_keys')
      : db.selectFrom('api_keys');
  const row = await keys().selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  await db
    .updateTable('api_keys')
    .set({ revoked_at: toTimestamp() })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .execute();
  await forgetApiKeys(db, [id]);
  const revoked = await keys().selectAll().where('id', '=', id).executeTakeFirst();
  return revoked && toApiKey(revoked);
}
