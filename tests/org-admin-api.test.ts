// Organisations, teams and invitations through the admin API, on both dialects: admins manage
// their own organisation only (another organisation's ids are 404), a team's manager changes its
// members but nothing else, and an invitation link is single-use, expiring and revocable.
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrg } from '../src/identity/orgs.js';
import { openApiTestApp, type ApiTestApp } from './helpers/api-app.js';
import { signIn, type SignedIn } from './helpers/sign-in.js';
import { storeTargets } from './helpers/stores.js';

const targets = await storeTargets('organisation admin API');

describe.each(targets)('organisation admin API on $dialect', (target) => {
  let t: ApiTestApp;
  let owner: SignedIn;
  let admin: SignedIn;
  let member: SignedIn;
  let manager: SignedIn;
  let otherAdmin: SignedIn;

  beforeAll(async () => {
    t = await openApiTestApp(target);
    const db = t.runtime.store.db;
    owner = await signIn(db, { role: 'owner', email: 'owner@example.com' });
    admin = await signIn(db, { role: 'admin', email: 'admin@example.com' });
    member = await signIn(db, { role: 'member', email: 'member@example.com' });
    manager = await signIn(db, { role: 'member', email: 'manager@example.com' });
    const other = await createOrg(db, { name: 'Other Co' });
    otherAdmin = await signIn(db, { role: 'admin', email: 'boss@other.example', orgId: other.id });
  });
  afterAll(async () => {
    await t?.dispose();
  });

  const call = (who: SignedIn | null, method: string, url: string, payload?: object) =>
    t.app.inject({
      method: method as 'GET',
      url,
      headers: { ...who?.headers, origin: 'http://localhost' },
      ...(payload !== undefined && { payload }),
    });
  const ok = <T>(response: LightMyRequestResponse, status = 200): T => {
    expect(response.statusCode, response.body).toBe(status);
    return (response.body ? response.json() : undefined) as T;
  };
  const error = (response: LightMyRequestResponse, status: number, code?: string) => {
    expect(response.statusCode, response.body).toBe(status);
    if (code) expect(response.json<{ error: { code: string } }>().error.code).toBe(code);
  };

  it('lets an admin rename the organisation and set its retention; refuses bad values', async () => {
    const org = ok<{ name: string; retentionDays: number | null }>(
      await call(admin, 'PATCH', '/api/admin/org', { name: 'Acme', retentionDays: 30 }),
    );
    expect(org).toMatchObject({ name: 'Acme', retentionDays: 30 });
    error(await call(admin, 'PATCH', '/api/admin/org', { retentionDays: 0 }), 400);
    error(await call(admin, 'PATCH', '/api/admin/org', { colour: 'red' }), 400);
    error(await call(member, 'GET', '/api/admin/org'), 403, 'insufficient_role');
    error(await call(null, 'GET', '/api/admin/org'), 401);
    // The other organisation's admin sees their own organisation, not this one.
    const theirs = ok<{ name: string }>(await call(otherAdmin, 'GET', '/api/admin/org'));
    expect(theirs.name).toBe('Other Co');
  });

  it('manages teams and members; a manager changes members, not managers or the team', async () => {
    const team = ok<{ id: string }>(
      await call(admin, 'POST', '/api/admin/teams', { name: 'Research' }),
      201,
    );
    error(await call(admin, 'POST', '/api/admin/teams', { name: 'Research' }), 409);
    ok(
      await call(admin, 'PUT', `/api/admin/teams/${team.id}/members/${manager.user.id}`, {
        role: 'manager',
      }),
    );

    // The manager adds a member, but cannot make managers, rename or delete the team.
    const members = ok<{ data: { userId: string; role: string }[] }>(
      await call(manager, 'PUT', `/api/admin/teams/${team.id}/members/${member.user.id}`, {}),
    );
    expect(members.data.map((m) => [m.userId, m.role])).toEqual([
      [manager.user.id, 'manager'],
      [member.user.id, 'member'],
    ]);
    error(
      await call(manager, 'PUT', `/api/admin/teams/${team.id}/members/${member.user.id}`, {
        role: 'manager',
      }),
      403,
    );
    error(await call(manager, 'PATCH', `/api/admin/teams/${team.id}`, { name: 'Mine' }), 403);
    error(
      await call(member, 'DELETE', `/api/admin/teams/${team.id}/members/${manager.user.id}`),
      403,
    );

    // Another organisation's admin: the team and the users do not exist for them.
    error(await call(otherAdmin, 'GET', `/api/admin/teams/${team.id}/members`), 404);
    error(await call(otherAdmin, 'DELETE', `/api/admin/teams/${team.id}`), 404);
    const theirTeam = ok<{ id: string }>(
      await call(otherAdmin, 'POST', '/api/admin/teams', { name: 'Research' }),
      201,
    );
    error(
      await call(
        otherAdmin,
        'PUT',
        `/api/admin/teams/${theirTeam.id}/members/${member.user.id}`,
        {},
      ),
      404,
      'user_not_found',
    );
    const theirList = ok<{ data: { id: string }[] }>(
      await call(otherAdmin, 'GET', '/api/admin/teams'),
    );
    expect(theirList.data.map((t) => t.id)).toEqual([theirTeam.id]);

    ok(await call(manager, 'DELETE', `/api/admin/teams/${team.id}/members/${member.user.id}`), 204);
    const list = ok<{ data: { name: string; memberCount: number }[] }>(
      await call(owner, 'GET', '/api/admin/teams'),
    );
    expect(list.data).toEqual([expect.objectContaining({ name: 'Research', memberCount: 1 })]);
  });

  it('invites by a single-use link that signs the new account in, in the right team', async () => {
    const team = ok<{ id: string }>(
      await call(admin, 'POST', '/api/admin/teams', { name: 'Sales' }),
      201,
    );
    const made = ok<{ token: string; path: string; invitation: { id: string } }>(
      await call(admin, 'POST', '/api/admin/invitations', {
        email: 'new@example.com',
        teamId: team.id,
      }),
      201,
    );
    expect(made.path).toBe(`/invite/${made.token}`);
    const preview = ok<{ orgName: string; status: string }>(
      await call(null, 'GET', `/api/invitations/${made.token}`),
    );
    expect(preview).toMatchObject({ orgName: 'Acme', status: 'pending' });

    const accept = (email: string) =>
      call(null, 'POST', `/api/invitations/${made.token}/accept`, {
        email,
        password: 'a long password',
      });
    error(await accept('someone.else@example.com'), 400, 'email_mismatch');
    const accepted = await accept('new@example.com');
    const body = ok<{ user: { id: string; role: string } }>(accepted, 201);
    expect(body.user.role).toBe('member');
    expect(accepted.headers['set-cookie']).toMatch(/salon_session=/);
    error(await accept('new@example.com'), 410, 'invitation_accepted');

    const members = ok<{ data: { email: string }[] }>(
      await call(admin, 'GET', `/api/admin/teams/${team.id}/members`),
    );
    expect(members.data.map((m) => m.email)).toEqual(['new@example.com']);
    // The new account belongs to this organisation.
    const users = ok<{ users: { email: string }[] }>(await call(admin, 'GET', '/api/users'));
    expect(users.users.map((u) => u.email)).toContain('new@example.com');
    const theirUsers = ok<{ users: { email: string }[] }>(
      await call(otherAdmin, 'GET', '/api/users'),
    );
    expect(theirUsers.users.map((u) => u.email)).toEqual(['boss@other.example']);
  });

  it('refuses revoked, expired and unknown links; another organisation cannot revoke', async () => {
    const made = ok<{ token: string; invitation: { id: string } }>(
      await call(admin, 'POST', '/api/admin/invitations', { ttlHours: 1 }),
      201,
    );
    error(await call(otherAdmin, 'DELETE', `/api/admin/invitations/${made.invitation.id}`), 404);
    ok(await call(admin, 'DELETE', `/api/admin/invitations/${made.invitation.id}`));
    const body = { email: 'late@example.com', password: 'a long password' };
    error(
      await call(null, 'POST', `/api/invitations/${made.token}/accept`, body),
      410,
      'invitation_revoked',
    );

    const short = ok<{ token: string }>(
      await call(admin, 'POST', '/api/admin/invitations', { ttlHours: 0.0003 }), // about a second
      201,
    );
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    error(
      await call(null, 'POST', `/api/invitations/${short.token}/accept`, body),
      410,
      'invitation_expired',
    );
    error(await call(null, 'GET', '/api/invitations/inv-nothinghere'), 404);
    error(await call(member, 'POST', '/api/admin/invitations', {}), 403);
  });

  it('refuses a password account by invitation in an organisation that is SSO only', async () => {
    const made = ok<{ token: string }>(
      await call(admin, 'POST', '/api/admin/invitations', {}),
      201,
    );
    ok(await call(admin, 'PATCH', '/api/admin/org', { ssoOnly: true }));
    const body = { email: 'sso.person@example.com', password: 'a long password' };
    error(
      await call(null, 'POST', `/api/invitations/${made.token}/accept`, body),
      403,
      'sso_required',
    );
    ok(await call(admin, 'PATCH', '/api/admin/org', { ssoOnly: false }));
    ok(await call(null, 'POST', `/api/invitations/${made.token}/accept`, body), 201);
  });

  it('lets only instance admins list and create organisations', async () => {
    error(await call(otherAdmin, 'GET', '/api/admin/orgs'), 403, 'insufficient_role');
    const created = ok<{ org: { id: string }; owner: { role: string } }>(
      await call(owner, 'POST', '/api/admin/orgs', {
        name: 'Third',
        ownerEmail: 'third@example.com',
      }),
      201,
    );
    expect(created.owner.role).toBe('owner');
    const orgs = ok<{ data: { name: string }[] }>(await call(admin, 'GET', '/api/admin/orgs'));
    expect(orgs.data.map((o) => o.name)).toEqual(
      expect.arrayContaining(['Acme', 'Other Co', 'Third']),
    );
  });
});
