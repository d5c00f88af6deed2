// Account management by owners and admins (docs/web-api.md, "Sessions and CSRF"): changing a
// role and deleting an account, on both dialects. The owner stays owner and can't be deleted,
// nobody changes or deletes their own account this way, members are refused, and a deleted
// account's sessions and API keys stop working at once.
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../src/identity/api-keys.js';
import { verifyApiKey } from '../src/identity/verify-api-key.js';
import { openApiTestApp, type ApiTestApp } from './helpers/api-app.js';
import { signIn, type SignedIn } from './helpers/sign-in.js';
import { storeTargets } from './helpers/stores.js';

const targets = await storeTargets('users API');

interface PublicUser {
  id: string;
  email: string;
  role: string;
}

describe.each(targets)('users API on $dialect', (target) => {
  let t: ApiTestApp;
  let owner: SignedIn;
  let admin: SignedIn;
  let member: SignedIn;

  beforeAll(async () => {
    t = await openApiTestApp(target);
    const db = t.runtime.store.db;
    owner = await signIn(db, { role: 'owner', email: 'owner@example.com' });
    admin = await signIn(db, { role: 'admin', email: 'admin@example.com' });
    member = await signIn(db, { role: 'member', email: 'member@example.com' });
  });
  afterAll(async () => {
    await t?.dispose();
  });

  const call = (
    who: SignedIn,
    method: 'GET' | 'PATCH' | 'DELETE' | 'POST',
    url: string,
    payload?: object,
  ) =>
    t.app.inject({ method, url, headers: who.headers, ...(payload !== undefined && { payload }) });
  const error = (response: LightMyRequestResponse, status: number, code: string) => {
    expect(response.statusCode, response.body).toBe(status);
    expect(response.json<{ error: { code: string } }>().error.code).toBe(code);
    return response.json<{ error: { message: string; param: string | null } }>().error;
  };
  const roleOf = async (id: string) => {
    const { users } = (await call(owner, 'GET', '/api/users')).json<{ users: PublicUser[] }>();
    return users.find((user) => user.id === id)?.role;
  };

  it('lets the owner make a member an admin and back, effective on the next request', async () => {
    const promoted = await call(owner, 'PATCH', `/api/users/${member.user.id}`, { role: 'admin' });
    expect(promoted.statusCode, promoted.body).toBe(200);
    expect(promoted.json()).toMatchObject({ id: member.user.id, role: 'admin' });
    // The same session now passes the admin-only route.
    expect((await call(member, 'GET', '/api/users')).statusCode).toBe(200);
    const demoted = await call(owner, 'PATCH', `/api/users/${member.user.id}`, { role: 'member' });
    expect(demoted.json()).toMatchObject({ role: 'member' });
    error(await call(member, 'GET', '/api/users'), 403, 'insufficient_role');
    expect(await roleOf(member.user.id)).toBe('member');
  });

  it('refuses a member who tries to change roles or delete accounts', async () => {
    const other = await signIn(t.runtime.store.db);
    error(
      await call(member, 'PATCH', `/api/users/${other.user.id}`, { role: 'admin' }),
      403,
      'insufficient_role',
    );
    error(
      await call(member, 'PATCH', `/api/users/${member.user.id}`, { role: 'admin' }),
      403,
      'insufficient_role',
    );
    error(await call(member, 'DELETE', `/api/users/${other.user.id}`), 403, 'insufficient_role');
    expect(await roleOf(member.user.id)).toBe('member');
    expect(await roleOf(other.user.id)).toBe('member');
  });

  it('keeps the owner out of reach of admins, and of the owner themself', async () => {
    const demote = error(
      await call(admin, 'PATCH', `/api/users/${owner.user.id}`, { role: 'member' }),
      403,
      'owner_protected',
    );
    expect(demote.message).toMatch(/owner/i);
    error(await call(admin, 'DELETE', `/api/users/${owner.user.id}`), 403, 'owner_protected');
    error(await call(owner, 'DELETE', `/api/users/${owner.user.id}`), 403, 'owner_protected');
    expect(await roleOf(owner.user.id)).toBe('owner');
    expect((await call(owner, 'GET', '/api/users')).statusCode).toBe(200);
  });

  it('names bad input: another owner, an unknown role, an unknown user, one’s own account', async () => {
    const toOwner = error(
      await call(owner, 'PATCH', `/api/users/${member.user.id}`, { role: 'owner' }),
      400,
      'invalid_request',
    );
    expect(toOwner.param).toBe('role');
    error(await call(owner, 'PATCH', `/api/users/${member.user.id}`, {}), 400, 'invalid_request');
    error(
      await call(owner, 'PATCH', '/api/users/user-missing', { role: 'admin' }),
      404,
      'user_not_found',
    );
    error(await call(owner, 'DELETE', '/api/users/user-missing'), 404, 'user_not_found');
    error(
      await call(admin, 'PATCH', `/api/users/${admin.user.id}`, { role: 'member' }),
      403,
      'own_account',
    );
    error(await call(admin, 'DELETE', `/api/users/${admin.user.id}`), 403, 'own_account');
    expect(await roleOf(member.user.id)).toBe('member');
    expect(await roleOf(admin.user.id)).toBe('admin');
  });

  it('needs the CSRF token to change anything', async () => {
    const response = await t.app.inject({
      method: 'DELETE',
      url: `/api/users/${member.user.id}`,
      headers: { cookie: owner.headers.cookie },
    });
    error(response, 403, 'csrf_failed');
    expect(await roleOf(member.user.id)).toBe('member');
  });

  it('deletes an account: its sessions answer 401 and its API keys stop working at once', async () => {
    const db = t.runtime.store.db;
    const leaving = await signIn(db, { email: 'leaving@example.com' });
    const conversation = await call(leaving, 'POST', '/api/conversations', { title: 'Mine' });
    expect(conversation.statusCode).toBe(201);
    const { key } = await createApiKey(db, { name: 'laptop', userId: leaving.user.id });
    // Verified once, so this process has it cached.
    expect((await verifyApiKey(db, key))?.user?.id).toBe(leaving.user.id);
    expect((await call(leaving, 'GET', '/api/conversations')).statusCode).toBe(200);

    const deleted = await call(admin, 'DELETE', `/api/users/${leaving.user.id}`);
    expect(deleted.statusCode, deleted.body).toBe(204);

    error(await call(leaving, 'GET', '/api/conversations'), 401, 'not_signed_in');
    expect(await verifyApiKey(db, key)).toBeUndefined();
    expect(await roleOf(leaving.user.id)).toBeUndefined();
    const left = await db
      .selectFrom('conversations')
      .select('id')
      .where('user_id', '=', leaving.user.id)
      .execute();
    expect(left).toEqual([]);
    error(await call(admin, 'DELETE', `/api/users/${leaving.user.id}`), 404, 'user_not_found');
  });
});
