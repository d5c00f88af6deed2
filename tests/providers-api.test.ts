// Providers connected from the web UI (docs/web-api.md, "Providers") on both dialects, against
// fake OpenAI-style upstreams: owner/admin only, models discovered or given, served at once on
// /api/models and /v1, the key stored only encrypted, metadata addresses refused, removal, and
// a restart that loads them again (salon.yaml winning a name, a wrong SALON_SECRET reported).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { resolveSettings } from '../src/config/settings.js';
import { createApiKey } from '../src/identity/api-keys.js';
import { buildApp } from '../src/server/app.js';
import { openRuntime } from '../src/server/runtime.js';
import { startFakeOpenAI, type FakeUpstream } from './helpers/fake-openai.js';
import { injectRunEvents } from './helpers/run-events.js';
import { signIn, signInAs, type SignedIn } from './helpers/sign-in.js';
import { storeTargets, type TestDatabase } from './helpers/stores.js';

const targets = await storeTargets('providers API');
const secret = 'a test secret that is long enough';

// Runs `action` with console.error captured; returns what was written.
async function quietly(action: () => Promise<void>): Promise<string> {
  const log = vi.spyOn(console, 'error').mockImplementation(() => undefined);
  try {
    await action();
    return log.mock.calls.flat().join('\n');
  } finally {
    log.mockRestore();
  }
}

describe.each(targets)('providers API on $dialect', (target) => {
  let database: TestDatabase;
  let dataDir: string;
  let upstream: FakeUpstream;
  let other: FakeUpstream;
  let app: FastifyInstance;
  let runtime: Awaited<ReturnType<typeof openRuntime>>;
  let owner: SignedIn;
  let member: SignedIn;
  let apiKey: string;

  // Opens Salon on the test database, as `salon serve` would (a restart when called again).
  async function start(env: NodeJS.ProcessEnv = { SALON_SECRET: secret }, config?: string) {
    await app?.close();
    await runtime?.close();
    const { databaseUrl } = database.options;
    // The fake upstreams listen on 127.0.0.1, which the operator allows here (as for a local
    // Ollama); tests/attacks/ssrf.test.ts covers the refusal without it.
    const settings = resolveSettings(
      { dataDir, config },
      {
        SALON_UPSTREAM_ALLOW: '127.0.0.1',
        ...env,
        ...(databaseUrl && { DATABASE_URL: databaseUrl }),
      },
    );
    runtime = await openRuntime(settings);
    app = await buildApp(runtime);
  }

  beforeAll(async () => {
    database = await target.createDatabase();
    dataDir = database.options.databaseUrl
      ? await mkdtemp(path.join(os.tmpdir(), 'salon-providers-'))
      : database.options.dataDir;
    upstream = await startFakeOpenAI([{ kind: 'reply', text: 'Bonjour depuis Acme !', chunks: 3 }]);
    upstream.models = ['acme-large', 'acme-small'];
    other = await startFakeOpenAI([{ kind: 'reply', text: 'from the config' }]);
    await start();
    owner = await signIn(runtime.store.db, { role: 'owner' });
    member = await signIn(runtime.store.db, { role: 'member' });
    apiKey = (await createApiKey(runtime.store.db, { name: 'tests' })).key;
  });
  afterAll(async () => {
    await app?.close();
    await runtime?.close();
    await Promise.all([upstream?.close(), other?.close()]);
    await database?.drop();
    if (database?.options.databaseUrl) await rm(dataDir, { recursive: true, force: true });
  });

  const call = (who: SignedIn | null, method: string, url: string, payload?: object) =>
    app.inject({
      method: method as 'GET',
      url,
      headers: who?.headers ?? {},
      ...(payload !== undefined && { payload }),
    });
  const v1 = (method: 'GET' | 'POST', url: string, payload?: object) =>
    app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${apiKey}` },
      ...(payload !== undefined && { payload }),
    });
  const modelIds = async () =>
    (await call(member, 'GET', '/api/models')).json<{ models: { id: string }[] }>().models;
  const v1ModelIds = async () =>
    (await v1('GET', '/v1/models')).json<{ data: { id: string }[] }>().data.map((m) => m.id);

  it('is for owners and admins, behind the CSRF check', async () => {
    expect((await call(null, 'GET', '/api/providers')).statusCode).toBe(401);
    for (const [method, url] of [
      ['GET', '/api/providers'],
      ['POST', '/api/providers'],
      ['DELETE', '/api/providers/prov-x'],
    ] as const) {
      const response = await call(member, method, url, method === 'POST' ? {} : undefined);
      expect(response.statusCode, `${method} ${url}`).toBe(403);
      expect(response.json().error.code).toBe('insufficient_role');
    }
    const noToken = await app.inject({
      method: 'POST',
      url: '/api/providers',
      headers: { cookie: owner.headers.cookie },
      payload: { name: 'acme', baseUrl: upstream.url },
    });
    expect(noToken.statusCode).toBe(403);
    expect(noToken.json().error.code).toBe('csrf_failed');
    expect((await call(owner, 'GET', '/api/providers')).json()).toEqual({ providers: [] });
  });

  it('refuses metadata and link-local base URLs and other bad input, changing nothing', async () => {
    for (const baseUrl of [
      'http://169.254.169.254/latest',
      'http://[fd00:ec2::254]/v1',
      'http://[::ffff:169.254.169.254]/v1',
    ]) {
      const response = await call(owner, 'POST', '/api/providers', { name: 'meta', baseUrl });
      expect(response.statusCode, baseUrl).toBe(400);
      expect(response.json().error).toMatchObject({
        code: 'invalid_base_url',
        param: 'baseUrl',
        message: expect.stringMatching(/link-local or cloud metadata address/),
      });
    }
    const bad = [
      [{ name: 'x', baseUrl: 'ftp://example.com' }, 'baseUrl'],
      [{ name: 'has space', baseUrl: upstream.url }, 'name'],
      [{ name: 'a/b', baseUrl: upstream.url }, 'name'],
      [{ name: 'x', baseUrl: upstream.url, models: [] }, 'models'],
      [{ name: 'x', baseUrl: upstream.url, models: ['two words'] }, 'models.0'],
      [{ name: 'x', baseUrl: upstream.url, extra: true }, null],
    ] as const;
    for (const [body, param] of bad) {
      const response = await call(owner, 'POST', '/api/providers', body);
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(response.json().error.param).toBe(param);
    }
    expect(upstream.modelRequests).toHaveLength(0);
    expect((await call(owner, 'GET', '/api/providers')).json()).toEqual({ providers: [] });
  });

  it('reports why models could not be discovered', async () => {
    upstream.models = { status: 401, message: 'Invalid API key' };
    const rejected = await call(owner, 'POST', '/api/providers', {
      name: 'acme',
      baseUrl: upstream.url,
      apiKey: 'sk-wrong',
    });
    expect(rejected.statusCode).toBe(400);
    expect(rejected.json().error).toMatchObject({
      code: 'model_discovery_failed',
      message: expect.stringMatching(/answered 401 \(Invalid API key\)/),
    });
    upstream.models = ['acme-large', 'acme-small'];
    const unreachable = await call(owner, 'POST', '/api/providers', {
      name: 'acme',
      baseUrl: 'http://127.0.0.1:1/v1',
    });
    expect(unreachable.statusCode).toBe(400);
    expect(unreachable.json().error.message).toMatch(/ECONNREFUSED/);
    expect((await call(owner, 'GET', '/api/providers')).json()).toEqual({ providers: [] });
  });

  it('connects a provider whose models are served at once, on /api and /v1', async () => {
    const created = await call(owner, 'POST', '/api/providers', {
      name: 'acme',
      baseUrl: upstream.url,
      apiKey: 'sk-acme-secret-42',
    });
    expect(created.statusCode, created.body).toBe(201);
    const provider = created.json();
    expect(provider).toEqual({
      id: expect.stringMatching(/^prov-/),
      name: 'acme',
      type: 'openai',
      baseUrl: upstream.url,
      models: ['acme-large', 'acme-small'],
      hasApiKey: true,
      createdAt: expect.any(String),
      routes: ['acme-large', 'acme-small'],
    });
    expect(JSON.stringify(provider)).not.toContain('sk-acme');
    expect(upstream.modelRequests.at(-1)!.headers.authorization).toBe('Bearer sk-acme-secret-42');
    expect((await call(owner, 'GET', '/api/providers')).json()).toEqual({ providers: [provider] });

    expect(await modelIds()).toEqual([
      { id: 'small', aliasOf: 'acme-large' },
      { id: 'acme-large' },
      { id: 'acme-small' },
    ]);
    expect(await v1ModelIds()).toEqual(['small', 'acme-large', 'acme-small']);

    const streamed = await v1('POST', '/v1/chat/completions', {
      model: 'acme-small',
      messages: [{ role: 'user', content: 'Salut' }],
      stream: true,
    });
    expect(streamed.statusCode).toBe(200);
    expect(streamed.headers['content-type']).toMatch(/^text\/event-stream/);
    const deltas = streamed.body
      .split('\n\n')
      .filter((line) => line.startsWith('data: {'))
      .map((line) => JSON.parse(line.slice(6)).choices?.[0]?.delta?.content ?? '');
    expect(deltas.join('')).toBe('Bonjour depuis Acme !');
    expect(streamed.body).toContain('data: [DONE]');
    const sent = upstream.requests.at(-1)!;
    expect(sent.body.model).toBe('acme-small');
    expect(sent.headers.authorization).toBe('Bearer sk-acme-secret-42');
  });

  it('stores the key encrypted only', async () => {
    const rows = await runtime.store.db.selectFrom('providers').selectAll().execute();
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(row.api_key_ciphertext).toMatch(/^v1:/);
    expect(JSON.stringify(row)).not.toContain('sk-acme-secret-42');
    expect(JSON.parse(row.models)).toEqual(['acme-large', 'acme-small']);
    expect(row.created_by).toBe(owner.user.id);
  });

  it('chats through it from the web UI', async () => {
    const conversation = (
      await call(member, 'POST', '/api/conversations', { model: 'acme-large' })
    ).json();
    const turn = await call(member, 'POST', `/api/conversations/${conversation.id}/messages`, {
      content: 'Bonjour',
      parentId: null,
    });
    expect(turn.statusCode, turn.body).toBe(201);
    const { events } = await injectRunEvents(app, turn.json().runId, member.headers);
    const text = events
      .filter((event) => event.event === 'text-delta')
      .map((event) => event.data.text)
      .join('');
    expect(text).toBe('Bonjour depuis Acme !');
    expect(events.at(-1)?.event).toBe('finish');
  });

  it('takes explicit models, serving a taken name as `provider/model`, and refuses taken names', async () => {
    const before = upstream.modelRequests.length;
    const second = await call(owner, 'POST', '/api/providers', {
      name: 'beta',
      baseUrl: upstream.url,
      models: ['acme-small', 'beta-1'],
    });
    expect(second.statusCode, second.body).toBe(201);
    expect(second.json()).toMatchObject({
      hasApiKey: false,
      routes: ['beta/acme-small', 'beta-1'],
    });
    expect(upstream.modelRequests).toHaveLength(before); // nothing to discover
    const again = await call(owner, 'POST', '/api/providers', {
      name: 'beta',
      baseUrl: upstream.url,
      models: ['x'],
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toMatchObject({ code: 'conflict', param: 'name' });
    expect(await v1ModelIds()).toEqual([
      'small',
      'acme-large',
      'acme-small',
      'beta/acme-small',
      'beta-1',
    ]);
  });

  it('loads stored providers at start, salon.yaml winning a name both use', async () => {
    const config = path.join(dataDir, 'salon.yaml');
    await writeFile(
      config,
      [
        'providers:',
        `  beta: { type: openai, base_url: "${other.url}" }`,
        'models:',
        '  - { name: configured, targets: [{ provider: beta, model: m }] }',
        '',
      ].join('\n'),
    );
    const logged = await quietly(() => start({ SALON_SECRET: secret }, config));
    expect(logged).toMatch(/provider 'beta' is not served: salon.yaml/);
    owner = await signInAs(runtime.store.db, owner.user);
    member = await signInAs(runtime.store.db, member.user);
    expect(await v1ModelIds()).toEqual(['small', 'configured', 'acme-large', 'acme-small']);
    const listed = (await call(owner, 'GET', '/api/providers')).json().providers;
    expect(listed.map((p: { name: string; routes: string[] }) => [p.name, p.routes])).toEqual([
      ['acme', ['acme-large', 'acme-small']],
      ['beta', []],
    ]);
    // The key was decrypted at start: it reaches the upstream.
    const reply = await v1('POST', '/v1/chat/completions', {
      model: 'acme-large',
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(reply.statusCode, reply.body).toBe(200);
    expect(upstream.requests.at(-1)!.headers.authorization).toBe('Bearer sk-acme-secret-42');
  });

  it('removes a provider and its routes; 404 for an unknown id', async () => {
    const [acme, beta] = (await call(owner, 'GET', '/api/providers')).json().providers;
    expect((await call(owner, 'DELETE', `/api/providers/${acme.id}`)).statusCode).toBe(204);
    expect(await v1ModelIds()).toEqual(['configured']);
    expect(await modelIds()).toEqual([{ id: 'configured' }]);
    const gone = await v1('POST', '/v1/chat/completions', {
      model: 'acme-large',
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(gone.statusCode).toBe(404);
    expect((await call(owner, 'DELETE', `/api/providers/${acme.id}`)).statusCode).toBe(404);
    // Deleting the stored `beta` leaves salon.yaml's provider of that name serving.
    expect((await call(owner, 'DELETE', `/api/providers/${beta.id}`)).statusCode).toBe(204);
    expect(await v1ModelIds()).toEqual(['configured']);
    expect((await call(owner, 'GET', '/api/providers')).json()).toEqual({ providers: [] });
  });

  it('reports a key it cannot decrypt at start and serves the rest', async () => {
    await start();
    owner = await signInAs(runtime.store.db, owner.user);
    const created = await call(owner, 'POST', '/api/providers', {
      name: 'locked',
      baseUrl: upstream.url,
      apiKey: 'sk-locked',
      models: ['locked-model'],
    });
    expect(created.statusCode).toBe(201);
    const logged = await quietly(() => start({ SALON_SECRET: 'another secret' }));
    expect(logged).toMatch(
      /provider 'locked' is not served: A stored secret was encrypted with another key/,
    );
    expect(await v1ModelIds()).toEqual([]);
  });
});
