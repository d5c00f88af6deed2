/* eslint-disable @typescript-eslint/no-explicit-any -- frozen: must not depend on today's types */
// Organisations. Every user belongs to one organisation (existing accounts join `org_default`,
// created here); teams live inside an organisation, with per-team managers. Around them: invitations
// by link, which teams may use which models, quotas per organisation/team/user, single sign-on
// settings, a SCIM token, the hash-chained audit log, and the retention policy. Conversations gain
// `temporary` (kept only until the retention job next runs after they go idle).
import { sql, type Kysely } from 'kysely';

/** The organisation existing accounts join, and the one new accounts join unless told otherwise. */
export const defaultOrgId = 'org_default';

/** Adds organisations, teams and the enterprise tables around them. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('orgs')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('name', 'text', (column) => column.notNull())
    // 1: members sign in only through the organisation's identity provider (owners keep passwords).
    .addColumn('sso_only', 'integer', (column) => column.notNull().defaultTo(0))
    // Conversations idle for longer are deleted by the retention job; null keeps them.
    .addColumn('retention_days', 'integer')
    // SHA-256 of the organisation's SCIM bearer token; null while SCIM is off.
    .addColumn('scim_token_hash', 'text', (column) => column.unique())
    .addColumn('created_at', 'text', (column) => column.notNull())
    .addColumn('updated_at', 'text', (column) => column.notNull())
    .execute();
  const now = new Date().toISOString();
  await db
    .insertInto('orgs')
    .values({ id: defaultOrgId, name: 'Salon', sso_only: 0, created_at: now, updated_at: now })
    .execute();

  // SQLite cannot add a column with both a REFERENCES clause and a non-null default; the identity
  // layer is what writes it, always with an existing organisation.
  await db.schema
    .alterTable('users')
    .addColumn('org_id', 'text', (column) => column.notNull().defaultTo(defaultOrgId))
    .execute();
  // SCIM's externalId and "active" flag for provisioned accounts.
  await db.schema.alterTable('users').addColumn('external_id', 'text').execute();
  await db.schema.createIndex('users_org').on('users').columns(['org_id', 'created_at']).execute();

  await db.schema.alterTable('api_keys').addColumn('org_id', 'text').execute();
  await sql`update api_keys set org_id = (select org_id from users where users.id = api_keys.user_id)`.execute(
    db,
  );

  await db.schema
    .alterTable('conversations')
    .addColumn('temporary', 'integer', (column) => column.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createIndex('conversations_activity')
    .on('conversations')
    .column('last_activity_at')
    .execute();

  await db.schema
    .createTable('teams')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('org_id', 'text', (column) =>
      column.notNull().references('orgs.id').onDelete('cascade'),
    )
    .addColumn('name', 'text', (column) => column.notNull())
    // The identity provider's id for the group this team mirrors (SCIM externalId).
    .addColumn('external_id', 'text')
    .addColumn('created_at', 'text', (column) => column.notNull())
    .addColumn('updated_at', 'text', (column) => column.notNull())
    .addUniqueConstraint('teams_org_name', ['org_id', 'name'])
    .execute();

  await db.schema
    .createTable('team_members')
    .addColumn('team_id', 'text', (column) =>
      column.notNull().references('teams.id').onDelete('cascade'),
    )
    .addColumn('user_id', 'text', (column) =>
      column.notNull().references('users.id').onDelete('cascade'),
    )
    .addColumn('role', 'text', (column) =>
      column.notNull().check(sql`role in ('manager', 'member')`),
    )
    .addColumn('created_at', 'text', (column) => column.notNull())
    .addPrimaryKeyConstraint('team_members_pk', ['team_id', 'user_id'])
    .execute();
  await db.schema.createIndex('team_members_user').on('team_members').column('user_id').execute();

  await db.schema
    .createTable('invitations')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('org_id', 'text', (column) =>
      column.notNull().references('orgs.id').onDelete('cascade'),
    )
    // SHA-256 of the link's secret token: the link itself is shown once, at creation.
    .addColumn('token_hash', 'text', (column) => column.notNull().unique())
    // When set, only this address may accept.
    .addColumn('email', 'text')
    .addColumn('role', 'text', (column) => column.notNull().check(sql`role in ('admin', 'member')`))
    .addColumn('team_id', 'text', (column) => column.references('teams.id').onDelete('set null'))
    .addColumn('created_by', 'text', (column) => column.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (column) => column.notNull())
    .addColumn('expires_at', 'text', (column) => column.notNull())
    .addColumn('accepted_at', 'text')
    .addColumn('accepted_by', 'text', (column) =>
      column.references('users.id').onDelete('set null'),
    )
    .addColumn('revoked_at', 'text')
    .execute();
  await db.schema
    .createIndex('invitations_org')
    .on('invitations')
    .columns(['org_id', 'created_at'])
    .execute();

  // A model with rows here is open only to those teams (and the organisation's owners and
  // admins); a model without rows is open to everyone in the organisation.
  await db.schema
    .createTable('model_access')
    .addColumn('org_id', 'text', (column) =>
      column.notNull().references('orgs.id').onDelete('cascade'),
    )
    .addColumn('model', 'text', (column) => column.notNull())
    .addColumn('team_id', 'text', (column) =>
      column.notNull().references('teams.id').onDelete('cascade'),
    )
    .addColumn('created_at', 'text', (column) => column.notNull())
    .addPrimaryKeyConstraint('model_access_pk', ['org_id', 'model', 'team_id'])
    .execute();

  // Quotas on chat and /v1 alike: one row per organisation, team or user that has one.
  await db.schema
    .createTable('quotas')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('org_id', 'text', (column) =>
      column.notNull().references('orgs.id').onDelete('cascade'),
    )
    .addColumn('scope', 'text', (column) =>
      column.notNull().check(sql`scope in ('org', 'team', 'user')`),
    )
    // The organisation's, team's or user's id.
    .addColumn('subject_id', 'text', (column) => column.notNull())
    .addColumn('rpm', 'integer')
    .addColumn('tpm', 'integer')
    .addColumn('budget_tokens', 'integer')
    .addColumn('budget_usd', 'real')
    .addColumn('budget_period', 'text', (column) =>
      column.check(sql`budget_period in ('day', 'month')`),
    )
    .addColumn('created_at', 'text', (column) => column.notNull())
    .addColumn('updated_at', 'text', (column) => column.notNull())
    .addUniqueConstraint('quotas_subject', ['org_id', 'scope', 'subject_id'])
    .execute();

  // OpenID Connect settings, one identity provider per organisation.
  await db.schema
    .createTable('org_sso')
    .addColumn('org_id', 'text', (column) =>
      column.primaryKey().references('orgs.id').onDelete('cascade'),
    )
    .addColumn('issuer', 'text', (column) => column.notNull())
    .addColumn('client_id', 'text', (column) => column.notNull())
    // Sealed by lib/secret-box, bound to the organisation's id.
    .addColumn('client_secret_ciphertext', 'text')
    // The claim listing the user's groups, e.g. `groups`.
    .addColumn('groups_claim', 'text', (column) => column.notNull().defaultTo('groups'))
    // JSON: [{ group, team?, role? }], applied at every SSO sign-in.
    .addColumn('group_mappings', 'text', (column) => column.notNull().defaultTo('[]'))
    .addColumn('enabled', 'integer', (column) => column.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (column) => column.notNull())
    .addColumn('updated_at', 'text', (column) => column.notNull())
    .execute();

  // The audit log: append-only, each row hashing its predecessor's hash and its own fields, so an
  // edited or deleted row breaks the chain. `seq` is assigned by the writer (last + 1 under the
  // primary key, retried on a clash), not by a database sequence.
  await db.schema
    .createTable('audit_events')
    .addColumn('seq', 'integer', (column) => column.primaryKey())
    .addColumn('id', 'text', (column) => column.notNull().unique())
    .addColumn('created_at', 'text', (column) => column.notNull())
    // Null for instance-wide actions (e.g. a config reload by the instance key).
    .addColumn('org_id', 'text')
    .addColumn('actor_id', 'text')
    // What the actor was called at the time (email, `instance`, `scim`, `system`).
    .addColumn('actor_label', 'text')
    .addColumn('action', 'text', (column) => column.notNull())
    .addColumn('target_type', 'text')
    .addColumn('target_id', 'text')
    .addColumn('ip', 'text')
    // JSON object with the action's particulars; never message content or secrets.
    .addColumn('details', 'text', (column) => column.notNull().defaultTo('{}'))
    .addColumn('prev_hash', 'text', (column) => column.notNull())
    .addColumn('hash', 'text', (column) => column.notNull())
    .execute();
  await db.schema
    .createIndex('audit_events_org')
    .on('audit_events')
    .columns(['org_id', 'seq'])
    .execute();

  // Usage analytics read one organisation's ledger by time.
  await db.schema
    .createIndex('usage_events_org_created')
    .on('usage_events')
    .columns(['org_id', 'created_at'])
    .execute();
}

/** Removes what `up` added. */
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('usage_events_org_created').execute();
  for (const table of [
    'audit_events',
    'org_sso',
    'quotas',
    'model_access',
    'invitations',
    'team_members',
    'teams',
  ]) {
    await db.schema.dropTable(table).execute();
  }
  await db.schema.dropIndex('conversations_activity').execute();
  await db.schema.alterTable('conversations').dropColumn('temporary').execute();
  await db.schema.alterTable('api_keys').dropColumn('org_id').execute();
  await db.schema.dropIndex('users_org').execute();
  await db.schema.alterTable('users').dropColumn('external_id').execute();
  await db.schema.alterTable('users').dropColumn('org_id').execute();
  await db.schema.dropTable('orgs').execute();
}
