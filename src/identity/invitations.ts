// Invitations by link: an admin makes a link (shown once; only its SHA-256 is stored) that lets
// one person join the organisation with a role, and optionally a team, before it expires. Taking
// it is single-use even when two people race: the row is claimed by a conditional update inside
// the transaction that creates the account.
import { hash } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import { badRequest, forbidden, notFound, SalonError } from '../lib/errors.js';
import { newId, randomToken } from '../lib/ids.js';
import { toTimestamp, type Database, type InvitationsTable } from '../store/database.js';
import { OrgScope } from './org-scope.js';
import { getTeam } from './teams.js';
import { createUser, normalizeEmail, type User } from './users.js';

const tokenPrefix = 'inv-';
const tokenShape = /^inv-[0-9A-Za-z]{32}$/;
const defaultTtlHours = 7 * 24;
const maxTtlHours = 90 * 24;

/** Where an invitation stands. */
export type InvitationStatus = 'pending' | 'accepted' | 'expired' | 'revoked';

/** An invitation as the admin console lists it; never carries the token. */
export interface Invitation {
  id: string;
  email: string | null;
  role: 'admin' | 'member';
  teamId: string | null;
  createdBy: string | null;
  createdAt: string;
  expiresAt: string;
  acceptedAt: string | null;
  acceptedBy: string | null;
  revokedAt: string | null;
  status: InvitationStatus;
}

/** What the invitation page shows before someone accepts. */
export interface InvitationPreview {
  orgName: string;
  email: string | null;
  role: 'admin' | 'member';
  status: InvitationStatus;
  expiresAt: string;
}

/** What `createInvitation` needs. */
export interface NewInvitation {
  email?: string | null;
  role: 'admin' | 'member';
  teamId?: string | null;
  createdBy: string | null;
  /** Hours until the link stops working (default 7 days, at most 90). */
  ttlHours?: number;
}

const hashToken = (token: string) => hash('sha256', token);

function statusOf(row: Selectable<InvitationsTable>, now = Date.now()): InvitationStatus {
  if (row.revoked_at) return 'revoked';
  if (row.accepted_at) return 'accepted';
  return Date.parse(row.expires_at) <= now ? 'expired' : 'pending';
}

function toInvitation(row: Selectable<InvitationsTable>): Invitation {
  return {
    id: row.id,
    email: row.email,
    role: row.role,
    teamId: row.team_id,
    createdBy: row.created_by,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    acceptedAt: row.accepted_at,
    acceptedBy: row.accepted_by,
    revokedAt: row.revoked_at,
    status: statusOf(row),
  };
}

/** Makes an invitation; the token is returned this once. */
export async function createInvitation(
  scope: OrgScope,
  input: NewInvitation,
): Promise<{ token: string; invitation: Invitation }> {
  const ttlHours = input.ttlHours ?? defaultTtlHours;
  if (!Number.isFinite(ttlHours) || ttlHours <= 0 || ttlHours > maxTtlHours) {
    throw badRequest(`ttlHours must be more than 0 and at most ${maxTtlHours}.`, 'ttlHours');
  }
  if (input.teamId) await getTeam(scope, input.teamId);
  const token = tokenPrefix + randomToken(32);
  const now = new Date();
  const row = {
    id: newId('inv'),
    token_hash: hashToken(token),
    email: input.email ? normalizeEmail(input.email) : null,
    role: input.role,
    team_id: input.teamId ?? null,
    created_by: input.createdBy,
    created_at: toTimestamp(now),
    expires_at: toTimestamp(new Date(now.getTime() + ttlHours * 3_600_000)),
    accepted_at: null,
    accepted_by: null,
    revoked_at: null,
  };
  await scope.insertInto('invitations', [row]).execute();
  return { token, invitation: toInvitation({ ...row, org_id: scope.orgId }) };
}

/** The organisation's invitations, newest first. */
export async function listInvitations(scope: OrgScope): Promise<Invitation[]> {
  const rows = await scope
    .selectFrom('invitations')
    .selectAll()
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .execute();
  return rows.map(toInvitation);
}

/** Revokes a pending invitation; 404 when the organisation has none with this id. */
export async function revokeInvitation(scope: OrgScope, id: string): Promise<Invitation> {
  await scope
    .updateTable('invitations')
    .set({ revoked_at: toTimestamp() })
    .where('id', '=', id)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .execute();
  const row = await scope
    .selectFrom('invitations')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw notFound(`No invitation with id '${id}'.`, 'invitation_not_found');
  return toInvitation(row);
}

// The token is the capability: it alone finds its invitation, whichever organisation made it.
async function findByToken(db: Kysely<Database>, token: string) {
  if (!tokenShape.test(token)) return undefined;
  // eslint-disable-next-line salon/org-scoped-tables -- the token itself names the organisation
  return db
    .selectFrom('invitations')
    .innerJoin('orgs', 'orgs.id', 'invitations.org_id')
    .selectAll('invitations')
    .select(['orgs.name as org_name', 'orgs.sso_only'])
    .where('invitations.token_hash', '=', hashToken(token))
    .executeTakeFirst();
}

/** What the link leads to; 404 for an unknown token. */
export async function previewInvitation(
  db: Kysely<Database>,
  token: string,
): Promise<InvitationPreview> {
  const row = await findByToken(db, token);
  if (!row) throw notFound('This invitation link is not valid.', 'invitation_not_found');
  return {
    orgName: row.org_name,
    email: row.email,
    role: row.role,
    status: statusOf(row),
    expiresAt: row.expires_at,
  };
}

const unusableMessages: Record<Exclude<InvitationStatus, 'pending'>, string> = {
  accepted: 'This invitation has already been used.',
  expired: 'This invitation has expired: ask for a new one.',
  revoked: 'This invitation was revoked.',
};

/** 410 Gone: the link existed but can no longer be used. */
const unusable = (status: Exclude<InvitationStatus, 'pending'>) =>
  new SalonError(`invitation_${status}`, unusableMessages[status], {
    status: 410,
    type: 'invalid_request_error',
  });

/** Takes an invitation: creates the account in its organisation (and team); single use. */
export async function acceptInvitation(
  db: Kysely<Database>,
  token: string,
  input: { email: string; password: string; displayName?: string },
): Promise<User> {
  const found = await findByToken(db, token);
  if (!found) throw notFound('This invitation link is not valid.', 'invitation_not_found');
  const status = statusOf(found);
  if (status !== 'pending') throw unusable(status);
  // Such an organisation's members exist only through its identity provider, which creates
  // their accounts at their first single sign-on.
  if (found.sso_only === 1) {
    throw forbidden(
      'This organisation signs in only through single sign-on: use "Sign in with single sign-on".',
      'sso_required',
    );
  }
  const email = normalizeEmail(input.email);
  if (found.email && found.email !== email) {
    throw badRequest('This invitation is for another email address.', 'email', 'email_mismatch');
  }
  return db.transaction().execute(async (trx) => {
    const scope = new OrgScope(trx, found.org_id);
    const user = await createUser(trx, {
      email,
      password: input.password,
      role: found.role,
      displayName: input.displayName,
      orgId: found.org_id,
    });
    const now = toTimestamp();
    const claimed = await scope
      .updateTable('invitations')
      .set({ accepted_at: now, accepted_by: user.id })
      .where('id', '=', found.id)
      .where('accepted_at', 'is', null)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    // Someone else took it (or it was revoked) since we looked: undo the account.
    if (Number(claimed.numUpdatedRows) !== 1) throw unusable('accepted');
    if (found.team_id) await scope.upsertTeamMember(found.team_id, user.id, 'member');
    return user;
  });
}
