// The web UI's sign-in API (docs/web-api.md, "Sessions and CSRF") on both dialects: setup,
// login, throttling, CSRF, sign-out, roles, sign-up, and what is stored.
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../src/store/create-database.js';
import { openApiTestApp, type ApiTestApp } from './helpers/api-app.js';
import { signIn } from './helpers/sign-in.js';
import { storeTargets } from './helpers/stores.js';

const targets = await storeTargets('web sign-in API');
const owner = { email: 'owner@example.com', password: 'owner password' };

function sessionCookie(response: LightMyRequestResponse) {
  return response.cookies.find((cookie) => cookie.name === 'salon_session');
}

/** Cookie and CSRF headers from a sign-in response, as the web UI would send them next. */
function browser(response: LightMyRequestResponse) {
  const body = response.json<{ csrfToken: string }>();
  return {
    cookie: `salon_session=${sessionCookie(response)!.value}`,
    'x-csrf-token': body.csrfToken,
  };
}

describe.each(targets)('web sign-in API on $dialect', (target) => {
  let testApp: ApiTestApp;
  let app: FastifyInstance;
  let store: Store;
  let ownerHeaders: Record<string, string>;

  beforeAll(async () => {
    testApp = await openApiTestApp(target);
    ({ app } = testApp);
    store = testApp.runtime.store;
  });
  afterAll(async () => {
    await testApp?.dispose();
  });

  const login = (email: string, password: string, remoteAddress = '127.0.0.1') =>
    app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email, password },
      remoteAddress,
    });
  const countUsers = async () => (await store.db.selectFrom('users').select('id').execute()).length;

  it('asks for setup on a new instance', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/auth/state' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ setupRequired: true, signupEnabled: false, user: null });
  });

  it('refuses a setup posted from another site', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/auth/setup',
      headers: { origin: 'https://evil.example' },
      payload: owner,
    });
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe('csrf_failed');
    expect(await countUsers()).toBe(0);
  });

  it('creates the owner once when two setups race; the other gets 409', async () => {
    const setup = (email: string) =>
      app.inject({
        method: 'POST',
        url: '/api/auth/setup',
        headers: { origin: 'http://localhost' },
        payload: { ...owner, email, displayName: 'Owner' },
      });
    const responses = await Promise.all([setup(owner.email), setup('rival@example.com')]);
    const statuses = responses.map((response) => response.statusCode).sort();
    expect(statuses).toEqual([200, 409]);
    const won = responses.find((response) => response.statusCode === 200)!;
    expect(won.json().user).toMatchObject({ role: 'owner', displayName: 'Owner' });
    const lost = responses.find((response) => response.statusCode === 409)!;
    expect(lost.json().error.code).toBe('setup_done');
    const owners = await store.db.selectFrom('users').selectAll().execute();
    expect(owners).toHaveLength(1);
    owner.email = owners[0]!.email; // whichever won
    const state = await app.inject({ method: 'GET', url: '/api/auth/state' });
    expect(state.json().setupRequired).toBe(false);
  });

  it('signs in with a session cookie that is httpOnly, SameSite=Lax, Path=/', async () => {
    const response = await login(owner.email, owner.password);
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.user).toEqual({
      id: expect.any(String),
      email: owner.email,
      displayName: 'Owner',
      role: 'owner',
      orgId: 'org_default',
      createdAt: expect.any(String),
    });
    expect(body.csrfToken).toMatch(/^[\w-]{43}$/);
    const cookie = sessionCookie(response);
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(cookie?.secure).toBeFalsy(); // plain http here
    expect(cookie?.maxAge).toBe(30 * 24 * 3600);
    ownerHeaders = browser(response);

    const state = await app.inject({
      method: 'GET',
      url: '/api/auth/state',
      headers: { cookie: ownerHeaders.cookie },
    });
    expect(state.json()).toMatchObject({
      user: { email: owner.email },
      csrfToken: ownerHeaders['x-csrf-token'],
    });
  });

  it('marks the cookie Secure behind an https proxy', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'x-forwarded-proto': 'https' },
      payload: owner,
    });
    expect(sessionCookie(response)?.secure).toBe(true);
  });

  it('refuses a login posted from another site, or from an opaque origin', async () => {
    for (const origin of ['https://evil.example', 'null', 'http://localhost.evil.example']) {
      const response = await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        headers: { origin },
        payload: owner,
      });
      expect(response.statusCode).toBe(403);
      expect(sessionCookie(response)).toBeUndefined();
    }
    const proxied = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { origin: 'https://salon.example', 'x-forwarded-host': 'salon.example' },
      payload: owner,
    });
    expect(proxied.statusCode).toBe(200);
  });

  it('answers 401 to a wrong password and an unknown email alike', async () => {
    for (const response of [
      await login(owner.email, 'wrong password'),
      await login('nobody@example.com', owner.password),
    ]) {
      expect(response.statusCode).toBe(401);
      expect(response.json().error.code).toBe('invalid_credentials');
      expect(sessionCookie(response)).toBeUndefined();
    }
  });

  it('answers the 6th failure in 15 minutes with 429 and Retry-After', async () => {
    const address = '10.9.9.9';
    for (let i = 0; i < 5; i++) {
      expect((await login(owner.email, 'wrong password', address)).statusCode).toBe(401);
    }
    const refused = await login(owner.email, 'wrong password', address);
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(14 * 60);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(15 * 60);
    // Locked out even with the right password; another address is not.
    expect((await login(owner.email, owner.password, address)).statusCode).toBe(429);
    expect((await login(owner.email, owner.password, '10.9.9.10')).statusCode).toBe(200);
  });

  it('refuses state-changing requests without the CSRF token, changing nothing', async () => {
    const before = await countUsers();
    const payload = { email: 'mallory@example.com', password: 'long enough', role: 'admin' };
    for (const csrf of [undefined, 'wrong-token', '']) {
      const response = await app.inject({
        method: 'POST',
        url: '/api/users',
        headers: {
          cookie: ownerHeaders.cookie,
          ...(csrf !== undefined && { 'x-csrf-token': csrf }),
        },
        payload,
      });
      expect(response.statusCode).toBe(403);
      expect(response.json().error.code).toBe('csrf_failed');
    }
    const settings = await app.inject({
      method: 'PUT',
      url: '/api/settings',
      headers: { cookie: ownerHeaders.cookie },
      payload: { signupEnabled: true },
    });
    expect(settings.statusCode).toBe(403);
    expect(await countUsers()).toBe(before);
    const state = await app.inject({ method: 'GET', url: '/api/auth/state' });
    expect(state.json().signupEnabled).toBe(false);

    const accepted = await app.inject({
      method: 'POST',
      url: '/api/users',
      headers: ownerHeaders,
      payload,
    });
    expect(accepted.statusCode).toBe(201);
    expect(accepted.json()).toMatchObject({ email: 'mallory@example.com', role: 'admin' });
  });

  it('does not take another session’s CSRF token', async () => {
    const other = await signIn(store.db);
    const response = await app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { cookie: ownerHeaders.cookie, 'x-csrf-token': other.csrfToken },
    });
    expect(response.statusCode).toBe(403);
  });

  it('lets owners and admins list and create users, and nobody else', async () => {
    const list = await app.inject({ method: 'GET', url: '/api/users', headers: ownerHeaders });
    expect(list.statusCode).toBe(200);
    expect(list.json().users.map((user: { email: string }) => user.email)).toContain(owner.email);
    expect(JSON.stringify(list.json())).not.toMatch(/scrypt|password/i);

    const member = await signIn(store.db, { role: 'member' });
    const payload = { email: 'eve@example.com', password: 'long enough', role: 'member' };
    const created = await app.inject({
      method: 'POST',
      url: '/api/users',
      headers: member.headers,
      payload,
    });
    expect(created.statusCode).toBe(403);
    const listed = await app.inject({ method: 'GET', url: '/api/users', headers: member.headers });
    expect(listed.statusCode).toBe(403);
    const anonymous = await app.inject({ method: 'GET', url: '/api/users' });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json().error.code).toBe('not_signed_in');
    const asOwner = await app.inject({
      method: 'POST',
      url: '/api/users',
      headers: ownerHeaders,
      payload: { ...payload, role: 'owner' },
    });
    expect(asOwner.statusCode).toBe(400); // one owner: the one setup made
    const users = await store.db.selectFrom('users').select('email').execute();
    expect(users.map((user) => user.email)).not.toContain('eve@example.com');
  });

  it('refuses sign-up until an owner or admin enables it', async () => {
    const signup = () =>
      app.inject({
        method: 'POST',
        url: '/api/auth/signup',
        payload: { email: 'newcomer@example.com', password: 'long enough' },
      });
    const refused = await signup();
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('signup_disabled');

    const member = await signIn(store.db);
    const byMember = await app.inject({
      method: 'PUT',
      url: '/api/settings',
      headers: member.headers,
      payload: { signupEnabled: true },
    });
    expect(byMember.statusCode).toBe(403);
    const enabled = await app.inject({
      method: 'PUT',
      url: '/api/settings',
      headers: ownerHeaders,
      payload: { signupEnabled: true },
    });
    expect(enabled.json()).toEqual({ signupEnabled: true });
    const read = await app.inject({ method: 'GET', url: '/api/settings', headers: member.headers });
    expect(read.json()).toEqual({ signupEnabled: true });

    const accepted = await signup();
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json().user).toMatchObject({ email: 'newcomer@example.com', role: 'member' });
    expect(sessionCookie(accepted)?.httpOnly).toBe(true);
    await app.inject({
      method: 'PUT',
      url: '/api/settings',
      headers: ownerHeaders,
      payload: { signupEnabled: false },
    });
  });

  it('ends the session at logout', async () => {
    const session = browser(await login(owner.email, owner.password, '10.0.0.2'));
    const response = await app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: session,
    });
    expect(response.statusCode).toBe(204);
    expect(sessionCookie(response)).toMatchObject({ value: '', maxAge: 0 });
    const state = await app.inject({
      method: 'GET',
      url: '/api/auth/state',
      headers: { cookie: session.cookie },
    });
    expect(state.json().user).toBeNull();
    expect(state.json()).not.toHaveProperty('csrfToken');
  });

  it('ends every session of the user at logout-all, and only theirs', async () => {
    const first = browser(await login(owner.email, owner.password, '10.0.0.3'));
    const second = browser(await login(owner.email, owner.password, '10.0.0.4'));
    const someoneElse = await signIn(store.db);
    const response = await app.inject({
      method: 'POST',
      url: '/api/auth/logout-all',
      headers: first,
    });
    expect(response.statusCode).toBe(204);
    for (const headers of [first, second, ownerHeaders]) {
      const users = await app.inject({ method: 'GET', url: '/api/users', headers });
      expect(users.statusCode).toBe(401);
    }
    const state = await app.inject({
      method: 'GET',
      url: '/api/auth/state',
      headers: someoneElse.headers,
    });
    expect(state.json().user.id).toBe(someoneElse.user.id);
    ownerHeaders = browser(await login(owner.email, owner.password));
  });

  it('stores no password and no session token in plaintext', async () => {
    const response = await login(owner.email, owner.password, '10.0.0.5');
    const token = sessionCookie(response)!.value;
    const users = JSON.stringify(await store.db.selectFrom('users').selectAll().execute());
    const sessions = JSON.stringify(await store.db.selectFrom('sessions').selectAll().execute());
    expect(users).not.toContain(owner.password);
    expect(users).toContain('$scrypt$');
    expect(sessions).not.toContain(token);
    expect(users + sessions).not.toContain('long enough');
  });

  it('stops a disabled user’s sessions', async () => {
    const member = await signIn(store.db);
    await store.db
      .updateTable('users')
      .set({ disabled_at: new Date().toISOString() })
      .where('id', '=', member.user.id)
      .execute();
    const state = await app.inject({
      method: 'GET',
      url: '/api/auth/state',
      headers: member.headers,
    });
    expect(state.json().user).toBeNull();
  });

  it('answers 400 in the API error shape to a malformed body', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'x@example.com' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({ param: 'password', code: 'invalid_request' });
  });
});
