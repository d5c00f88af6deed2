// Quotas and model access (docs/quotas.md) through the web chat and /v1 alike, over fake upstream
// models whose token counts are known (7 prompt tokens + one per streamed piece): an
// organisation's budget refuses both once spent, naming the organisation, with Retry-After; a
// team's quota holds its members and no one else; a user's quota; another organisation's quotas
// never apply; a refused chat post stores nothing; model access hides and refuses a model for
// everyone but its teams' members and the owners and admins; and the admin API keeps each
// organisation to its own quotas. On both dialects, and the organisation budget on Redis too.
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../src/identity/api-keys.js';
import { OrgScope } from '../src/identity/org-scope.js';
import { createOrg, type Org } from '../src/identity/orgs.js';
import { createTeam, setTeamMember, type Team } from '../src/identity/teams.js';
import { createUser, type UserRole } from '../src/identity/users.js';
import type { UsageEventsTable } from '../src/store/database.js';
import { openChatTestApp, type ChatTestApp } from './helpers/chat-app.js';
import { hasRedis, redisTestUrl } from './helpers/redis.js';
import { injectRunEvents } from './helpers/run-events.js';
import { signInAs, type SignedIn } from './helpers/sign-in.js';
import { storeTargets, type StoreTarget } from './helpers/stores.js';

const targets = await storeTargets('quotas API');
const redisAvailable = await hasRedis('quotas API budgets');

const months = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
/** "1 December" when run in November (UTC): when a monthly budget renews. */
function nextMonthStart(): string {
  const now = new Date();
  return `1 ${months[(now.getUTCMonth() + 1) % 12]}`;
}

/** A member of an organisation: signed in, with an API key of their own. */
interface Person extends SignedIn {
  key: string;
}

/** What the suite does over one running Salon. */
function harness(get: () => ChatTestApp) {
  const db = () => get().runtime.store.db;
  let orgCounter = 0;
  const h = {
    async org(name = `Acme ${++orgCounter}`): Promise<Org> {
      return createOrg(db(), { name });
    },
    async person(org: Org, role: UserRole = 'member'): Promise<Person> {
      const email = `${role}-${Math.random().toString(36).slice(2)}@example.com`;
      const user = await createUser(db(), { email, role, orgId: org.id });
      const { key } = await createApiKey(db(), { name: 'own', userId: user.id });
      return { ...(await signInAs(db(), user)), key };
    },
    async team(org: Org, name: string, members: Person[]): Promise<Team> {
      const scope = new OrgScope(db(), org.id);
      const team = await createTeam(scope, { name });
      for (const member of members) await setTeamMember(scope, team.id, member.user.id, 'member');
      return team;
    },
    call(who: SignedIn, method: string, url: string, payload?: object) {
      return get().app.inject({
        method: method as 'GET',
        url,
        headers: who.headers,
        ...(payload !== undefined && { payload }),
      });
    },
    /** Posts a first message in a new conversation; waits for the reply's run when admitted. */
    async chat(who: SignedIn, model = 'chat') {
      const created = await h.call(who, 'POST', '/api/conversations', {});
      const conversationId = created.json<{ id: string }>().id;
      const url = `/api/conversations/${conversationId}/messages`;
      const posted = await h.call(who, 'POST', url, { content: 'Bonjour', parentId: null, model });
      if (posted.statusCode === 201) {
        await injectRunEvents(get().app, posted.json<{ runId: string }>().runId, who.headers);
      }
      return { posted, conversationId };
    },
    v1(who: Person, model = 'chat') {
      return get().app.inject({
        method: 'POST',
        url: '/v1/chat/completions',
        headers: { authorization: `Bearer ${who.key}` },
        payload: { model, messages: [{ role: 'user', content: 'Hi' }] },
      });
    },
    async setQuota(admin: SignedIn, body: object) {
      const response = await h.call(admin, 'PUT', '/api/admin/quotas', body);
      expect(response.statusCode, response.body).toBe(200);
      return response.json<{ id: string }>();
    },
    /** The user's ledger rows once `count` are written (the ledger writes every 250 ms). */
    async rows(userId: string, count: number): Promise<UsageEventsTable[]> {
      for (let attempt = 0; ; attempt++) {
        const rows = await db()
          .selectFrom('usage_events')
          .selectAll()
          .where('user_id', '=', userId)
          .orderBy('created_at')
          .execute();
        if (rows.length >= count || attempt > 100) return rows;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
  };
  return h;
}

function refusal(response: LightMyRequestResponse, status: number, code: string): string {
  expect(response.statusCode, response.body).toBe(status);
  const { error } = response.json<{ error: { code: string; message: string; type: string } }>();
  expect(error.code).toBe(code);
  return error.message;
}

/** The organisation budget, shared by the SQLite/PostgreSQL and the Redis runs. */
function organisationBudgetSuite(target: StoreTarget, env: NodeJS.ProcessEnv = {}) {
  let t: ChatTestApp;
  const h = harness(() => t);
  beforeAll(async () => {
    t = await openChatTestApp(target, { env });
  });
  afterAll(async () => {
    await t?.dispose();
  });

  it('refuses chat and /v1 once the organisation budget is spent, naming it, with Retry-After', async () => {
    const org = await h.org('Globex');
    const [admin, ada, bob] = [
      await h.person(org, 'admin'),
      await h.person(org),
      await h.person(org),
    ];
    await h.setQuota(admin, { scope: 'org', budgetTokens: 5 });
    // Admitted under the budget: its 10 tokens (7 + 3 pieces) overshoot it.
    const first = await h.chat(ada);
    expect(first.posted.statusCode, first.posted.body).toBe(201);
    const [row] = await h.rows(ada.user.id, 1);
    expect(row).toMatchObject({
      endpoint: 'chat',
      model: 'chat',
      target: 'chat/fake-chat',
      prompt_tokens: 7,
      completion_tokens: 3,
      status: 200,
      error_code: null,
      org_id: org.id,
      team_id: null,
    });
    expect(row!.ttft_ms).not.toBeNull();

    const expected = `Your organisation Globex has used its monthly budget of 5 tokens; it resets on ${nextMonthStart()}.`;
    const chatRefused = await h.chat(ada);
    expect(refusal(chatRefused.posted, 429, 'budget_exceeded')).toBe(expected);
    expect(Number(chatRefused.posted.headers['retry-after'])).toBeGreaterThan(0);
    // Another member, through /v1: the same organisation's budget, OpenAI's error shape.
    const v1Refused = await h.v1(bob);
    expect(refusal(v1Refused, 429, 'budget_exceeded')).toBe(expected);
    expect(v1Refused.json().error.type).toBe('rate_limit_error');
    expect(Number(v1Refused.headers['retry-after'])).toBeGreaterThan(0);

    // The refused post stored nothing: its conversation is empty, no orphan user message.
    const conversation = await h.call(
      ada,
      'GET',
      `/api/conversations/${chatRefused.conversationId}`,
    );
    expect(conversation.statusCode).toBe(200);
    const messages = await t.runtime.store.db
      .selectFrom('messages')
      .select('id')
      .where('conversation_id', '=', chatRefused.conversationId)
      .execute();
    expect(messages).toEqual([]);
    const refusedRows = await h.rows(ada.user.id, 2);
    expect(refusedRows[1]).toMatchObject({
      endpoint: 'chat',
      status: 429,
      error_code: 'budget_exceeded',
    });

    // The admin console's view: what the organisation used this month.
    const quotas = await h.call(admin, 'GET', '/api/admin/quotas');
    expect(quotas.json().data).toEqual([
      expect.objectContaining({
        scope: 'org',
        subjectId: org.id,
        subjectName: 'Globex',
        budgetTokens: 5,
        budgetPeriod: 'month',
        usage: expect.objectContaining({ period: 'month', tokens: 10 }),
      }),
    ]);
  });
}

describe.each(targets)('quotas and model access on $dialect', (target) => {
  describe('organisation budget', () => organisationBudgetSuite(target));

  describe('teams, users, model access and the admin API', () => {
    let t: ChatTestApp;
    const h = harness(() => t);
    beforeAll(async () => {
      t = await openChatTestApp(target);
    });
    afterAll(async () => {
      await t?.dispose();
    });

    it("holds a team's members to its quota (every team they are in counts) and no one else", async () => {
      const org = await h.org();
      const [admin, ada, bob] = [
        await h.person(org, 'admin'),
        await h.person(org),
        await h.person(org),
      ];
      await h.team(org, 'Sales', [ada]); // joined first: Ada's primary team, on her ledger rows
      // Joins in the same millisecond tie, and ties go by team id: make "first" unambiguous.
      await new Promise((resolve) => setTimeout(resolve, 5));
      const research = await h.team(org, 'Research', [ada]);
      await h.setQuota(admin, { scope: 'team', subjectId: research.id, budgetTokens: 5 });

      expect((await h.chat(ada)).posted.statusCode).toBe(201);
      const message = refusal((await h.chat(ada)).posted, 429, 'budget_exceeded');
      expect(message).toBe(
        `Your team Research has used its monthly budget of 5 tokens; it resets on ${nextMonthStart()}.`,
      );
      expect(refusal(await h.v1(ada), 429, 'budget_exceeded')).toBe(message);
      // Bob is in the organisation but not in Research.
      expect((await h.chat(bob)).posted.statusCode).toBe(201);
      expect((await h.v1(bob)).statusCode).toBe(200);
      const [row] = await h.rows(ada.user.id, 1);
      const sales = (await h.call(admin, 'GET', '/api/admin/quotas')).json().data;
      expect(sales[0]).toMatchObject({ subjectName: 'Research', usage: { tokens: 10 } });
      expect(row!.team_id).not.toBe(research.id); // the primary team: Sales, joined first
      expect(row!.org_id).toBe(org.id);
    });

    it("holds a user to their own quota, and ignores another organisation's quotas", async () => {
      const org = await h.org();
      const other = await h.org('Initech');
      const [admin, cy, dee] = [
        await h.person(org, 'admin'),
        await h.person(org),
        await h.person(org),
      ];
      const otherAdmin = await h.person(other, 'admin');
      await h.setQuota(admin, { scope: 'user', subjectId: cy.user.id, rpm: 1 });
      await h.setQuota(otherAdmin, { scope: 'org', rpm: 1 });

      expect((await h.v1(cy)).statusCode).toBe(200);
      const refused = await h.chat(cy);
      expect(refusal(refused.posted, 429, 'rate_limit_exceeded')).toMatch(
        /^Rate limit reached for your account: 1 requests per minute\. Try again in \d+ s\.$/,
      );
      expect(Number(refused.posted.headers['retry-after'])).toBeGreaterThan(0);
      // Dee is not Cy, and Initech's rpm of 1 is not theirs.
      for (let i = 0; i < 3; i++) expect((await h.chat(dee)).posted.statusCode).toBe(201);
    });

    it('opens a restricted model to its teams and to owners and admins only, in lists and posts', async () => {
      const org = await h.org('Umbrella');
      const [owner, admin, ada, bob] = [
        await h.person(org, 'owner'),
        await h.person(org, 'admin'),
        await h.person(org),
        await h.person(org),
      ];
      const research = await h.team(org, 'Research', [ada]);
      const outsider = await h.person(await h.org());
      const set = await h.call(admin, 'PUT', '/api/admin/model-access/chat', {
        teamIds: [research.id],
      });
      expect(set.statusCode, set.body).toBe(200);
      expect(set.json()).toMatchObject({ model: 'chat', teamIds: [research.id] });
      const listed = await h.call(admin, 'GET', '/api/admin/model-access');
      expect(listed.json().data).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ model: 'chat', teamIds: [research.id], served: true }),
          expect.objectContaining({ model: 'small', teamIds: [] }),
        ]),
      );

      const webModels = async (who: SignedIn) =>
        (await h.call(who, 'GET', '/api/models'))
          .json<{ models: { id: string }[] }>()
          .models.map((m) => m.id);
      const v1Models = async (who: Person) =>
        (
          await t.app.inject({
            method: 'GET',
            url: '/v1/models',
            headers: { authorization: `Bearer ${who.key}` },
          })
        )
          .json<{ data: { id: string }[] }>()
          .data.map((m) => m.id);

      // Bob is in no team of Umbrella: the model is hidden and refused, on both surfaces.
      expect(await webModels(bob)).toEqual(['small']);
      expect(await v1Models(bob)).toEqual(['small']);
      const chatRefused = await h.chat(bob);
      expect(refusal(chatRefused.posted, 403, 'model_not_allowed')).toBe(
        "The model 'chat' is open only to some teams of Umbrella, and you are in none of them: " +
          'ask an owner or admin of your organisation for access.',
      );
      const v1Refused = await h.v1(bob);
      expect(refusal(v1Refused, 403, 'model_not_allowed')).toMatch(/'chat'/);
      expect(v1Refused.json().error.type).toBe('permission_error');
      expect((await h.v1(bob, 'small')).statusCode).toBe(200);
      // The arena draws among Bob's models only: one is not enough for a battle.
      const battle = await h.call(bob, 'POST', '/api/arena/battles', { content: 'Hi' });
      refusal(battle, 400, 'arena_needs_two_models');

      // A member of Research, the owner and an admin, and another organisation, keep it.
      for (const who of [ada, owner, admin]) {
        expect(await webModels(who)).toEqual(['chat', 'small']);
        expect((await h.chat(who)).posted.statusCode).toBe(201);
        expect((await h.v1(who)).statusCode).toBe(200);
      }
      expect(await v1Models(ada)).toEqual(['chat', 'small']);
      expect(await webModels(outsider)).toEqual(['chat', 'small']);

      // Joining Research through the teams API opens it to Bob at once (the cache is invalidated).
      const joined = await h.call(
        admin,
        'PUT',
        `/api/admin/teams/${research.id}/members/${bob.user.id}`,
        { role: 'member' },
      );
      expect(joined.statusCode, joined.body).toBe(200);
      expect(await webModels(bob)).toEqual(['chat', 'small']);
      await h.call(admin, 'DELETE', `/api/admin/teams/${research.id}/members/${bob.user.id}`);
      expect(await webModels(bob)).toEqual(['small']);

      // An empty list opens it to everyone again.
      await h.call(admin, 'PUT', '/api/admin/model-access/chat', { teamIds: [] });
      expect(await webModels(bob)).toEqual(['chat', 'small']);
      const audited = await t.runtime.store.db
        .selectFrom('audit_events')
        .select(['action', 'target_id'])
        .where('org_id', '=', org.id)
        .where('action', '=', 'model_access.updated')
        .execute();
      expect(audited).toHaveLength(2);
    });

    it('counts both replies of an arena battle against the quotas', async () => {
      const org = await h.org();
      const [admin, eve] = [await h.person(org, 'admin'), await h.person(org)];
      await h.setQuota(admin, { scope: 'user', subjectId: eve.user.id, rpm: 3 });
      const battle = await h.call(eve, 'POST', '/api/arena/battles', { content: 'Hi' });
      expect(battle.statusCode, battle.body).toBe(201);
      const rows = await h.rows(eve.user.id, 2);
      expect(rows.map((row) => row.endpoint)).toEqual(['arena', 'arena']);
      // Two of three requests used: a second battle needs two and is refused as a whole.
      refusal(
        await h.call(eve, 'POST', '/api/arena/battles', { content: 'Hi' }),
        429,
        'rate_limit_exceeded',
      );
      expect((await h.v1(eve)).statusCode).toBe(200);
    });

    it("keeps each organisation's admins to its own quotas", async () => {
      const org = await h.org();
      const rival = await h.org();
      const [admin, member] = [await h.person(org, 'admin'), await h.person(org)];
      const rivalAdmin = await h.person(rival, 'admin');
      const team = await h.team(org, 'Research', [member]);
      const quota = await h.setQuota(admin, { scope: 'team', subjectId: team.id, rpm: 10 });

      expect((await h.call(rivalAdmin, 'GET', '/api/admin/quotas')).json().data).toEqual([]);
      for (const body of [
        { scope: 'team', subjectId: team.id, rpm: 1 },
        { scope: 'user', subjectId: member.user.id, rpm: 1 },
        { scope: 'org', subjectId: org.id, rpm: 1 },
      ]) {
        refusal(
          await h.call(rivalAdmin, 'PUT', '/api/admin/quotas', body),
          404,
          `${body.scope === 'org' ? 'organisation' : body.scope}_not_found`,
        );
      }
      refusal(
        await h.call(rivalAdmin, 'DELETE', `/api/admin/quotas/${quota.id}`),
        404,
        'quota_not_found',
      );
      refusal(
        await h.call(rivalAdmin, 'PUT', '/api/admin/model-access/chat', { teamIds: [team.id] }),
        404,
        'team_not_found',
      );
      refusal(await h.call(member, 'GET', '/api/admin/quotas'), 403, 'insufficient_role');
      refusal(
        await h.call(member, 'PUT', '/api/admin/quotas', { scope: 'org', rpm: 1 }),
        403,
        'insufficient_role',
      );
      // Still there, unchanged; bad input names its field.
      const listed = (await h.call(admin, 'GET', '/api/admin/quotas')).json().data;
      expect(listed).toEqual([expect.objectContaining({ id: quota.id, rpm: 10 })]);
      const bad = await h.call(admin, 'PUT', '/api/admin/quotas', { scope: 'org', rpm: -1 });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.param).toBe('rpm');
      refusal(
        await h.call(admin, 'PUT', '/api/admin/quotas', { scope: 'org' }),
        400,
        'empty_quota',
      );
      refusal(
        await h.call(admin, 'PUT', '/api/admin/quotas', { scope: 'team', rpm: 1 }),
        400,
        'invalid_request',
      );
      refusal(
        await h.call(admin, 'PUT', '/api/admin/model-access/nope', { teamIds: [team.id] }),
        404,
        'model_not_found',
      );

      const deleted = await h.call(admin, 'DELETE', `/api/admin/quotas/${quota.id}`);
      expect(deleted.statusCode).toBe(204);
      const actions = await t.runtime.store.db
        .selectFrom('audit_events')
        .select('action')
        .where('org_id', '=', org.id)
        .where('action', 'like', 'quota.%')
        .orderBy('seq')
        .execute();
      expect(actions.map((row) => row.action)).toEqual(['quota.updated', 'quota.deleted']);
    });
  });
});

describe.runIf(redisAvailable)('quotas on Redis counters', () => {
  organisationBudgetSuite(targets[0]!, { REDIS_URL: redisTestUrl });
});
