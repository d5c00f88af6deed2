// An organisation's single sign-on settings (`org_sso`, one identity provider per organisation),
// always read and written through its OrgScope. The client secret is sealed by the server's
// SecretBox, bound to the organisation (`org_sso:<org id>`), so a sealed secret copied to another
// organisation's row does not open; it never leaves this module except to talk to the provider.
import type { Kysely, Selectable } from 'kysely';
import { z } from 'zod';
import type { SecretBox } from '../../lib/secret-box.js';
import { toTimestamp, type Database, type OrgSsoTable } from '../../store/database.js';
import type { OrgScope } from '../org-scope.js';
import type { GroupMapping } from './group-mappings.js';

/** The settings as admins see them: whether a secret is set, never the secret. */
export interface SsoSettings {
  issuer: string;
  clientId: string;
  hasClientSecret: boolean;
  groupsClaim: string;
  groupMappings: GroupMapping[];
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
}

/** The settings with the opened secret, for talking to the provider only: never serialise. */
export interface SsoClientSettings extends SsoSettings {
  orgId: string;
  clientSecret: string | undefined;
}

const mapping = z
  .object({
    group: z.string().trim().min(1).max(500),
    team: z.string().trim().min(1).max(200).optional(),
    role: z.enum(['admin', 'member']).optional(),
  })
  .strict()
  .refine((value) => value.team !== undefined || value.role !== undefined, {
    message: 'each mapping needs a team, a role or both',
  });

/** The body of `PUT /api/admin/sso` (docs/sso.md). */
export const ssoSettingsInput = z
  .object({
    issuer: z.string().trim().min(1).max(2000),
    clientId: z.string().trim().min(1).max(500),
    // Absent keeps the stored secret; null removes it (a public client, PKCE only).
    clientSecret: z.string().min(1).max(2000).nullable().optional(),
    groupsClaim: z.string().trim().min(1).max(200).default('groups'),
    groupMappings: z.array(mapping).max(500).default([]),
    enabled: z.boolean().default(true),
  })
  .strict();

/** A validated `PUT /api/admin/sso` body. */
export type SsoSettingsInput = z.infer<typeof ssoSettingsInput>;

/** The SecretBox context a secret is sealed under: the organisation's. */
const secretContext = (orgId: string) => `org_sso:${orgId}`;

function toSettings(row: Selectable<OrgSsoTable>): SsoSettings {
  return {
    issuer: row.issuer,
    clientId: row.client_id,
    hasClientSecret: row.client_secret_ciphertext !== null,
    groupsClaim: row.groups_claim,
    groupMappings: JSON.parse(row.group_mappings) as GroupMapping[],
    enabled: row.enabled === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function findRow(scope: OrgScope) {
  return scope.selectFrom('org_sso').selectAll().executeTakeFirst();
}

/** The organisation's settings, or undefined when single sign-on is not set up. */
export async function getSsoSettings(scope: OrgScope): Promise<SsoSettings | undefined> {
  const row = await findRow(scope);
  return row && toSettings(row);
}

/** The settings with the secret opened, or undefined when not set up. */
export async function getSsoClientSettings(
  scope: OrgScope,
  box: SecretBox,
): Promise<SsoClientSettings | undefined> {
  const row = await findRow(scope);
  if (!row) return undefined;
  const sealed = row.client_secret_ciphertext;
  const clientSecret = sealed ? await box.open(sealed, secretContext(scope.orgId)) : undefined;
  return { ...toSettings(row), orgId: scope.orgId, clientSecret };
}

/**
 * What `input` would make the settings, the secret resolved (kept, replaced or removed), before
 * anything is stored: the route discovers the provider with this first.
 */
export async function resolveSsoInput(
  scope: OrgScope,
  box: SecretBox,
  input: SsoSettingsInput,
): Promise<SsoClientSettings> {
  const current = await getSsoClientSettings(scope, box);
  const clientSecret =
    input.clientSecret === undefined ? current?.clientSecret : (input.clientSecret ?? undefined);
  const now = toTimestamp();
  return {
    orgId: scope.orgId,
    issuer: input.issuer,
    clientId: input.clientId,
    clientSecret,
    hasClientSecret: clientSecret !== undefined,
    groupsClaim: input.groupsClaim,
    groupMappings: input.groupMappings,
    enabled: input.enabled,
    createdAt: current?.createdAt ?? now,
    updatedAt: now,
  };
}

/** Stores `settings` (from `resolveSsoInput`), creating or replacing the organisation's row. */
export async function saveSsoSettings(
  scope: OrgScope,
  box: SecretBox,
  settings: SsoClientSettings,
): Promise<SsoSettings> {
  const ciphertext =
    settings.clientSecret === undefined
      ? null
      : await box.seal(settings.clientSecret, secretContext(scope.orgId));
  const values = {
    issuer: settings.issuer,
    client_id: settings.clientId,
    client_secret_ciphertext: ciphertext,
    groups_claim: settings.groupsClaim,
    group_mappings: JSON.stringify(settings.groupMappings),
    enabled: settings.enabled ? 1 : 0,
    updated_at: settings.updatedAt,
  };
  await scope
    .insertInto('org_sso', [{ ...values, created_at: settings.createdAt }])
    .onConflict((conflict) => conflict.column('org_id').doUpdateSet(values))
    .execute();
  const { clientSecret: _secret, orgId: _orgId, ...visible } = settings;
  return visible;
}

/** Removes the organisation's settings; false when there were none. */
export async function deleteSsoSettings(scope: OrgScope): Promise<boolean> {
  const result = await scope.deleteFrom('org_sso').executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** An organisation members can pick on the sign-in page. */
export interface SsoProvider {
  orgId: string;
  name: string;
}

/** Every organisation with single sign-on enabled, by name. */
export async function listSsoProviders(db: Kysely<Database>): Promise<SsoProvider[]> {
  // The public sign-in page lists every organisation that offers single sign-on (ids and names).
  // eslint-disable-next-line salon/org-scoped-tables -- spans organisations on purpose, see above
  const rows = await db
    .selectFrom('org_sso')
    .innerJoin('orgs', 'orgs.id', 'org_sso.org_id')
    .select(['orgs.id as orgId', 'orgs.name as name'])
    .where('org_sso.enabled', '=', 1)
    .orderBy('orgs.name')
    .orderBy('orgs.id')
    .execute();
  return rows;
}
