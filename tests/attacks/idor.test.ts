// IDOR: every web UI route that takes an id in its path, called with the first user's ids by a
// second user of the same organisation and by users of another organisation, gets 404 (or, for
// routes reserved to a role, 403) and never a trace of the data; the first user's data is
// unchanged afterwards. On both dialects. The routes are listed from the app itself (buildApp's
// `onRoute`): a new route with a `:param` and no row here fails the suite. /api/admin routes are
// covered by tests/authorization-matrix.test.ts.
import type { RouteOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrg } from '../../src/identity/orgs.js';
import { randomToken } from '../../src/lib/ids.js';
import { openApiTestApp, type ApiTestApp } from '../helpers/api-app.js';
import { seedConversation, type SeededConversation } from '../helpers/seed-chat.js';
import { signIn, type SignedIn } from '../helpers/sign-in.js';
import { storeTargets } from '../helpers/stores.js';

const targets = await storeTargets('IDOR');

/** The first user's ids. */
interface Ids {
  userId: string;
  conversation: SeededConversation;
  arena: SeededConversation;
  runId: string;
  folderId: string;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

interface Row {
  method: Method;
  route: string;
  call(ids: Ids): { url: string; payload?: object };
  /**
   * How strangers are refused: `owner` (default) 404 for everyone but the owner; `role` 403 for
   * a member of the same organisation (a role check first), 404 for another organisation's
   * admin; `instance` 403 for anyone but the instance's admins.
   */
  guard?: 'owner' | 'role' | 'instance';
}

/** Routes whose `:param` is not someone's private id, and why. */
const notOwned: Record<string, string> = {
  'GET /api/auth/sso/:orgId/start': 'an organisation id starts its public single sign-on',
  'GET /api/invitations/:token': 'the token is the credential',
  'POST /api/invitations/:token/accept': 'the token is the credential',
  'GET /api/shares/:id': 'a share link is public by design; its token is the permission',
};

const rows: Row[] = [
  {
    method: 'GET',
    route: '/api/conversations/:id',
    call: (ids) => ({ url: `/api/conversations/${ids.conversation.id}` }),
  },
  {
    method: 'PATCH',
    route: '/api/conversations/:id',
    call: (ids) => ({
      url: `/api/conversations/${ids.conversation.id}`,
      payload: { title: 'pwned' },
    }),
  },
  {
    method: 'DELETE',
    route: '/api/conversations/:id',
    call: (ids) => ({ url: `/api/conversations/${ids.conversation.id}` }),
  },
  {
    method: 'POST',
    route: '/api/conversations/:id/messages',
    call: (ids) => ({
      url: `/api/conversations/${ids.conversation.id}/messages`,
      payload: { content: 'injected', parentId: ids.conversation.messageIds[1] },
    }),
  },
  {
    method: 'POST',
    route: '/api/messages/:id/edit',
    call: (ids) => ({
      url: `/api/messages/${ids.conversation.messageIds[0]}/edit`,
      payload: { content: 'x' },
    }),
  },
  {
    method: 'POST',
    route: '/api/messages/:id/regenerate',
    call: (ids) => ({
      url: `/api/messages/${ids.conversation.messageIds[1]}/regenerate`,
      payload: {},
    }),
  },
  {
    method: 'GET',
    route: '/api/runs/:id/events',
    call: (ids) => ({ url: `/api/runs/${ids.runId}/events` }),
  },
  {
    method: 'POST',
    route: '/api/runs/:id/stop',
    call: (ids) => ({ url: `/api/runs/${ids.runId}/stop`, payload: {} }),
  },
  {
    method: 'PUT',
    route: '/api/messages/:id/feedback',
    call: (ids) => ({
      url: `/api/messages/${ids.conversation.messageIds[1]}/feedback`,
      payload: { rating: 'down' },
    }),
  },
  {
    method: 'DELETE',
    route: '/api/messages/:id/feedback',
    call: (ids) => ({ url: `/api/messages/${ids.conversation.messageIds[1]}/feedback` }),
  },
  {
    method: 'POST',
    route: '/api/conversations/:id/share',
    call: (ids) => ({ url: `/api/conversations/${ids.conversation.id}/share`, payload: {} }),
  },
  {
    method: 'DELETE',
    route: '/api/shares/:id',
    call: (ids) => ({ url: `/api/shares/${ids.conversation.shareId}` }),
  },
  {
    method: 'GET',
    route: '/api/conversations/:id/export',
    call: (ids) => ({ url: `/api/conversations/${ids.conversation.id}/export` }),
  },
  {
    method: 'PATCH',
    route: '/api/folders/:id',
    call: (ids) => ({ url: `/api/folders/${ids.folderId}`, payload: { name: 'pwned' } }),
  },
  {
    method: 'DELETE',
    route: '/api/folders/:id',
    call: (ids) => ({ url: `/api/folders/${ids.folderId}` }),
  },
  {
    method: 'GET',
    route: '/api/arena/battles/:id',
    call: (ids) => ({ url: `/api/arena/battles/${ids.arena.battleId}` }),
  },
  {
    method: 'POST',
    route: '/api/arena/battles/:id/vote',
    call: (ids) => ({
      url: `/api/arena/battles/${ids.arena.battleId}/vote`,
      payload: { outcome: 'b' },
    }),
  },
  {
    method: 'PATCH',
    route: '/api/users/:id',
    guard: 'role',
    call: (ids) => ({ url: `/api/users/${ids.userId}`, payload: { role: 'admin' } }),
  },
  {
    method: 'DELETE',
    route: '/api/users/:id',
    guard: 'role',
    call: (ids) => ({ url: `/api/users/${ids.userId}` }),
  },
  {
    method: 'GET',
    route: '/api/models/pull/:jobId',
    guard: 'instance',
    call: () => ({ url: '/api/models/pull/job_x' }),
  },
  {
    method: 'DELETE',
    route: '/api/providers/:id',
    guard: 'instance',
    call: () => ({ url: '/api/providers/prov_x' }),
  },
];

describe.each(targets)('IDOR on the web UI API ($name)', (target) => {
  let testApp: ApiTestApp;
  const registered = new Set<string>();
  let owner: SignedIn;
  let ids: Ids;
  let secret: string;
  /** Who attacks: a member of the same organisation, and a member and an owner of another. */
  let attackers: { name: string; who: SignedIn; sameOrg: boolean; admin: boolean }[];

  beforeAll(async () => {
    const collect = (route: RouteOptions) => {
      for (const method of [route.method].flat()) {
        if (method === 'HEAD' || !route.url.includes(':')) continue;
        if (route.url.startsWith('/api/admin') || route.url.startsWith('/scim')) continue;
        registered.add(`${method} ${route.url}`);
      }
    };
    testApp = await openApiTestApp(target, { onRoute: collect });
    const db = testApp.runtime.store.db;
    secret = `secret-${randomToken(12)}`;
    owner = await signIn(db);
    const conversation = await seedConversation(db, owner.user.id, { text: secret });
    const arena = await seedConversation(db, owner.user.id, {
      text: `${secret}-arena`,
      arena: true,
    });
    const folder = await testApp.app.inject({
      method: 'POST',
      url: '/api/folders',
      headers: owner.headers,
      payload: { name: `${secret}-folder` },
    });
    const run = await db
      .selectFrom('messages')
      .select('run_id')
      .where('id', '=', conversation.messageIds[1])
      .executeTakeFirstOrThrow();
    ids = {
      userId: owner.user.id,
      conversation,
      arena,
      runId: run.run_id!,
      folderId: folder.json<{ id: string }>().id,
    };
    const other = await createOrg(db, { name: 'Other' });
    attackers = [
      {
        name: 'member of the same organisation',
        who: await signIn(db),
        sameOrg: true,
        admin: false,
      },
      {
        name: 'member of another organisation',
        who: await signIn(db, { orgId: other.id }),
        sameOrg: false,
        admin: false,
      },
      {
        name: 'owner of another organisation',
        who: await signIn(db, { orgId: other.id, role: 'owner' }),
        sameOrg: false,
        admin: true,
      },
    ];
  });
  afterAll(async () => {
    await testApp?.dispose();
  });

  it('has a row (or a reason) for every route with an id in its path', () => {
    const covered = new Set([
      ...rows.map((row) => `${row.method} ${row.route}`),
      ...Object.keys(notOwned),
    ]);
    expect([...registered].filter((route) => !covered.has(route))).toEqual([]);
    expect([...covered].filter((route) => !registered.has(route))).toEqual([]);
  });

  it.each(rows)('$method $route refuses strangers and leaks nothing', async (row) => {
    const { url, payload } = row.call(ids);
    for (const attacker of attackers) {
      const response = await testApp.app.inject({
        method: row.method,
        url,
        headers: attacker.who.headers,
        ...(payload && { payload }),
      });
      const label = `${row.method} ${url} by a ${attacker.name}`;
      const guard = row.guard ?? 'owner';
      const expected =
        guard === 'owner' ? 404 : guard === 'instance' ? 403 : attacker.admin ? 404 : 403;
      expect(response.statusCode, `${label}: ${response.body.slice(0, 200)}`).toBe(expected);
      expect(response.json().error, label).toMatchObject({ code: expect.any(String) });
      expect(response.body, label).not.toContain(secret);
    }
  });

  it("leaves the first user's data as it was", async () => {
    const get = (url: string) => testApp.app.inject({ method: 'GET', url, headers: owner.headers });
    const conversation = await get(`/api/conversations/${ids.conversation.id}`);
    expect(conversation.statusCode).toBe(200);
    expect(conversation.json().conversation.title).toBe(`About ${secret}`);
    expect(conversation.body).not.toContain('injected');
    expect(conversation.body).toContain(`liked ${secret}`); // the feedback
    const share = await testApp.app.inject({
      method: 'GET',
      url: `/api/shares/${ids.conversation.shareId}`,
    });
    expect(share.statusCode).toBe(200);
    const folders = await get('/api/folders');
    expect(folders.body).toContain(`${secret}-folder`);
    const battle = await get(`/api/arena/battles/${ids.arena.battleId}`);
    expect(battle.statusCode).toBe(200);
    const user = await testApp.runtime.store.db
      .selectFrom('users')
      .select(['role'])
      .where('id', '=', ids.userId)
      .executeTakeFirstOrThrow();
    expect(user.role).toBe('member');
  });
});
