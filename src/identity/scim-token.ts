// An organisation's SCIM bearer token: made by an owner or admin, shown once, stored only as its
// SHA-256 in `orgs.scim_token_hash` (a fast hash is enough for 40 random base62 characters, as for
// API keys). An identity provider presents it on every /scim/v2 request; the hash names the
// organisation. Making a new token replaces the previous one; revoking it turns SCIM off.
import { hash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { randomToken } from '../lib/ids.js';
import { toTimestamp, type Database } from '../store/database.js';

/** Every SCIM token starts with this. */
export const scimTokenPrefix = 'scim-';
const tokenShape = /^scim-[0-9A-Za-z]{40}$/;

function hashScimToken(token: string): string {
  return hash('sha256', token);
}

/** Makes a new token for the organisation, replacing any previous one; returned this once. */
export async function createScimToken(db: Kysely<Database>, orgId: string): Promise<string> {
  const token = scimTokenPrefix + randomToken(40);
  await db
    .updateTable('orgs')
    .set({ scim_token_hash: hashScimToken(token), updated_at: toTimestamp() })
    .where('id', '=', orgId)
    .execute();
  return token;
}

/** Turns SCIM off for the organisation; false when it was already off. */
export async function revokeScimToken(db: Kysely<Database>, orgId: string): Promise<boolean> {
  const result = await db
    .updateTable('orgs')
    .set({ scim_token_hash: null, updated_at: toTimestamp() })
    .where('id', '=', orgId)
    .where('scim_token_hash', 'is not', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** The organisation whose current token this is, or undefined. */
export async function orgOfScimToken(
  db: Kysely<Database>,
  token: string,
): Promise<string | undefined> {
  if (!tokenShape.test(token)) return undefined;
  const row = await db
    .selectFrom('orgs')
    .select('id')
    .where('scim_token_hash', '=', hashScimToken(token))
    .executeTakeFirst();
  return row?.id;
}
