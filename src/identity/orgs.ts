// Organisations: every user belongs to one. The default organisation (`org_default`, created by
// migration 0009) holds the accounts of a single-organisation instance; `salon orgs create` or the
// default organisation's owner adds others.
import type { Kysely, Selectable } from 'kysely';
import { badRequest, notFound } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import { toTimestamp, type Database, type OrgsTable } from '../store/database.js';

export { defaultOrgId } from './users.js';

/** An organisation as the admin console shows it. */
export interface Org {
  id: string;
  name: string;
  /** Members sign in only through the organisation's identity provider. */
  ssoOnly: boolean;
  /** Conversations idle for longer are deleted; null keeps them. */
  retentionDays: number | null;
  /** Whether a SCIM token is set. */
  scimEnabled: boolean;
  createdAt: string;
  updatedAt: string;
}

/** What an admin may change. */
export interface OrgChanges {
  name?: string;
  ssoOnly?: boolean;
  retentionDays?: number | null;
}

/** Maps an `orgs` row to its record. */
export function toOrg(row: Selectable<OrgsTable>): Org {
  return {
    id: row.id,
    name: row.name,
    ssoOnly: row.sso_only === 1,
    retentionDays: row.retention_days,
    scimEnabled: row.scim_token_hash !== null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function checkName(name: string): string {
  const trimmed = name.trim();
  if (!trimmed || trimmed.length > 200) {
    throw badRequest('The organisation name must be 1 to 200 characters long.', 'name');
  }
  return trimmed;
}

function checkRetention(days: number | null): number | null {
  if (days !== null && (!Number.isInteger(days) || days < 1 || days > 36_500)) {
    throw badRequest(
      'retentionDays must be a whole number of days from 1 to 36500, or null.',
      'retentionDays',
    );
  }
  return days;
}

/** Creates an organisation. */
export async function createOrg(db: Kysely<Database>, input: { name: string }): Promise<Org> {
  const now = toTimestamp();
  const row = {
    id: newId('org'),
    name: checkName(input.name),
    sso_only: 0,
    retention_days: null,
    scim_token_hash: null,
    created_at: now,
    updated_at: now,
  };
  await db.insertInto('orgs').values(row).execute();
  return toOrg(row);
}

/** The organisation with this id; 404 when there is none. */
export async function getOrg(db: Kysely<Database>, id: string): Promise<Org> {
  const row = await db.selectFrom('orgs').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('No such organisation.');
  return toOrg(row);
}

/** Every organisation, oldest first (for instance-wide jobs such as retention). */
export async function listOrgs(db: Kysely<Database>): Promise<Org[]> {
  const rows = await db
    .selectFrom('orgs')
    .selectAll()
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(toOrg);
}

/** Applies `changes` and returns the organisation. */
export async function updateOrg(
  db: Kysely<Database>,
  id: string,
  changes: OrgChanges,
): Promise<Org> {
  const set: Partial<Selectable<OrgsTable>> = { updated_at: toTimestamp() };
  if (changes.name !== undefined) set.name = checkName(changes.name);
  if (changes.ssoOnly !== undefined) set.sso_only = changes.ssoOnly ? 1 : 0;
  if (changes.retentionDays !== undefined)
    set.retention_days = checkRetention(changes.retentionDays);
  await db.updateTable('orgs').set(set).where('id', '=', id).execute();
  return getOrg(db, id);
}
