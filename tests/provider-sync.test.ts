// Providers connected from the web UI on two replicas of one database (docs/scale-out.md,
// "Connected providers"): one connected on A is served by B within seconds, with its models
// (and `small`, pointing at the first) on B's /api/models and a reply through B; removed on A, it is gone from B; replaced under the
// same name, B serves the new one. Both dialects (SQLite: two processes' worth of runtimes on
// one file).
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveSettings } from '../src/config/settings.js';
import { createApiKey } from '../src/identity/api-keys.js';
import { buildApp } from '../src/server/app.js';
import { openRuntime } from '../src/server/runtime.js';
import { providerSyncIntervalMs } from '../src/server/stored-provider-sync.js';
import { startFakeOpenAI, type FakeUpstream } from './helpers/fake-openai.js';
import { signIn, type SignedIn } from './helpers/sign-in.js';
import { storeTargets, type TestDatabase } from './helpers/stores.js';

const targets = await storeTargets('providers on two replicas');

interface Replica {
  app: FastifyInstance;
  runtime: Awaited<ReturnType<typeof openRuntime>>;
}

describe.each(targets)('providers on two replicas on $dialect', (target) => {
  let database: TestDatabase;
  let dataDir: string;
  let first: FakeUpstream;
  let second: FakeUpstream;
  let a: Replica;
  let b: Replica;
  let owner: SignedIn;
  let apiKey: string;

  async function replica(): Promise<Replica> {
    const { databaseUrl } = database.options;
    const settings = resolveSettings(
      { dataDir },
      {
        SALON_SECRET: 'a test secret shared by both replicas',
        SALON_UPSTREAM_ALLOW: '127.0.0.1',
        ...(databaseUrl && { DATABASE_URL: databaseUrl }),
      },
    );
    const runtime = await openRuntime(settings);
    return { runtime, app: await buildApp(runtime) };
  }

  beforeAll(async () => {
    database = await target.createDatabase();
    dataDir = database.options.databaseUrl
      ? await mkdtemp(path.join(os.tmpdir(), 'salon-provider-sync-'))
      : database.options.dataDir;
    first = await startFakeOpenAI([{ kind: 'reply', text: 'from the first upstream' }]);
    first.models = ['acme-large'];
    second = await startFakeOpenAI([{ kind: 'reply', text: 'from the second upstream' }]);
    second.models = ['acme-large', 'acme-mini'];
    a = await replica();
    b = await replica();
    owner = await signIn(a.runtime.store.db, { role: 'owner' });
    apiKey = (await createApiKey(a.runtime.store.db, { name: 'tests' })).key;
  });
  afterAll(async () => {
    for (const replica of [a, b]) {
      await replica?.app.close();
      await replica?.runtime.close();
    }
    await first?.close();
    await second?.close();
    if (database?.options.databaseUrl) await rm(dataDir, { recursive: true, force: true });
    await database?.drop();
  });

  const call = (on: Replica, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) =>
    on.app.inject({ method, url, headers: owner.headers, ...(payload && { payload }) });
  const modelIds = async (on: Replica) =>
    (await call(on, 'GET', '/api/models'))
      .json<{ models: { id: string }[] }>()
      .models.map((model) => model.id)
      .sort();
  /** Polls until `check` passes, for at most a few sync intervals. */
  async function eventually(check: () => Promise<void>): Promise<number> {
    const started = performance.now();
    const deadline = started + 4 * providerSyncIntervalMs + 2_000;
    for (;;) {
      try {
        await check();
        return performance.now() - started;
      } catch (error) {
        if (performance.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }
  const connect = async (upstream: FakeUpstream) => {
    const response = await call(a, 'POST', '/api/providers', {
      name: 'acme',
      baseUrl: upstream.url,
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json<{ id: string }>().id;
  };

  it('serves on B, within seconds, a provider connected on A, and drops it when removed', async () => {
    expect(await modelIds(b)).toEqual([]);
    const id = await connect(first);
    expect(await modelIds(a)).toEqual(['acme-large', 'small']);
    await eventually(async () => expect(await modelIds(b)).toEqual(['acme-large', 'small']));

    const reply = await b.app.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      headers: { authorization: `Bearer ${apiKey}` },
      payload: { model: 'acme-large', messages: [{ role: 'user', content: 'hello' }] },
    });
    expect(reply.statusCode, reply.body).toBe(200);
    expect(reply.headers['x-salon-target']).toBe('acme/acme-large');
    expect(reply.json().choices[0].message.content).toBe('from the first upstream');

    expect((await call(a, 'DELETE', `/api/providers/${id}`)).statusCode).toBe(204);
    expect(await modelIds(a)).toEqual([]);
    await eventually(async () => expect(await modelIds(b)).toEqual([]));
  });

  it('serves on B the new provider when one is replaced under the same name', async () => {
    const id = await connect(first);
    await eventually(async () => expect(await modelIds(b)).toEqual(['acme-large', 'small']));
    expect((await call(a, 'DELETE', `/api/providers/${id}`)).statusCode).toBe(204);
    await connect(second);
    await eventually(async () =>
      expect(await modelIds(b)).toEqual(['acme-large', 'acme-mini', 'small']),
    );
    expect(b.runtime.gateway.listProviders().find((p) => p.name === 'acme')?.config).toMatchObject({
      base_url: second.url,
    });
  });
});
