// The authorization matrix: every admin and organisation-scoped route, called by each role of
// the organisation that owns the resources (the default one, "alpha"), by each role of another
// organisation ("beta") and by nobody, with the expected allow/deny asserted per cell.
//
// - `instance` routes change the whole instance: only alpha's owner and admin (the default
//   organisation's) pass; everyone else gets 403, nobody 401.
// - `org` routes act on the caller's organisation: owners and admins pass; members 403. With one
//   of alpha's ids in the URL, beta's admins get 404 (the id does not exist for them); without
//   one, they pass on their own organisation and must not see a trace of alpha's data.
// - `team` routes also let the team's manager pass.
//
// Every registered /api/admin route must have a row here: a new route without one fails the
// suite, so nobody adds an admin route without deciding who may call it.
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../src/identity/api-keys.js';
import { createInvitation } from '../src/identity/invitations.js';
import { OrgScope } from '../src/identity/org-scope.js';
import { createOrg } from '../src/identity/orgs.js';
import { createTeam, setTeamMember } from '../src/identity/teams.js';
import { createUser, defaultOrgId } from '../src/identity/users.js';
import { randomToken } from '../src/lib/ids.js';
import { openApiTestApp, type ApiTestApp } from './helpers/api-app.js';
import { signIn, type SignedIn } from './helpers/sign-in.js';
import { storeTargets } from './helpers/stores.js';

const targets = await storeTargets('authorization matrix');

type Actor =
  | 'alphaOwner'
  | 'alphaAdmin'
  | 'alphaManager'
  | 'alphaMember'
  | 'betaOwner'
  | 'betaAdmin'
  | 'betaMember'
  | 'nobody';
const actors: Actor[] = [
  'alphaOwner',
  'alphaAdmin',
  'alphaManager',
  'alphaMember',
  'betaOwner',
  'betaAdmin',
  'betaMember',
  'nobody',
];

/** What a cell expects: success, or refusal with this status. */
type Expect = 'allow' | 401 | 403 | 404;

/** Fresh alpha resources, one per call, so that allowed destructive calls never collide. */
interface Fixture {
  team(): Promise<string>;
  /** A new member of alpha, in `teamId` when given. */
  member(teamId?: string): Promise<string>;
  invitation(): Promise<string>;
  key(): Promise<string>;
  quota(): Promise<string>;
  /** The team alphaManager manages. */
  managedTeam: string;
}

interface Call {
  url: string;
  payload?: object;
}

interface Row {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** The route as registered, e.g. `/api/admin/teams/:id`. */
  route: string;
  level: 'instance' | 'org' | 'team';
  /** Whether the URL names one of alpha's resources (then beta's admins get 404). */
  alphaId: boolean;
  call(fixture: Fixture): Promise<Call> | Call;
  /** What counts as success for an allowed caller; default: a 2xx. */
  allowed?: (status: number) => boolean;
}

const notRefused = (status: number) => status !== 401 && status !== 403;
const unique = () => `alpha-${randomToken(8).toLowerCase()}`;

const rows: Row[] = [
  // The instance's own routes.
  {
    method: 'GET',
    route: '/api/admin/providers',
    level: 'instance',
    alphaId: false,
    call: () => ({ url: '/api/admin/providers' }),
  },
  {
    method: 'GET',
    route: '/api/admin/targets',
    level: 'instance',
    alphaId: false,
    call: () => ({ url: '/api/admin/targets' }),
  },
  {
    method: 'POST',
    route: '/api/admin/reload',
    level: 'instance',
    alphaId: false,
    call: () => ({ url: '/api/admin/reload', payload: {} }),
  },
  {
    method: 'GET',
    route: '/api/admin/orgs',
    level: 'instance',
    alphaId: false,
    call: () => ({ url: '/api/admin/orgs' }),
  },
  {
    method: 'POST',
    route: '/api/admin/orgs',
    level: 'instance',
    alphaId: false,
    call: () => ({
      url: '/api/admin/orgs',
      payload: { name: unique(), ownerEmail: `${unique()}@example.com` },
    }),
  },
  {
    method: 'PUT',
    route: '/api/settings',
    level: 'instance',
    alphaId: false,
    call: () => ({ url: '/api/settings', payload: { signupEnabled: false } }),
  },
  {
    method: 'POST',
    route: '/api/providers',
    level: 'instance',
    alphaId: false,
    allowed: notRefused,
    call: () => ({ url: '/api/providers', payload: {} }),
  },
  {
    method: 'DELETE',
    route: '/api/providers/:id',
    level: 'instance',
    alphaId: false,
    allowed: notRefused,
    call: () => ({ url: '/api/providers/prov-none' }),
  },
  {
    method: 'POST',
    route: '/api/models/pull',
    level: 'instance',
    alphaId: false,
    allowed: notRefused,
    call: () => ({ url: '/api/models/pull', payload: {} }),
  },

  // The organisation.
  {
    method: 'GET',
    route: '/api/admin/org',
    level: 'org',
    alphaId: false,
    call: () => ({ url: '/api/admin/org' }),
  },
  {
    method: 'PATCH',
    route: '/api/admin/org',
    level: 'org',
    alphaId: false,
    call: () => ({ url: '/api/admin/org', payload: { retentionDays: null } }),
  },
  {
    method: 'GET',
    route: '/api/admin/models',
    level: 'org',
    alphaId: false,
    call: () => ({ url: '/api/admin/models' }),
  },

  // Users.
  {
    method: 'GET',
    route: '/api/users',
    level: 'org',
    alphaId: false,
    call: () => ({ url: '/api/users' }),
  },
  {
    method: 'POST',
    route: '/api/users',
    level: 'org',
    alphaId: false,
    call: () => ({
      url: '/api/users',
      payload: { email: `${unique()}@example.com`, password: 'a long password', role: 'member' },
    }),
  },
  {
    method: 'PATCH',
    route: '/api/users/:id',
    level: 'org',
    alphaId: true,
    call: async (f) => ({ url: `/api/users/${await f.member()}`, payload: { role: 'admin' } }),
  },
  {
    method: 'DELETE',
    route: '/api/users/:id',
    level: 'org',
    alphaId: true,
    call: async (f) => ({ url: `/api/users/${await f.member()}` }),
  },

  // Teams and members.
  {
    method: 'GET',
    route: '/api/admin/teams',
    level: 'org',
    alphaId: false,
    call: () => ({ url: '/api/admin/teams' }),
  },
  {
    method: 'POST',
    route: '/api/admin/teams',
    level: 'org',
    alphaId: false,
    call: () => ({ url: '/api/admin/teams', payload: { name: unique() } }),
  },
  {
    method: 'PATCH',
    route: '/api/admin/teams/:id',
    level: 'org',
    alphaId: true,
    call: async (f) => ({ url: `/api/admin/teams/${await f.team()}`, payload: { name: unique() } }),
  },
  {
    method: 'DELETE',
    route: '/api/admin/teams/:id',
    level: 'org',
    alphaId: true,
    call: async (f) => ({ url: `/api/admin/teams/${await f.team()}` }),
  },
  {
    method: 'GET',
    route: '/api/admin/teams/:id/members',
    level: 'team',
    alphaId: true,
    call: (f) => ({ url: `/api/admin/teams/${f.managedTeam}/members` }),
  },
  {
    method: 'PUT',
    route: '/api/admin/teams/:id/members/:userId',
    level: 'team',
    alphaId: true,
    call: async (f) => ({
      url: `/api/admin/teams/${f.managedTeam}/members/${await f.member()}`,
      payload: {},
    }),
  },
  {
    method: 'DELETE',
    route: '/api/admin/teams/:id/members/:userId',
    level: 'team',
    alphaId: true,
    call: async (f) => ({
      url: `/api/admin/teams/${f.managedTeam}/members/${await f.member(f.managedTeam)}`,
    }),
  },

  // Invitations.
  {
    method: 'GET',
    route: '/api/admin/invitations',
    level: 'org',
    alphaId: false,
    call: () => ({ url: '/api/admin/invitations' }),
  },
  {
    method: 'POST',
    route: '/api/admin/invitations',
    level: 'org',
    alphaId: false,
    call: () => ({ url: '/api/admin/invitations', payload: {} }),
  },
  {
    method: 'DELETE',
    route: '/api/admin/invitations/:id',
    level: 'org',
    alphaId: true,
    call: async (f) => ({ url: `/api/admin/invitations/${await f.invitation()}` }),
  },

  // API keys.
  {
    method: 'GET',
    route: '/api/admin/keys',
    level: 'org',
    alphaId: false,
    call: () => ({ url: '/api/admin/keys' }),
  },
  {
    method: 'POST',
    route: '/api/admin/keys',
    level: 'org',
    alphaId: false,
    call: () => ({ url: '/api/admin/keys', payload: { name: unique() } }),
  },
  {
    method: 'DELETE',
    route: '/api/admin/keys/:id',
    level: 'org',
    alphaId: true,
    call: async (f) => ({ url: `/api/admin/keys/${await f.key()}` }),
  },

  // Quotas and model access.
  {
    method: 'GET',
    route: '/api/admin/quotas',
    level: 'org',
    alphaId: false,
    call: () => ({ url: '/api/admin/quotas' }),
  },
  {
    method: 'PUT',
    route: '/api/admin/quotas',
    level: 'org',
    alphaId: false,
    call: () => ({ url: '/api/admin/quotas', payload: { scope: 'org', rpm: 1000 } }),
  },
  {
    method: 'DELETE',
    route: '/api/admin/quotas/:id',
    level: 'org',
    alphaId: true,
    call: async (f) => ({ url: `/api/admin/quotas/${await f.quota()}` }),
  },
  {
    method: 'GET',
    route: '/api/admin/model-access',
    level: 'org',
    alphaId: false,
    call: () => ({ url: '/api/admin/model-access' }),
  },
  {
    method: 'PUT',
    route: '/api/admin/model-access/*',
    level: 'org',
    alphaId: false,
    allowed: notRefused,
    call: () => ({ url: '/api/admin/model-access/small', payload: { teamIds: [] } }),
  },

  // Single sign-on and SCIM: always the caller's own organisation's.
  {
    method: 'GET',
    route: '/api/admin/sso',
    level: 'org',
    alphaId: false,
    call: () => ({ url: '/api/admin/sso' }),
  },
  {
    // No identity provider runs here: an allowed caller gets past authorization to the
    // discovery failure (400), a refused one never gets that far.
    method: 'PUT',
    route: '/api/admin/sso',
    level: 'org',
    alphaId: false,
    allowed: notRefused,
    call: () => ({
      url: '/api/admin/sso',
      payload: { issuer: 'http://127.0.0.1:9/', clientId: 'x' },
    }),
  },
  {
    method: 'DELETE',
    route: '/api/admin/sso',
    level: 'org',
    alphaId: false,
    // 404 when the organisation has none.
    allowed: notRefused,
    call: () => ({ url: '/api/admin/sso' }),
  },
  {
    method: 'POST',
    route: '/api/admin/scim-token',
    level: 'org',
    alphaId: false,
    call: () => ({ url: '/api/admin/scim-token', payload: {} }),
  },
  {
    method: 'DELETE',
    route: '/api/admin/scim-token',
    level: 'org',
    alphaId: false,
    call: () => ({ url: '/api/admin/scim-token' }),
  },

  // Usage and audit.
  {
    method: 'GET',
    route: '/api/admin/usage',
    level: 'org',
    alphaId: false,
    call: () => ({ url: '/api/admin/usage?groupBy=user' }),
  },
  {
    method: 'GET',
    route: '/api/admin/usage.csv',
    level: 'org',
    alphaId: false,
    call: () => ({ url: '/api/admin/usage.csv?groupBy=user' }),
  },
  {
    method: 'GET',
    route: '/api/admin/audit',
    level: 'org',
    alphaId: false,
    call: () => ({ url: '/api/admin/audit' }),
  },
  {
    method: 'GET',
    route: '/api/admin/audit/export',
    level: 'org',
    alphaId: false,
    call: () => ({ url: '/api/admin/audit/export' }),
  },

  // GDPR erasure.
  {
    method: 'POST',
    route: '/api/admin/users/:id/erase',
    level: 'org',
    alphaId: true,
    call: async (f) => ({ url: `/api/admin/users/${await f.member()}/erase`, payload: {} }),
  },
];

/** The expected outcome of one cell. */
function expected(row: Row, actor: Actor): Expect {
  if (actor === 'nobody') return 401;
  const alphaAdmin = actor === 'alphaOwner' || actor === 'alphaAdmin';
  const betaAdmin = actor === 'betaOwner' || actor === 'betaAdmin';
  if (row.level === 'instance') return alphaAdmin ? 'allow' : 403;
  if (alphaAdmin) return 'allow';
  if (row.level === 'team' && actor === 'alphaManager') return 'allow';
  // A team route looks the team up before the caller's role: beta's members find nothing.
  if (row.level === 'team' && actor === 'betaMember') return 404;
  if (betaAdmin) return row.alphaId ? 404 : 'allow';
  return 403;
}

describe.each(targets)('authorization matrix on $dialect', (target) => {
  let t: ApiTestApp;
  const registered: string[] = [];
  const who = {} as Record<Exclude<Actor, 'nobody'>, SignedIn>;
  let fixture: Fixture;
  /** Every id and name of alpha's, none of which may appear in an answer to beta. */
  const alphaMarkers: string[] = [];

  beforeAll(async () => {
    t = await openApiTestApp(target, {
      onRoute: (route) => {
        const methods = Array.isArray(route.method) ? route.method : [route.method];
        for (const method of methods) registered.push(`${method} ${route.url}`);
      },
    });
    const db = t.runtime.store.db;
    const beta = await createOrg(db, { name: 'Beta' });
    const alpha = new OrgScope(db, defaultOrgId);
    const person = async (role: 'owner' | 'admin' | 'member', orgId: string) => {
      const signed = await signIn(db, { role, orgId, email: `${unique()}@example.com` });
      if (orgId === defaultOrgId) alphaMarkers.push(signed.user.id, signed.user.email);
      return signed;
    };
    who.alphaOwner = await person('owner', defaultOrgId);
    who.alphaAdmin = await person('admin', defaultOrgId);
    who.alphaManager = await person('member', defaultOrgId);
    who.alphaMember = await person('member', defaultOrgId);
    who.betaOwner = await person('owner', beta.id);
    who.betaAdmin = await person('admin', beta.id);
    who.betaMember = await person('member', beta.id);

    const managedTeam = (await createTeam(alpha, { name: unique() })).id;
    await setTeamMember(alpha, managedTeam, who.alphaManager.user.id, 'manager');
    const remember = (id: string) => (alphaMarkers.push(id), id);
    remember(managedTeam);
    fixture = {
      managedTeam,
      team: async () => remember((await createTeam(alpha, { name: unique() })).id),
      member: async (teamId) => {
        const user = await createUser(db, { email: `${unique()}@example.com`, role: 'member' });
        if (teamId) await setTeamMember(alpha, teamId, user.id, 'member');
        alphaMarkers.push(user.email);
        return remember(user.id);
      },
      invitation: async () =>
        remember(
          (await createInvitation(alpha, { role: 'member', createdBy: null })).invitation.id,
        ),
      key: async () =>
        remember((await createApiKey(db, { name: unique(), orgId: defaultOrgId })).record.id),
      quota: async () => {
        const userId = await fixture.member();
        const response = await call('alphaOwner', {
          method: 'PUT',
          url: '/api/admin/quotas',
          payload: { scope: 'user', subjectId: userId, rpm: 10 },
        });
        expect(response.statusCode, response.body).toBe(200);
        return remember(response.json<{ id: string }>().id);
      },
    };
    // Alpha has usage, audit events and a quota beta must never see.
    await call('alphaOwner', {
      method: 'POST',
      url: '/api/admin/teams',
      payload: { name: unique() },
    });
  });
  afterAll(async () => {
    await t?.dispose();
  });

  function call(actor: Actor, request: Call & { method: Row['method'] }) {
    const headers = actor === 'nobody' ? {} : who[actor].headers;
    return t.app.inject({
      method: request.method,
      url: request.url,
      headers: { ...headers, origin: 'http://localhost' },
      ...(request.payload !== undefined && { payload: request.payload }),
    });
  }

  it('has a row for every admin route', () => {
    const covered = new Set(rows.map((row) => `${row.method} ${row.route}`));
    const admin = registered.filter((route) => route.split(' ')[1]!.startsWith('/api/admin'));
    expect(admin.filter((route) => !route.startsWith('HEAD ') && !covered.has(route))).toEqual([]);
    // …and no row for a route that does not exist.
    expect([...covered].filter((route) => !registered.includes(route))).toEqual([]);
  });

  describe.each(rows)('$method $route', (row) => {
    it.each(actors)('as %s', async (actor) => {
      const want = expected(row, actor);
      const request = await row.call(fixture);
      const response: LightMyRequestResponse = await call(actor, {
        method: row.method,
        ...request,
      });
      const cell = `${row.method} ${row.route} as ${actor}: ${response.statusCode} ${response.body.slice(0, 200)}`;
      if (want === 'allow') {
        const allowed = row.allowed ?? ((status: number) => status >= 200 && status < 300);
        expect(allowed(response.statusCode), cell).toBe(true);
      } else {
        expect(response.statusCode, cell).toBe(want);
      }
      if (actor.startsWith('beta')) {
        // A 404 may repeat the id the caller sent; anything else of alpha's is a leak.
        const leaked = alphaMarkers.filter(
          (marker) => response.body.includes(marker) && !request.url.includes(marker),
        );
        expect(leaked, cell).toEqual([]);
      }
    });
  });
});
