// Single sign-on end to end (docs/sso.md) against a real OpenID provider (oidc-provider, started
// here on 127.0.0.1) and Salon listening on a real port: the browser side is walked with fetch,
// following redirects by hand and submitting the provider's login and consent forms. SQLite only:
// the store suites cover PostgreSQL for the tables used here.
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrg } from '../src/identity/orgs.js';
import { createUser, type User } from '../src/identity/users.js';
import { BrowserSession } from './helpers/browser-session.js';
import { openApiTestApp, type ApiTestApp } from './helpers/api-app.js';
import { decodeJwt, signJwt, unsignedJwt, type Jwt } from './helpers/jwt.js';
import { signInAs, type SignedIn } from './helpers/sign-in.js';
import { storeTargets } from './helpers/stores.js';
import { startTestIdp, type TestIdp } from './helpers/test-idp.js';

const sqlite = (await storeTargets('single sign-on'))[0]!;

interface SsoSettingsBody {
  settings: null | {
    issuer: string;
    clientId: string;
    hasClientSecret: boolean;
    groupMappings: unknown[];
    enabled: boolean;
  };
  redirectUri: string;
}

describe('single sign-on with OpenID Connect', { timeout: 60_000 }, () => {
  let t: ApiTestApp;
  let idp: TestIdp;
  let salon: string;
  let acme: string;
  let globex: string;
  let owner: User;
  let admin: SignedIn;
  let otherAdmin: SignedIn;
  let member: User;

  const mappings = [
    { group: 'eng', team: 'Engineering' },
    { group: 'sales', team: 'Sales' },
    { group: 'admins', role: 'admin' },
  ];
  const db = () => t.runtime.store.db;
  const admin$ = (who: SignedIn, method: 'GET' | 'PUT' | 'DELETE', payload?: object) =>
    t.app.inject({
      method,
      url: '/api/admin/sso',
      headers: who.headers,
      ...(payload && { payload }),
    });
  const configure = (who: SignedIn, body: object) => admin$(who, 'PUT', body);

  beforeAll(async () => {
    // The identity provider runs on 127.0.0.1, which the operator must allow.
    t = await openApiTestApp(sqlite, { env: { SALON_UPSTREAM_ALLOW: '127.0.0.1' } });
    salon = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const redirect_uris = [`${salon}/api/auth/sso/callback`];
    idp = await startTestIdp([
      { client_id: 'salon-acme', client_secret: 'acme-client-secret', redirect_uris },
      { client_id: 'salon-other', client_secret: 'other-client-secret', redirect_uris },
    ]);
    acme = (await createOrg(db(), { name: 'Acme' })).id;
    globex = (await createOrg(db(), { name: 'Globex' })).id;
    owner = await createUser(db(), {
      email: 'owner@acme.test',
      password: 'owner-password',
      role: 'owner',
      orgId: acme,
    });
    admin = await signInAs(
      db(),
      await createUser(db(), { email: 'admin@acme.test', role: 'admin', orgId: acme }),
    );
    member = await createUser(db(), {
      email: 'member@acme.test',
      password: 'member-password',
      role: 'member',
      orgId: acme,
    });
    otherAdmin = await signInAs(
      db(),
      await createUser(db(), { email: 'admin@globex.test', role: 'admin', orgId: globex }),
    );
    idp.accounts.set('alice', {
      email: 'Alice@Acme.test',
      email_verified: true,
      name: 'Alice',
      groups: ['eng', 'admins'],
    });
  });
  afterAll(async () => {
    await idp?.close();
    await t?.dispose();
  });

  /** Walks from Salon's start URL through the provider's pages to Salon's callback URL. */
  async function reachCallback(
    browser: BrowserSession,
    login: string,
    options: { orgId?: string; returnTo?: string; rewrite?: (authorize: URL) => void } = {},
  ): Promise<URL> {
    const query = options.returnTo ? `?returnTo=${encodeURIComponent(options.returnTo)}` : '';
    const start = await browser.request(
      `${salon}/api/auth/sso/${options.orgId ?? acme}/start${query}`,
    );
    expect(start.status, await start.clone().text()).toBe(302);
    const authorize = new URL(start.headers.get('location')!);
    options.rewrite?.(authorize);
    return browser.walk(
      authorize.href,
      (url) => url.pathname === '/api/auth/sso/callback',
      (fields) => {
        if (fields.get('prompt') === 'login') {
          fields.set('login', login);
          fields.set('password', 'anything');
        }
      },
    );
  }

  /** A whole sign-in in a fresh browser; returns the browser and Salon's answer to the callback. */
  async function signInWithSso(login: string, options: Parameters<typeof reachCallback>[2] = {}) {
    const browser = new BrowserSession();
    const callback = await reachCallback(browser, login, options);
    const answer = await browser.request(callback.href);
    return { browser, answer, callback };
  }

  const sessionUser = async (browser: BrowserSession) => {
    const state = await browser.request(`${salon}/api/auth/state`);
    return (await state.json()) as { user: null | { email: string; role: string } };
  };
  const teamsOf = (email: string) =>
    db()
      .selectFrom('team_members')
      .innerJoin('teams', 'teams.id', 'team_members.team_id')
      .innerJoin('users', 'users.id', 'team_members.user_id')
      .where('users.email', '=', email)
      .select(['teams.name', 'teams.org_id', 'team_members.role'])
      .orderBy('teams.name')
      .execute();
  const auditActions = async (action: string) =>
    db()
      .selectFrom('audit_events')
      .selectAll()
      .where('action', '=', action)
      .orderBy('seq')
      .execute();
  const lastFailure = async () =>
    JSON.parse((await auditActions('auth.sso_failed')).at(-1)!.details) as {
      code: string;
      reason: string;
    };
  const expectRefused = (answer: Response, code: string) => {
    expect(answer.status).toBe(302);
    expect(answer.headers.get('location')).toBe(`/?sso_error=${code}`);
    expect(answer.headers.getSetCookie().some((line) => line.startsWith('salon_session='))).toBe(
      false,
    );
  };

  describe('admin API', () => {
    it('validates the settings, naming the bad field', async () => {
      const base = {
        issuer: idp.issuer,
        clientId: 'salon-acme',
        clientSecret: 'acme-client-secret',
      };
      const cases: [object, string][] = [
        [{ clientId: 'x' }, 'issuer'],
        [{ ...base, clientId: '' }, 'clientId'],
        [{ ...base, groupMappings: [{ group: 'eng' }] }, 'groupMappings.0'],
        [{ ...base, groupMappings: [{ group: 'eng', role: 'owner' }] }, 'groupMappings.0.role'],
        [{ ...base, enabled: 'yes' }, 'enabled'],
        [{ ...base, issuer: 'http://idp.example.com' }, 'issuer'],
        [{ ...base, surprise: 1 }, ''],
      ];
      for (const [body, param] of cases) {
        const response = await configure(admin, body);
        expect(response.statusCode, JSON.stringify(body)).toBe(400);
        const error = response.json<{ error: { param: string | null; message: string } }>().error;
        expect(error.param ?? '', response.body).toBe(param);
      }
      expect((await admin$(admin, 'GET')).json<SsoSettingsBody>().settings).toBeNull();
    });

    it('says clearly when the provider cannot be discovered, and saves nothing', async () => {
      const response = await configure(admin, {
        issuer: 'http://127.0.0.1:9/nothing-here',
        clientId: 'salon-acme',
      });
      expect(response.statusCode).toBe(400);
      const error = response.json<{ error: { code: string; param: string; message: string } }>()
        .error;
      expect(error).toMatchObject({ code: 'sso_discovery_failed', param: 'issuer' });
      expect(error.message).toContain('discovery failed for http://127.0.0.1:9/nothing-here');
      expect((await admin$(admin, 'GET')).json<SsoSettingsBody>().settings).toBeNull();
    });

    it('saves the settings, never returning or storing the secret in clear', async () => {
      const saved = await configure(admin, {
        issuer: idp.issuer,
        clientId: 'salon-acme',
        clientSecret: 'acme-client-secret',
        groupMappings: mappings,
      });
      expect(saved.statusCode, saved.body).toBe(200);
      const read = await admin$(admin, 'GET');
      for (const response of [saved, read]) {
        expect(response.body).not.toContain('acme-client-secret');
        expect(response.json<SsoSettingsBody>().settings).toMatchObject({
          issuer: idp.issuer,
          clientId: 'salon-acme',
          hasClientSecret: true,
          groupMappings: mappings,
          enabled: true,
        });
      }
      expect(read.json<SsoSettingsBody>().redirectUri).toMatch(/\/api\/auth\/sso\/callback$/);
      const row = await db()
        .selectFrom('org_sso')
        .selectAll()
        .where('org_id', '=', acme)
        .executeTakeFirstOrThrow();
      expect(row.client_secret_ciphertext).toMatch(/^v1:/);
      expect(row.client_secret_ciphertext).not.toContain('acme-client-secret');
      const events = await auditActions('sso.updated');
      expect(events.at(-1)).toMatchObject({ org_id: acme, actor_id: admin.user.id });
      expect(events.at(-1)!.details).not.toContain('acme-client-secret');
    });

    it("keeps another organisation's admin and this organisation's members out", async () => {
      // The API acts on the caller's own organisation: Globex sees none, and cannot delete Acme's.
      expect((await admin$(otherAdmin, 'GET')).json<SsoSettingsBody>().settings).toBeNull();
      const deleted = await admin$(otherAdmin, 'DELETE');
      expect(deleted.statusCode).toBe(404);
      const memberSession = await signInAs(db(), member);
      expect((await admin$(memberSession, 'GET')).statusCode).toBe(403);
      expect(
        (await configure(memberSession, { issuer: idp.issuer, clientId: 'x' })).statusCode,
      ).toBe(403);
      expect((await admin$(admin, 'GET')).json<SsoSettingsBody>().settings?.clientId).toBe(
        'salon-acme',
      );
    });

    it('lists organisations offering single sign-on to anyone, by id and name only', async () => {
      const response = await fetch(`${salon}/api/auth/sso/providers`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ data: [{ orgId: acme, name: 'Acme' }] });
    });
  });

  describe('signing in', () => {
    it('creates the account just in time, maps groups to a team and a role, and opens a session', async () => {
      const { browser, answer } = await signInWithSso('alice');
      expect(answer.status).toBe(302);
      expect(answer.headers.get('location')).toBe('/');
      expect(await sessionUser(browser)).toMatchObject({
        user: { email: 'alice@acme.test', role: 'admin' },
      });
      const alice = await db()
        .selectFrom('users')
        .selectAll()
        .where('email', '=', 'alice@acme.test')
        .executeTakeFirstOrThrow();
      expect(alice).toMatchObject({
        org_id: acme,
        password_hash: null,
        display_name: 'Alice',
        role: 'admin',
      });
      expect(await teamsOf('alice@acme.test')).toEqual([
        { name: 'Engineering', org_id: acme, role: 'member' },
      ]);
      const signIns = await auditActions('auth.sso_sign_in');
      expect(signIns.at(-1)).toMatchObject({ org_id: acme, actor_id: alice.id });
      expect(JSON.parse(signIns.at(-1)!.details)).toMatchObject({
        created: true,
        joinedTeams: ['Engineering'],
      });
    });

    it('updates the mappings on the next sign-in without duplicating anything', async () => {
      // The same groups again: nothing new.
      await signInWithSso('alice');
      expect(await teamsOf('alice@acme.test')).toHaveLength(1);
      // What quotas and model access read about her, cached as a busy request path would have it.
      const policies = t.runtime.governance.core.policies!;
      const alice = await db()
        .selectFrom('users')
        .select('id')
        .where('email', '=', 'alice@acme.test')
        .executeTakeFirstOrThrow();
      expect((await policies.standing(alice.id))?.role).toBe('admin');
      // Out of the admins and engineering, into sales.
      idp.accounts.set('alice', { email: 'alice@acme.test', name: 'Alice', groups: ['sales'] });
      const { browser } = await signInWithSso('alice');
      expect(await sessionUser(browser)).toMatchObject({ user: { role: 'member' } });
      // Limits and access follow the new role and teams at once, not when the cache expires.
      expect(await policies.standing(alice.id)).toMatchObject({
        role: 'member',
        teams: [{ name: 'Sales' }],
      });
      expect(await teamsOf('alice@acme.test')).toEqual([
        { name: 'Sales', org_id: acme, role: 'member' },
      ]);
      const accounts = await db()
        .selectFrom('users')
        .select('id')
        .where('email', '=', 'alice@acme.test')
        .execute();
      expect(accounts).toHaveLength(1);
      const teams = await db()
        .selectFrom('teams')
        .select('name')
        .where('org_id', '=', acme)
        .orderBy('name')
        .execute();
      expect(teams.map((team) => team.name)).toEqual(['Engineering', 'Sales']);
    });

    it('never changes the owner, whatever the groups say', async () => {
      idp.accounts.set('owner', { email: 'owner@acme.test', groups: ['sales'] });
      const { browser } = await signInWithSso('owner');
      expect(await sessionUser(browser)).toMatchObject({
        user: { email: owner.email, role: 'owner' },
      });
    });

    it('returns to the page the sign-in started from, and only to a page of this site', async () => {
      const back = await signInWithSso('alice', { returnTo: '/c/some-chat' });
      expect(back.answer.headers.get('location')).toBe('/c/some-chat');
      const away = await signInWithSso('alice', { returnTo: '//evil.example/x' });
      expect(away.answer.headers.get('location')).toBe('/');
    });

    it('refuses a tampered or missing state with a 400 and no session', async () => {
      const browser = new BrowserSession();
      const callback = await reachCallback(browser, 'alice');
      const tampered = new URL(callback);
      tampered.searchParams.set('state', callback.searchParams.get('state')! + 'x');
      const answer = await browser.request(tampered.href);
      expect(answer.status).toBe(400);
      expect(((await answer.json()) as { error: { code: string } }).error.code).toBe(
        'sso_state_mismatch',
      );
      expect(answer.headers.getSetCookie().some((line) => line.startsWith('salon_session='))).toBe(
        false,
      );
      expect((await sessionUser(browser)).user).toBeNull();
      // The flow cookie was spent: even the genuine answer is refused now.
      const replay = await browser.request(callback.href);
      expect(replay.status).toBe(400);
      expect(((await replay.json()) as { error: { code: string } }).error.code).toBe(
        'sso_flow_missing',
      );
      // A callback in a browser that never started a sign-in.
      const stranger = await new BrowserSession().request(callback.href);
      expect(stranger.status).toBe(400);
      const failures = await auditActions('auth.sso_failed');
      expect(failures.map((event) => JSON.parse(event.details).code)).toEqual(
        expect.arrayContaining(['sso_state_mismatch', 'sso_flow_missing']),
      );
    });

    it('refuses a code issued to another client', async () => {
      const { answer } = await signInWithSso('alice', {
        rewrite: (authorize) => authorize.searchParams.set('client_id', 'salon-other'),
      });
      expectRefused(answer, 'sso_exchange_failed');
      // The provider refused the exchange: Salon redeemed the code as its own client.
      expect(await lastFailure()).toMatchObject({
        reason: expect.stringMatching(/^invalid_grant/),
      });
    });

    it('refuses an expired code', async () => {
      const browser = new BrowserSession();
      idp.codeTtlSeconds = 1;
      let callback: URL;
      try {
        callback = await reachCallback(browser, 'alice');
      } finally {
        idp.codeTtlSeconds = 60;
      }
      await new Promise((resolve) => setTimeout(resolve, 2_100));
      expectRefused(await browser.request(callback.href), 'sso_exchange_failed');
      expect(await lastFailure()).toMatchObject({
        reason: expect.stringMatching(/^invalid_grant/),
      });
      expect((await sessionUser(browser)).user).toBeNull();
    });

    describe('an ID token the provider did not issue for this sign-in', () => {
      // The code exchange, PKCE and state stay genuine: only the ID token in the provider's
      // answer is swapped, by the relay in front of the token endpoint, for one built from the
      // genuine token's header and claims.
      async function signInWithIdToken(login: string, forge: (genuine: Jwt) => string) {
        const forged: string[] = [];
        idp.replaceIdToken = (genuine) => {
          forged.push(forge(decodeJwt(genuine)));
          return forged.at(-1)!;
        };
        try {
          return { ...(await signInWithSso(login)), forged };
        } finally {
          idp.replaceIdToken = undefined;
        }
      }
      const withClaims = (jwt: Jwt, claims: Record<string, unknown>): Jwt => ({
        ...jwt,
        claims: { ...jwt.claims, ...claims },
      });
      const secondsAgo = (seconds: number) => Math.floor(Date.now() / 1000) - seconds;
      const usersWithEmail = (email: string) =>
        db().selectFrom('users').select('id').where('email', '=', email).execute();

      it("accepts the genuine token re-signed with the provider's key (the forging is faithful)", async () => {
        idp.accounts.set('yann', { email: 'yann@acme.test', groups: ['eng'] });
        const { browser, answer, forged } = await signInWithIdToken('yann', (jwt) =>
          signJwt(jwt, idp.signingKey),
        );
        expect(forged).toHaveLength(1);
        expect(answer.headers.get('location')).toBe('/');
        expect(await sessionUser(browser)).toMatchObject({ user: { email: 'yann@acme.test' } });
      });

      const forgeries: [string, (genuine: Jwt) => string, RegExp][] = [
        [
          'for another client (aud)',
          (jwt) => signJwt(withClaims(jwt, { aud: 'salon-other' }), idp.signingKey),
          /"aud" \(audience\)/,
        ],
        [
          'for another sign-in (nonce)',
          (jwt) => signJwt(withClaims(jwt, { nonce: 'nonce-of-another-sign-in' }), idp.signingKey),
          /"nonce"/,
        ],
        [
          "signed with a key that is not the provider's (same kid)",
          (jwt) => signJwt(jwt, generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey),
          /signature verification failed/,
        ],
        ['left unsigned (alg none)', (jwt) => unsignedJwt(jwt), /"alg"/],
        [
          'that expired an hour ago (exp)',
          (jwt) =>
            signJwt(
              withClaims(jwt, { iat: secondsAgo(7200), exp: secondsAgo(3600) }),
              idp.signingKey,
            ),
          /"exp"/,
        ],
      ];

      let newcomers = 0;
      it.each(forgeries)(
        'refuses an ID token %s: no session, no account, the failure audited',
        async (_case, forge, check) => {
          // A person new to Salon in each case, so one wrongly accepted token fails only its case.
          const login = `newcomer${++newcomers}`;
          idp.accounts.set(login, { email: `${login}@acme.test`, groups: ['eng', 'admins'] });
          const failuresBefore = (await auditActions('auth.sso_failed')).length;
          const { browser, answer, forged } = await signInWithIdToken(login, forge);
          expect(forged).toHaveLength(1);
          expectRefused(answer, 'sso_exchange_failed');
          expect((await sessionUser(browser)).user).toBeNull();
          // Just-in-time creation did not happen.
          expect(await usersWithEmail(`${login}@acme.test`)).toEqual([]);
          const failures = await auditActions('auth.sso_failed');
          expect(failures).toHaveLength(failuresBefore + 1);
          expect(failures.at(-1)).toMatchObject({ org_id: acme, actor_id: null });
          expect(JSON.parse(failures.at(-1)!.details)).toMatchObject({
            code: 'sso_exchange_failed',
            reason: expect.stringMatching(check),
          });
          // The trail names the check, never the token or its claims.
          const { claims } = decodeJwt(forged[0]!);
          for (const secret of [
            forged[0]!.split('.')[1]!,
            String(claims.nonce),
            String(claims.sub),
          ]) {
            expect(failures.at(-1)!.details).not.toContain(secret);
          }
        },
      );
    });

    it('refuses a disabled account', async () => {
      const dave = await createUser(db(), { email: 'dave@acme.test', role: 'member', orgId: acme });
      await db()
        .updateTable('users')
        .set({ disabled_at: new Date().toISOString() })
        .where('id', '=', dave.id)
        .execute();
      idp.accounts.set('dave', { email: 'dave@acme.test', groups: ['eng'] });
      const { browser, answer } = await signInWithSso('dave');
      expectRefused(answer, 'account_disabled');
      expect((await sessionUser(browser)).user).toBeNull();
      expect(await teamsOf('dave@acme.test')).toEqual([]);
    });

    it("refuses an email that belongs to another organisation's account, changing nothing", async () => {
      idp.accounts.set('mallory', { email: 'admin@globex.test', groups: ['eng', 'admins'] });
      const { answer } = await signInWithSso('mallory');
      expectRefused(answer, 'sso_other_org');
      const account = await db()
        .selectFrom('users')
        .selectAll()
        .where('email', '=', 'admin@globex.test')
        .executeTakeFirstOrThrow();
      expect(account).toMatchObject({ org_id: globex, role: 'admin' });
      expect(await teamsOf('admin@globex.test')).toEqual([]);
    });

    it('refuses an email the provider says is unverified, and a missing one', async () => {
      idp.accounts.set('unverified', { email: 'eve@acme.test', email_verified: false });
      expectRefused((await signInWithSso('unverified')).answer, 'sso_email_unverified');
      idp.accounts.set('nameless', { name: 'No Email' });
      expectRefused((await signInWithSso('nameless')).answer, 'sso_email_missing');
      const eve = await db()
        .selectFrom('users')
        .select('id')
        .where('email', '=', 'eve@acme.test')
        .execute();
      expect(eve).toEqual([]);
    });

    it('refuses to start for an organisation without single sign-on', async () => {
      const response = await fetch(`${salon}/api/auth/sso/${globex}/start`, { redirect: 'manual' });
      expect(response.status).toBe(404);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
        'sso_not_configured',
      );
    });
  });

  describe('SSO only', () => {
    const login = (email: string, password: string) =>
      fetch(`${salon}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: salon },
        body: JSON.stringify({ email, password }),
      });

    it('refuses password sign-in to members but not to the owner', async () => {
      expect((await login(member.email, 'member-password')).status).toBe(200);
      const patched = await t.app.inject({
        method: 'PATCH',
        url: '/api/admin/org',
        headers: admin.headers,
        payload: { ssoOnly: true },
      });
      expect(patched.statusCode, patched.body).toBe(200);
      const refused = await login(member.email, 'member-password');
      expect(refused.status).toBe(403);
      const error = ((await refused.json()) as { error: { code: string; message: string } }).error;
      expect(error.code).toBe('sso_required');
      expect(error.message).toMatch(/single sign-on/);
      // A wrong password still says only that.
      expect((await login(member.email, 'wrong-password')).status).toBe(401);
      expect((await login(owner.email, 'owner-password')).status).toBe(200);
      // Single sign-on still works for members.
      const { answer } = await signInWithSso('alice');
      expect(answer.headers.get('location')).toBe('/');
    });
  });

  describe('removing the settings', () => {
    it('stops single sign-on and drops the organisation from the list', async () => {
      const deleted = await admin$(admin, 'DELETE');
      expect(deleted.statusCode).toBe(204);
      expect((await auditActions('sso.deleted')).at(-1)).toMatchObject({ org_id: acme });
      expect(await (await fetch(`${salon}/api/auth/sso/providers`)).json()).toEqual({ data: [] });
      const start = await fetch(`${salon}/api/auth/sso/${acme}/start`, { redirect: 'manual' });
      expect(start.status).toBe(404);
    });
  });
});
