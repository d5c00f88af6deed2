// SCIM 2.0 provisioning over real HTTP (docs/scim.md), on both dialects: the token's lifecycle,
// users and groups created, changed, deactivated and deleted with the bodies Okta and Entra ID
// send, filters and paging, uniqueness, organisation walls, the owner out of reach, and a
// deactivation that signs the user out and ends the reply they have streaming.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../src/identity/api-keys.js';
import { createOrg } from '../src/identity/orgs.js';
import { createUser, findUserById, type User } from '../src/identity/users.js';
import { openChatTestApp, startConversation, type ChatTestApp } from './helpers/chat-app.js';
import { fetchRunEvents, joinedText } from './helpers/run-events.js';
import { signIn, signInAs, type SignedIn } from './helpers/sign-in.js';
import { storeTargets } from './helpers/stores.js';

const targets = await storeTargets('SCIM');

const userSchema = 'urn:ietf:params:scim:schemas:core:2.0:User';
const groupSchema = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const patchOp = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const errorSchema = 'urn:ietf:params:scim:api:messages:2.0:Error';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface ScimResponse {
  status: number;
  body: Json;
  headers: Headers;
}

describe.each(targets)('SCIM on $dialect', (target) => {
  let t: ChatTestApp;
  let baseUrl: string;
  let owner: SignedIn;
  let member: SignedIn;
  let otherAdmin: SignedIn;
  let token: string;
  let otherToken: string;

  const db = () => t.runtime.store.db;

  async function call(
    method: string,
    path: string,
    options: {
      token?: string;
      body?: unknown;
      type?: string;
      headers?: Record<string, string>;
    } = {},
  ): Promise<ScimResponse> {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        ...(options.token && { authorization: `Bearer ${options.token}` }),
        ...(options.body !== undefined && {
          'content-type': options.type ?? 'application/scim+json',
        }),
        ...options.headers,
      },
      ...(options.body !== undefined && {
        body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
      }),
    });
    const text = await response.text();
    return {
      status: response.status,
      body: text ? (JSON.parse(text) as Json) : {},
      headers: response.headers,
    };
  }
  const scim = (method: string, path: string, body?: unknown, as = token) =>
    call(method, `/scim/v2${path}`, { token: as, body });
  const expectError = (response: ScimResponse, status: number, scimType?: string) => {
    expect(response.status, JSON.stringify(response.body)).toBe(status);
    expect(response.body).toMatchObject({ schemas: [errorSchema], status: String(status) });
    expect(response.body.scimType).toBe(scimType);
    expect(typeof response.body.detail).toBe('string');
    return response.body.detail as string;
  };
  const ok = (response: ScimResponse, status = 200) => {
    expect(response.status, JSON.stringify(response.body)).toBe(status);
    return response.body;
  };
  const newToken = async (who: SignedIn) => {
    const made = await call('POST', '/api/admin/scim-token', { headers: who.headers });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    return made.body as { token: string; baseUrl: string };
  };
  const auditActions = async (orgId: string, prefix = 'scim.') => {
    const rows = await db()
      .selectFrom('audit_events')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('action', 'like', `${prefix}%`)
      .orderBy('seq')
      .execute();
    return rows;
  };
  const oktaUser = (email: string, externalId: string) => ({
    schemas: [userSchema],
    userName: email,
    name: { givenName: 'Ada', familyName: 'Lovelace' },
    emails: [{ primary: true, value: email, type: 'work' }],
    displayName: 'Ada Lovelace',
    locale: 'en-US',
    externalId,
    groups: [],
    password: 'ignored-by-salon',
    active: true,
  });
  const entraUser = (email: string, externalId: string) => ({
    schemas: [userSchema, 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'],
    externalId,
    userName: email,
    active: true,
    displayName: 'Grace Hopper',
    emails: [{ primary: true, type: 'work', value: email }],
    meta: { resourceType: 'User' },
    name: { formatted: 'Grace Hopper', familyName: 'Hopper', givenName: 'Grace' },
    roles: [],
    'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { department: 'Navy' },
  });
  const provision = async (email: string, body: Json = oktaUser(email, `ext-${email}`)) =>
    ok(await scim('POST', '/Users', body), 201);
  const patch = (path: string, ...Operations: object[]) =>
    scim('PATCH', path, { schemas: [patchOp], Operations });

  beforeAll(async () => {
    t = await openChatTestApp(target);
    baseUrl = await t.app.listen({ port: 0, host: '127.0.0.1' });
    owner = await signIn(db(), { role: 'owner', email: 'owner@example.com' });
    member = await signIn(db(), { role: 'member', email: 'member@example.com' });
    const other = await createOrg(db(), { name: 'Other Co' });
    otherAdmin = await signInAs(
      db(),
      await createUser(db(), { email: 'admin@other.example', role: 'admin', orgId: other.id }),
    );
    otherToken = (await newToken(otherAdmin)).token;
  });
  afterAll(async () => {
    await t?.dispose();
  });

  it('makes, replaces and revokes the token; a wrong or revoked token gets 401 in SCIM shape', async () => {
    expectError(await scim('GET', '/Users', undefined, ''), 401);
    const unauthenticated = await scim('GET', '/Users', undefined, `scim-${'x'.repeat(40)}`);
    expectError(unauthenticated, 401);
    expect(unauthenticated.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(unauthenticated.headers.get('content-type')).toMatch(/^application\/scim\+json/);

    const refused = await call('POST', '/api/admin/scim-token', { headers: member.headers });
    expect(refused.status).toBe(403);
    const first = await newToken(owner);
    expect(first.token).toMatch(/^scim-[0-9A-Za-z]{40}$/);
    expect(first.baseUrl).toBe(`${baseUrl}/scim/v2`);
    const config = await scim('GET', '/ServiceProviderConfig', undefined, first.token);
    expect(ok(config)).toMatchObject({ patch: { supported: true }, filter: { supported: true } });
    expect(config.headers.get('content-type')).toMatch(/^application\/scim\+json/);

    const second = await newToken(owner);
    expectError(await scim('GET', '/Users', undefined, first.token), 401);
    ok(await scim('GET', '/Users', undefined, second.token));
    const revoked = await call('DELETE', '/api/admin/scim-token', { headers: owner.headers });
    expect(revoked.status).toBe(204);
    expectError(await scim('GET', '/Users', undefined, second.token), 401);
    // The other organisation's token is its own business.
    ok(await scim('GET', '/Users', undefined, otherToken));

    const org = await db()
      .selectFrom('orgs')
      .selectAll()
      .where('id', '=', owner.user.orgId)
      .executeTakeFirstOrThrow();
    expect(org.scim_token_hash).toBeNull();
    const events = await auditActions(owner.user.orgId, 'scim.token');
    expect(events.map((event) => [event.action, event.actor_label])).toEqual([
      ['scim.token_created', 'owner@example.com'],
      ['scim.token_created', 'owner@example.com'],
      ['scim.token_revoked', 'owner@example.com'],
    ]);
    token = (await newToken(owner)).token;
    const stored = await db()
      .selectFrom('orgs')
      .select('scim_token_hash')
      .where('id', '=', owner.user.orgId)
      .executeTakeFirstOrThrow();
    expect(stored.scim_token_hash).toMatch(/^[0-9a-f]{64}$/);
    const everything = JSON.stringify(await db().selectFrom('audit_events').selectAll().execute());
    for (const secret of [first.token, second.token, token])
      expect(everything).not.toContain(secret);
  });

  it('provisions, changes, deactivates, reactivates and deletes a user as Okta does', async () => {
    const created = await call('POST', '/scim/v2/Users', {
      token,
      body: oktaUser('Ada@Example.com', '00u1okta'),
    });
    const ada = ok(created, 201);
    expect(ada).toMatchObject({
      schemas: [userSchema],
      userName: 'ada@example.com',
      externalId: '00u1okta',
      displayName: 'Ada Lovelace',
      active: true,
      emails: [{ value: 'ada@example.com', primary: true }],
      meta: { resourceType: 'User', location: `${baseUrl}/scim/v2/Users/${ada.id}` },
    });
    expect(created.headers.get('location')).toBe(ada.meta.location);
    expect((await findUserById(db(), ada.id))?.orgId).toBe(owner.user.orgId);

    // Okta looks the user up before pushing, by userName in any case.
    const found = ok(
      await scim(
        'GET',
        `/Users?filter=${encodeURIComponent('userName eq "ADA@example.com"')}&startIndex=1&count=100`,
      ),
    );
    expect(found).toMatchObject({ totalResults: 1, startIndex: 1, itemsPerPage: 1 });
    expect(found.Resources[0].id).toBe(ada.id);
    expect(ok(await scim('GET', `/Users/${ada.id}`)).userName).toBe('ada@example.com');

    const off = ok(await patch(`/Users/${ada.id}`, { op: 'replace', value: { active: false } }));
    expect(off.active).toBe(false);
    expect((await findUserById(db(), ada.id))?.disabledAt).not.toBeNull();
    const on = ok(await patch(`/Users/${ada.id}`, { op: 'replace', value: { active: true } }));
    expect(on.active).toBe(true);

    const replaced = ok(
      await scim('PUT', `/Users/${ada.id}`, {
        ...oktaUser('ada@example.com', '00u1okta'),
        name: { givenName: 'Ada', familyName: 'King' },
        displayName: undefined,
      }),
    );
    expect(replaced).toMatchObject({ displayName: 'Ada King', active: true });

    expect(ok(await scim('DELETE', `/Users/${ada.id}`), 204)).toEqual({});
    expectError(await scim('GET', `/Users/${ada.id}`), 404);
    expect(await findUserById(db(), ada.id)).toBeUndefined();
    expectError(await scim('DELETE', `/Users/${ada.id}`), 404);

    const events = (await auditActions(owner.user.orgId, 'scim.user')).filter(
      (event) => event.target_id === ada.id,
    );
    expect(events.map((event) => event.action)).toEqual([
      'scim.user_created',
      'scim.user_deactivated',
      'scim.user_reactivated',
      'scim.user_updated',
      'scim.user_deleted',
    ]);
    expect(new Set(events.map((event) => event.actor_label))).toEqual(new Set(['scim']));
    expect(JSON.parse(events[3]!.details)).toMatchObject({ changed: ['displayName'] });
  });

  it('provisions and patches a user as Entra ID does (plain JSON, "False" strings, paths)', async () => {
    const created = await call('POST', '/scim/v2/Users', {
      token,
      body: entraUser('grace@example.com', 'aad-1'),
      type: 'application/json',
    });
    const grace = ok(created, 201);
    expect(grace).toMatchObject({ displayName: 'Grace Hopper', externalId: 'aad-1', active: true });
    const byExternalId = ok(
      await scim('GET', `/Users?filter=${encodeURIComponent('externalId eq "aad-1"')}`),
    );
    expect(byExternalId.Resources.map((user: Json) => user.id)).toEqual([grace.id]);

    const changed = ok(
      await patch(
        `/Users/${grace.id}`,
        { op: 'Replace', path: 'displayName', value: 'Rear Admiral Hopper' },
        {
          op: 'Add',
          path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department',
          value: 'R&D',
        },
        { op: 'Replace', path: 'emails[type eq "work"].value', value: 'grace@example.com' },
        { op: 'Replace', path: 'userName', value: 'hopper@example.com' },
        { op: 'Replace', path: 'active', value: 'False' },
      ),
    );
    expect(changed).toMatchObject({
      userName: 'hopper@example.com',
      displayName: 'Rear Admiral Hopper',
      active: false,
    });
    const back = ok(
      await patch(`/Users/${grace.id}`, { op: 'Replace', path: 'active', value: 'True' }),
    );
    expect(back.active).toBe(true);
    // Entra ID's group reads ask for these.
    const projected = ok(
      await scim('GET', `/Users/${grace.id}?attributes=userName,name.givenName`),
    );
    expect(Object.keys(projected).sort()).toEqual(['id', 'name', 'schemas', 'userName']);
    const without = ok(await scim('GET', `/Users/${grace.id}?excludedAttributes=groups,emails`));
    expect(without).not.toHaveProperty('groups');
    expect(without).not.toHaveProperty('emails');
    expect(without).toHaveProperty('userName');
  });

  it('refuses taken emails with 409 uniqueness and bad input with a clear 400', async () => {
    await provision('taken@example.com');
    expectError(
      await scim('POST', '/Users', oktaUser('TAKEN@example.com', 'x1')),
      409,
      'uniqueness',
    );
    // Anywhere on the instance: another organisation's account too.
    expect(
      expectError(
        await scim('POST', '/Users', oktaUser('admin@other.example', 'x2')),
        409,
        'uniqueness',
      ),
    ).toContain('admin@other.example');
    const other = await provision('other-name@example.com');
    expectError(
      await patch(`/Users/${other.id}`, {
        op: 'replace',
        path: 'userName',
        value: 'taken@example.com',
      }),
      409,
      'uniqueness',
    );
    expectError(
      await scim('PUT', `/Users/${other.id}`, oktaUser('owner@example.com', 'x3')),
      409,
      'uniqueness',
    );
    expect((await findUserById(db(), other.id))?.email).toBe('other-name@example.com');

    expect(
      expectError(await scim('POST', '/Users', { userName: 'not an email' }), 400, 'invalidValue'),
    ).toContain('not an email');
    expectError(await scim('POST', '/Users', { displayName: 'No Name' }), 400, 'invalidValue');
    expectError(
      await call('POST', '/scim/v2/Users', { token, body: '{"userName":' }),
      400,
      'invalidSyntax',
    );
    expectError(
      await scim('GET', `/Users?filter=${encodeURIComponent('userName co "a"')}`),
      400,
      'invalidFilter',
    );
    expectError(
      await scim('GET', `/Users?filter=${encodeURIComponent('title eq "x"')}`),
      400,
      'invalidFilter',
    );
    expectError(await scim('GET', '/Users?count=many'), 400, 'invalidValue');
    expectError(
      await patch(`/Users/${other.id}`, { op: 'replace', path: 'active', value: 'maybe' }),
      400,
      'invalidValue',
    );
    expectError(
      await scim('PATCH', `/Users/${other.id}`, { Operations: 'none' }),
      400,
      'invalidSyntax',
    );
    expectError(await scim('GET', '/Nothing'), 404);
  });

  it('pages through users with startIndex and count', async () => {
    for (let index = 0; index < 5; index++) await provision(`page-${index}@example.com`);
    const all = ok(await scim('GET', '/Users'));
    const ids = all.Resources.map((user: Json) => user.id);
    expect(all.totalResults).toBe(ids.length);
    expect(ids.length).toBeGreaterThanOrEqual(7);
    const page = ok(await scim('GET', '/Users?startIndex=3&count=2'));
    expect(page).toMatchObject({ totalResults: ids.length, startIndex: 3, itemsPerPage: 2 });
    expect(page.Resources.map((user: Json) => user.id)).toEqual(ids.slice(2, 4));
    const last = ok(await scim('GET', `/Users?startIndex=${ids.length}&count=10`));
    expect(last.Resources.map((user: Json) => user.id)).toEqual(ids.slice(-1));
    const countOnly = ok(await scim('GET', '/Users?count=0'));
    expect(countOnly).toMatchObject({ totalResults: ids.length, itemsPerPage: 0, Resources: [] });
    const none = ok(
      await scim('GET', `/Users?filter=${encodeURIComponent('userName eq "nobody@example.com"')}`),
    );
    expect(none).toMatchObject({ totalResults: 0, Resources: [] });
  });

  it('creates, changes and deletes groups as Okta and Entra ID do', async () => {
    const [a, b, c] = await Promise.all(
      ['g-a@example.com', 'g-b@example.com', 'g-c@example.com'].map((email) => provision(email)),
    );
    const created = await scim('POST', '/Groups', {
      schemas: [groupSchema],
      displayName: 'Engineering',
      members: [{ value: a!.id, display: 'g-a@example.com' }],
    });
    const group = ok(created, 201);
    expect(group).toMatchObject({
      displayName: 'Engineering',
      members: [{ value: a!.id, display: 'g-a@example.com' }],
    });
    expect(created.headers.get('location')).toBe(`${baseUrl}/scim/v2/Groups/${group.id}`);
    expect(ok(await scim('GET', `/Users/${a!.id}`)).groups).toEqual([
      { value: group.id, display: 'Engineering', $ref: `${baseUrl}/scim/v2/Groups/${group.id}` },
    ]);

    // Entra ID: add with a value list, then check membership with a filter.
    expect(
      (
        await patch(`/Groups/${group.id}`, {
          op: 'Add',
          path: 'members',
          value: [{ value: b!.id }, { value: c!.id }],
        })
      ).status,
    ).toBe(204);
    const filter = encodeURIComponent(`id eq "${group.id}" and members[value eq "${c!.id}"]`);
    expect(
      ok(await scim('GET', `/Groups?filter=${filter}&excludedAttributes=members`)),
    ).toMatchObject({
      totalResults: 1,
      Resources: [{ id: group.id, displayName: 'Engineering' }],
    });
    expect(
      ok(await scim('GET', `/Groups?filter=${filter}&excludedAttributes=members`)).Resources[0],
    ).not.toHaveProperty('members');
    // Okta: remove one member by value filter, rename with a pathless replace.
    expect(
      (await patch(`/Groups/${group.id}`, { op: 'remove', path: `members[value eq "${a!.id}"]` }))
        .status,
    ).toBe(204);
    expect(
      (
        await patch(`/Groups/${group.id}`, {
          op: 'replace',
          value: { id: group.id, displayName: 'R&D' },
        })
      ).status,
    ).toBe(204);
    const afterPatch = ok(await scim('GET', `/Groups/${group.id}`));
    expect(afterPatch.displayName).toBe('R&D');
    expect(afterPatch.members.map((m: Json) => m.value).sort()).toEqual([b!.id, c!.id].sort());
    const byName = ok(
      await scim('GET', `/Groups?filter=${encodeURIComponent('displayName eq "R&D"')}`),
    );
    expect(byName.Resources.map((g: Json) => g.id)).toEqual([group.id]);

    const put = ok(
      await scim('PUT', `/Groups/${group.id}`, {
        schemas: [groupSchema],
        displayName: 'R&D',
        externalId: 'okta-g1',
        members: [{ value: a!.id }],
      }),
    );
    expect(put).toMatchObject({ externalId: 'okta-g1', members: [{ value: a!.id }] });

    ok(await scim('POST', '/Groups', { displayName: 'Sales' }), 201);
    expectError(await scim('POST', '/Groups', { displayName: 'Sales' }), 409, 'uniqueness');
    expectError(
      await patch(`/Groups/${group.id}`, { op: 'replace', path: 'displayName', value: 'Sales' }),
      409,
      'uniqueness',
    );
    expectError(await scim('POST', '/Groups', { members: [] }), 400, 'invalidValue');

    expect((await scim('DELETE', `/Groups/${group.id}`)).status).toBe(204);
    expectError(await scim('GET', `/Groups/${group.id}`), 404);
    const actions = (await auditActions(owner.user.orgId, 'scim.group'))
      .filter((event) => event.target_id === group.id)
      .map((event) => event.action);
    expect(actions).toEqual([
      'scim.group_created',
      'scim.group_updated',
      'scim.group_updated',
      'scim.group_updated',
      'scim.group_updated',
      'scim.group_deleted',
    ]);
  });

  it("keeps each organisation's users and groups out of the other's reach", async () => {
    const ours = await provision('wall@example.com');
    const ourGroup = ok(
      await scim('POST', '/Groups', { displayName: 'Walled', members: [{ value: ours.id }] }),
      201,
    );
    const theirs = ok(
      await scim('POST', '/Users', oktaUser('theirs@other.example', 'o-1'), otherToken),
      201,
    );

    const theirList = ok(await scim('GET', '/Users', undefined, otherToken));
    expect(theirList.Resources.map((user: Json) => user.userName).sort()).toEqual([
      'admin@other.example',
      'theirs@other.example',
    ]);
    const byName = ok(
      await scim(
        'GET',
        `/Users?filter=${encodeURIComponent('userName eq "wall@example.com"')}`,
        undefined,
        otherToken,
      ),
    );
    expect(byName.totalResults).toBe(0);
    expectError(await scim('GET', `/Users/${ours.id}`, undefined, otherToken), 404);
    expectError(
      await scim(
        'PATCH',
        `/Users/${ours.id}`,
        { Operations: [{ op: 'replace', value: { active: false } }] },
        otherToken,
      ),
      404,
    );
    expectError(
      await scim('PUT', `/Users/${ours.id}`, oktaUser('wall@example.com', 'x'), otherToken),
      404,
    );
    expectError(await scim('DELETE', `/Users/${ours.id}`, undefined, otherToken), 404);
    expect((await findUserById(db(), ours.id))?.disabledAt).toBeNull();
    expect(ok(await scim('GET', '/Groups', undefined, otherToken)).totalResults).toBe(0);
    expectError(await scim('GET', `/Groups/${ourGroup.id}`, undefined, otherToken), 404);
    expectError(
      await scim(
        'PATCH',
        `/Groups/${ourGroup.id}`,
        { Operations: [{ op: 'remove', path: 'members' }] },
        otherToken,
      ),
      404,
    );
    expectError(await scim('DELETE', `/Groups/${ourGroup.id}`, undefined, otherToken), 404);
    // Their user can't be put in our group, nor ours in theirs.
    expectError(
      await patch(`/Groups/${ourGroup.id}`, {
        op: 'add',
        path: 'members',
        value: [{ value: theirs.id }],
      }),
      404,
    );
    expectError(
      await scim(
        'POST',
        '/Groups',
        { displayName: 'Theirs', members: [{ value: ours.id }] },
        otherToken,
      ),
      404,
    );
    expect(
      ok(await scim('GET', `/Groups/${ourGroup.id}`)).members.map((m: Json) => m.value),
    ).toEqual([ours.id]);
  });

  it("never deactivates or deletes the organisation's owner", async () => {
    expectError(
      await patch(`/Users/${owner.user.id}`, { op: 'replace', path: 'active', value: false }),
      403,
    );
    expectError(
      await scim('PUT', `/Users/${owner.user.id}`, {
        userName: 'owner@example.com',
        active: false,
      }),
      403,
    );
    expectError(await scim('DELETE', `/Users/${owner.user.id}`), 403);
    const still = await findUserById(db(), owner.user.id);
    expect(still).toMatchObject({ role: 'owner', disabledAt: null });
    expect((await call('GET', '/api/conversations', { headers: owner.headers })).status).toBe(200);
  });

  // Twelve pieces sent 150 ms apart: the reply is still streaming when the deactivation lands.
  const story = Array.from({ length: 12 }, (_, i) => `w${String(i).padStart(2, '0')} `).join('');

  /** A provisioned user, signed in, with an API key, and a reply streaming to them. */
  async function streamingUser(email: string) {
    const provisioned = await provision(email);
    const user = (await findUserById(db(), provisioned.id)) as User;
    const session = await signInAs(db(), user);
    const { key } = await createApiKey(db(), { name: 'laptop', userId: user.id });
    const withKey = { authorization: `Bearer ${key}` };
    expect((await call('GET', '/v1/models', { headers: withKey })).status).toBe(200);
    t.chat.script = [{ kind: 'reply', text: story, chunks: 12, chunkDelayMs: 150 }];
    const run = await startConversation(t.app, session.headers, 'Tell me a story');
    return { id: provisioned.id as string, user, session, withKey, run };
  }
  const messageRow = (id: string) =>
    db()
      .selectFrom('messages')
      .select(['status', 'content'])
      .where('id', '=', id)
      .executeTakeFirst();

  it('deactivation signs the user out at once and ends the reply they have streaming', async () => {
    const { id, user, session, withKey, run } = await streamingUser('leaver@example.com');
    let deactivated: Promise<ScimResponse> | undefined;
    const events = await fetchRunEvents(baseUrl, run.runId, session.headers, {
      onEvent: (event) => {
        if (event.id === 2 && !deactivated) {
          deactivated = patch(`/Users/${id}`, { op: 'Replace', path: 'active', value: 'False' });
        }
      },
    });
    expect(ok(await deactivated!).active).toBe(false);
    expect(events.at(-1)).toMatchObject({ event: 'finish', data: { finishReason: 'abort' } });
    expect(joinedText(events).length).toBeLessThan(story.length);
    expect(await messageRow(run.assistantMessage.id)).toMatchObject({ status: 'stopped' });

    expect((await call('GET', '/api/conversations', { headers: session.headers })).status).toBe(
      401,
    );
    expect((await call('GET', '/v1/models', { headers: withKey })).status).toBe(401);
    expect(
      await db().selectFrom('sessions').select('id').where('user_id', '=', id).execute(),
    ).toEqual([]);

    // Reactivated, they can sign in again (a new session) and their key works again.
    expect(ok(await patch(`/Users/${id}`, { op: 'replace', value: { active: true } })).active).toBe(
      true,
    );
    const again = await signInAs(db(), user);
    expect((await call('GET', '/api/conversations', { headers: again.headers })).status).toBe(200);
    expect((await call('GET', '/v1/models', { headers: withKey })).status).toBe(200);
  });

  it('deletion ends the streaming reply too, and the account with it', async () => {
    const { id, session, withKey, run } = await streamingUser('gone@example.com');
    let deleted: Promise<ScimResponse> | undefined;
    const events = await fetchRunEvents(baseUrl, run.runId, session.headers, {
      onEvent: (event) => {
        if (event.id === 2 && !deleted) deleted = scim('DELETE', `/Users/${id}`);
      },
    });
    expect((await deleted!).status).toBe(204);
    expect(events.at(-1)).toMatchObject({ event: 'finish', data: { finishReason: 'abort' } });
    expect((await call('GET', '/api/conversations', { headers: session.headers })).status).toBe(
      401,
    );
    expect((await call('GET', '/v1/models', { headers: withKey })).status).toBe(401);
    expect(await messageRow(run.assistantMessage.id)).toBeUndefined();
    await expect.poll(() => t.runtime.runs.activeCount, { timeout: 10_000 }).toBe(0);
  });
});
