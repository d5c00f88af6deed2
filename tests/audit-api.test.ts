// The audit log through the real app (docs/audit.md), on both dialects: each security-relevant
// action leaves one event naming its actor, target and address, and never a password, key or
// message; the viewer's filters, cursor and organisation walls; the JSON-lines export.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../src/governance/audit-log.js';
import { verifyAuditChain } from '../src/governance/audit-log.js';
import { createOrg } from '../src/identity/orgs.js';
import { createUser } from '../src/identity/users.js';
import { openApiTestApp, type ApiTestApp } from './helpers/api-app.js';
import { signIn, signInAs, type SignedIn } from './helpers/sign-in.js';
import { storeTargets } from './helpers/stores.js';

const targets = await storeTargets('audit log API');

const ownerEmail = 'owner@example.com';
const ownerPassword = 'correct horse battery';
const wrongPassword = 'not-the-password-xyz';
const upstreamKey = 'sk-upstream-secret-0123456789';
const messageText = 'the launch code is 0000 (private message)';
const clientIp = '203.0.113.7';

interface Page {
  data: AuditEvent[];
  nextBefore: number | null;
}

// A Hugging Face stand-in that has nothing: a pull starts (and is audited), then fails at once.
async function startEmptyHub(): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((_request, response) => response.writeHead(404).end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe.each(targets)('audit log API on $dialect', (target) => {
  let t: ApiTestApp;
  let hub: Awaited<ReturnType<typeof startEmptyHub>>;
  let owner: { id: string; headers: Record<string, string> };
  let member: SignedIn;
  let otherAdmin: SignedIn;
  const savedHub = process.env.SALON_HF_ENDPOINT;
  // The API key the first test creates and revokes, for the filter test.
  const made: { keyId?: string } = {};

  beforeAll(async () => {
    hub = await startEmptyHub();
    process.env.SALON_HF_ENDPOINT = hub.url;
    // The provider connected below points at 127.0.0.1, which the operator must allow.
    t = await openApiTestApp(target, { env: { SALON_UPSTREAM_ALLOW: '127.0.0.1' } });
  });
  afterAll(async () => {
    await t?.dispose();
    await hub?.close();
    if (savedHub === undefined) delete process.env.SALON_HF_ENDPOINT;
    else process.env.SALON_HF_ENDPOINT = savedHub;
  });

  const call = (
    headers: Record<string, string> | undefined,
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    payload?: object,
  ) =>
    t.app.inject({
      method,
      url,
      headers: headers ?? {},
      remoteAddress: clientIp,
      ...(payload !== undefined && { payload }),
    });
  const ok = (response: LightMyRequestResponse, status = 200) => {
    expect(response.statusCode, response.body).toBe(status);
    return response;
  };
  const signInHeaders = (response: LightMyRequestResponse) => {
    const cookie = response.cookies.find((c) => c.name === 'salon_session')!;
    return {
      cookie: `salon_session=${cookie.value}`,
      'x-csrf-token': response.json<{ csrfToken: string }>().csrfToken,
    };
  };
  const page = async (who: Record<string, string>, query = '') =>
    ok(await call(who, 'GET', `/api/admin/audit${query}`)).json<Page>();
  const allEvents = async () =>
    (await t.runtime.store.db.selectFrom('audit_events').selectAll().orderBy('seq').execute()).map(
      (row) => ({ ...row, seq: Number(row.seq) }),
    );

  it('records every security-relevant action, with actor, target and address, no secret', async () => {
    const origin = { origin: 'http://localhost' };
    const setup = ok(
      await call(origin, 'POST', '/api/auth/setup', {
        email: ownerEmail,
        password: ownerPassword,
      }),
    );
    owner = { id: setup.json<{ user: { id: string } }>().user.id, headers: signInHeaders(setup) };
    expect(
      (
        await call(origin, 'POST', '/api/auth/login', {
          email: ownerEmail,
          password: wrongPassword,
        })
      ).statusCode,
    ).toBe(401);
    await call(origin, 'POST', '/api/auth/login', {
      email: 'nobody@example.com',
      password: wrongPassword,
    });
    const login = ok(
      await call(origin, 'POST', '/api/auth/login', { email: ownerEmail, password: ownerPassword }),
    );
    owner.headers = signInHeaders(login);
    const h = owner.headers;

    const user = ok(
      await call(h, 'POST', '/api/users', {
        email: 'ada@example.com',
        password: 'ada password 1',
        role: 'member',
      }),
      201,
    ).json<{ id: string }>();
    ok(await call(h, 'PATCH', `/api/users/${user.id}`, { role: 'admin' }));
    ok(await call(h, 'DELETE', `/api/users/${user.id}`), 204);

    const key = ok(await call(h, 'POST', '/api/admin/keys', { name: 'ci key' }), 201).json<{
      key: string;
      record: { id: string };
    }>();
    made.keyId = key.record.id;
    ok(await call(h, 'DELETE', `/api/admin/keys/${key.record.id}`));

    const provider = ok(
      await call(h, 'POST', '/api/providers', {
        name: 'acme',
        baseUrl: 'http://127.0.0.1:9/v1',
        apiKey: upstreamKey,
        models: ['acme-large'],
      }),
      201,
    ).json<{ id: string }>();
    ok(await call(h, 'DELETE', `/api/providers/${provider.id}`), 204);
    ok(await call(h, 'POST', '/api/models/pull', { id: 'mistral-nemo' }), 202);
    ok(await call(h, 'POST', '/api/admin/reload'));
    ok(await call(h, 'PUT', '/api/settings', { signupEnabled: true }));

    const conversation = ok(await call(h, 'POST', '/api/conversations', {}), 201).json<{
      id: string;
    }>();
    const c = conversation.id;
    // A message straight in the store: the export carries it, the audit log must not.
    const now = new Date().toISOString();
    await t.runtime.store.db
      .insertInto('messages')
      .values({
        id: 'msg-secret',
        conversation_id: conversation.id,
        parent_id: null,
        role: 'user',
        content: messageText,
        model: null,
        status: 'complete',
        error: null,
        run_id: null,
        prompt_tokens: null,
        completion_tokens: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await t.runtime.store.db
      .updateTable('conversations')
      .set({ selected_leaf_id: 'msg-secret' })
      .where('id', '=', c)
      .execute();
    const share = ok(
      await call(h, 'POST', `/api/conversations/${conversation.id}/share`),
      201,
    ).json<{ id: string }>();
    ok(await call(h, 'DELETE', `/api/shares/${share.id}`), 204);
    const markdown = ok(await call(h, 'GET', `/api/conversations/${c}/export?format=md`));
    expect(markdown.body).toContain('launch code');
    ok(await call(h, 'GET', `/api/conversations/${c}/export?format=json`));
    ok(await call(h, 'DELETE', `/api/conversations/${conversation.id}`), 204);
    ok(await call(h, 'POST', '/api/auth/logout-all'), 204);
    // A fresh session to sign out of.
    owner.headers = signInHeaders(
      ok(
        await call(origin, 'POST', '/api/auth/login', {
          email: ownerEmail,
          password: ownerPassword,
        }),
      ),
    );
    ok(await call(owner.headers, 'POST', '/api/auth/logout'), 204);
    owner.headers = signInHeaders(
      ok(
        await call(origin, 'POST', '/api/auth/login', {
          email: ownerEmail,
          password: ownerPassword,
        }),
      ),
    );

    const events = await allEvents();
    const summary = events.map((e) => [e.action, e.actor_label, e.target_type, e.target_id]);
    const o = owner.id;
    expect(summary).toEqual([
      ['org.owner_created', ownerEmail, 'user', o],
      ['auth.signed_in', ownerEmail, 'user', o],
      ['auth.sign_in_failed', ownerEmail, 'user', o],
      ['auth.sign_in_failed', 'nobody@example.com', null, null],
      ['auth.signed_in', ownerEmail, 'user', o],
      ['user.created', ownerEmail, 'user', user.id],
      ['user.role_changed', ownerEmail, 'user', user.id],
      ['user.deleted', ownerEmail, 'user', user.id],
      ['key.created', ownerEmail, 'api_key', key.record.id],
      ['key.revoked', ownerEmail, 'api_key', key.record.id],
      ['provider.connected', ownerEmail, 'provider', provider.id],
      ['provider.removed', ownerEmail, 'provider', provider.id],
      ['model.pull_started', ownerEmail, 'model', 'mistral-nemo'],
      ['gateway.reloaded', ownerEmail, null, null],
      ['settings.changed', ownerEmail, null, null],
      ['share.created', ownerEmail, 'conversation', c],
      ['share.revoked', ownerEmail, 'conversation', c],
      ['conversation.exported', ownerEmail, 'conversation', c],
      ['conversation.exported', ownerEmail, 'conversation', c],
      ['conversation.deleted', ownerEmail, 'conversation', c],
      ['auth.signed_out_everywhere', ownerEmail, null, null],
      ['auth.signed_in', ownerEmail, 'user', o],
      ['auth.signed_out', ownerEmail, null, null],
      ['auth.signed_in', ownerEmail, 'user', o],
    ]);
    for (const event of events) {
      expect(event.ip, event.action).toBe(clientIp);
      expect(event.actor_id, event.action).toBe(event.action.endsWith('_failed') ? null : o);
    }
    const byAction = (action: string) => events.filter((e) => e.action === action);
    // The instance's own settings and providers belong to no organisation.
    for (const action of [
      'provider.connected',
      'model.pull_started',
      'gateway.reloaded',
      'settings.changed',
    ]) {
      expect(byAction(action)[0]!.org_id, action).toBeNull();
    }
    expect(byAction('user.created')[0]!.org_id).toBe('org_default');
    expect(byAction('auth.sign_in_failed')[1]!.org_id).toBeNull();
    expect(JSON.parse(byAction('user.role_changed')[0]!.details)).toEqual({
      email: 'ada@example.com',
      from: 'member',
      to: 'admin',
    });
    expect(JSON.parse(byAction('settings.changed')[0]!.details)).toEqual({ signupEnabled: true });
    expect(JSON.parse(byAction('provider.connected')[0]!.details)).toMatchObject({
      name: 'acme',
      hasApiKey: true,
    });
    expect(byAction('conversation.exported').map((e) => JSON.parse(e.details))).toEqual([
      { format: 'md' },
      { format: 'json' },
    ]);
    const stored = JSON.stringify(events);
    for (const secret of [ownerPassword, wrongPassword, key.key, upstreamKey, share.id]) {
      expect(stored).not.toContain(secret);
    }
    expect(stored).not.toContain('launch code');
    expect(await verifyAuditChain(t.runtime.store.db)).toMatchObject({ ok: true, problems: [] });
  });

  it('records nothing for a refused action', async () => {
    const before = (await allEvents()).length;
    member = await signIn(t.runtime.store.db, { email: 'member@example.com' });
    const h = owner.headers;
    expect((await call(h, 'POST', '/api/users', { email: 'bad', role: 'member' })).statusCode).toBe(
      400,
    );
    expect((await call(h, 'DELETE', '/api/admin/keys/key_nope')).statusCode).toBe(404);
    expect((await call(h, 'POST', '/api/models/pull', { id: 'not-a-model' })).statusCode).toBe(400);
    expect((await call(h, 'PUT', '/api/settings', { signupEnabled: 'yes' })).statusCode).toBe(400);
    expect(
      (await call(member.headers, 'PATCH', `/api/users/${owner.id}`, { role: 'member' }))
        .statusCode,
    ).toBe(403);
    expect((await allEvents()).length).toBe(before);
  });

  it('shows an organisation admin their organisation’s events, newest first, page by page', async () => {
    const all = await page(owner.headers, '?limit=500');
    expect(all.nextBefore).toBeNull();
    const seqs = all.data.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    expect(all.data.length).toBe((await allEvents()).length);
    expect(all.data[0]).toMatchObject({ action: 'auth.signed_in', actorLabel: ownerEmail });
    expect(all.data[0]!.hash).toMatch(/^[0-9a-f]{64}$/);

    const paged: number[] = [];
    let cursor = '';
    for (let pages = 0; pages < 50; pages++) {
      const next = await page(owner.headers, `?limit=7${cursor}`);
      paged.push(...next.data.map((e) => e.seq));
      if (next.nextBefore === null) break;
      cursor = `&before=${next.nextBefore}`;
    }
    expect(paged).toEqual(seqs);
  });

  it('filters by action (exact or a family), actor, target and time', async () => {
    const actions = async (query: string) =>
      (await page(owner.headers, query)).data.map((e) => e.action);
    expect(await actions('?action=user.deleted')).toEqual(['user.deleted']);
    expect(await actions('?action=user.*')).toEqual([
      'user.deleted',
      'user.role_changed',
      'user.created',
    ]);
    expect(await actions('?action=auth.sign_in_failed&actor=nobody@example.com')).toEqual([
      'auth.sign_in_failed',
    ]);
    expect(await actions(`?target=${made.keyId!}`)).toEqual(['key.revoked', 'key.created']);
    const byId = await page(owner.headers, `?actor=${owner.id}&action=share.*`);
    expect(byId.data.map((e) => e.action)).toEqual(['share.revoked', 'share.created']);
    const created = (await page(owner.headers, '?action=user.created')).data[0]!;
    const later = new Date(Date.parse(created.createdAt) + 1).toISOString();
    expect(await actions(`?action=user.*&to=${encodeURIComponent(created.createdAt)}`)).toEqual([
      'user.created',
    ]);
    expect(await actions(`?action=user.created&from=${encodeURIComponent(later)}`)).toEqual([]);
    // An offset is understood as the instant it names.
    const shifted = new Date(Date.parse(created.createdAt)).toISOString().replace('Z', '+00:00');
    expect(await actions(`?action=user.created&from=${encodeURIComponent(shifted)}`)).toEqual([
      'user.created',
    ]);
  });

  it('refuses bad filters with a 400 naming the field', async () => {
    for (const [query, param] of [
      ['?limit=0', 'limit'],
      ['?limit=501', 'limit'],
      ['?before=abc', 'before'],
      ['?from=yesterday', 'from'],
      ['?colour=red', null],
    ] as const) {
      const response = await call(owner.headers, 'GET', `/api/admin/audit${query}`);
      expect(response.statusCode, query).toBe(400);
      expect(response.json().error.param, query).toBe(param);
    }
  });

  it('shows another organisation none of these events, and refuses members', async () => {
    const db = t.runtime.store.db;
    const otherOrg = await createOrg(db, { name: 'Other Co' });
    const otherUser = await createUser(db, {
      email: 'admin@other.example',
      role: 'admin',
      orgId: otherOrg.id,
    });
    otherAdmin = await signInAs(db, otherUser);
    const theirs = await page(otherAdmin.headers);
    expect(theirs).toEqual({ data: [], nextBefore: null });
    // Their own actions are theirs alone: the default organisation's owner does not see them.
    ok(await call(otherAdmin.headers, 'POST', '/api/admin/keys', { name: 'their key' }), 201);
    const own = await page(otherAdmin.headers);
    expect(own.data.map((e) => [e.action, e.actorLabel])).toEqual([
      ['key.created', 'admin@other.example'],
    ]);
    const ownersView = await page(owner.headers, '?actor=admin@other.example');
    expect(ownersView.data).toEqual([]);
    // Nor does the other organisation see the instance's own events.
    expect((await page(otherAdmin.headers, '?action=provider.*')).data).toEqual([]);
    expect((await page(owner.headers, '?action=provider.*')).data.length).toBe(2);

    for (const url of ['/api/admin/audit', '/api/admin/audit/export']) {
      const response = await call(member.headers, 'GET', url);
      expect(response.statusCode, url).toBe(403);
      expect(response.json().error.code).toBe('insufficient_role');
      expect((await call(undefined, 'GET', url)).statusCode, url).toBe(401);
    }
  });

  it('exports matching events as JSON lines in chain order, and audits the export', async () => {
    const response = ok(await call(owner.headers, 'GET', '/api/admin/audit/export?action=user.*'));
    expect(response.headers['content-type']).toMatch(/^application\/x-ndjson/);
    const lines = response.body.split('\n');
    expect(lines.pop()).toBe(''); // every line ends with a newline
    const events = lines.map((line) => JSON.parse(line) as AuditEvent);
    expect(events.map((e) => e.action)).toEqual([
      'user.created',
      'user.role_changed',
      'user.deleted',
    ]);
    for (const event of events) {
      expect(Object.keys(event).sort()).toEqual(
        [
          'seq',
          'id',
          'createdAt',
          'orgId',
          'actorId',
          'actorLabel',
          'action',
          'targetType',
          'targetId',
          'ip',
          'details',
          'prevHash',
          'hash',
        ].sort(),
      );
    }
    const [exported] = (await page(owner.headers, '?action=audit.exported')).data;
    expect(exported).toMatchObject({
      actorLabel: ownerEmail,
      ip: clientIp,
      details: { filter: { action: 'user.*' } },
    });

    // Unfiltered: every event in order, consecutive hashes linked, but not the export's own.
    const everything = ok(await call(owner.headers, 'GET', '/api/admin/audit/export'));
    const chain = everything.body
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as AuditEvent);
    const last = (await allEvents()).at(-1)!;
    expect(last.action).toBe('audit.exported');
    expect(chain.at(-1)!.seq).toBe(last.seq - 1);
    for (let i = 1; i < chain.length; i++) {
      if (chain[i]!.seq === chain[i - 1]!.seq + 1)
        expect(chain[i]!.prevHash).toBe(chain[i - 1]!.hash);
    }
    expect(chain.some((e) => e.actorLabel === 'admin@other.example')).toBe(false);
  });
});
