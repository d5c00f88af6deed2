// The router's circuit breaker seen through the API, and the admin API: providers without
// their keys, models, target health, and a config reload that changes what is served without
// a restart (and changes nothing when the new file is bad).
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { createApiKey } from '../src/identity/api-keys.js';
import { createUser } from '../src/identity/users.js';
import { startFakeOpenAI } from './helpers/fake-openai.js';
import { startGatewayApp, type GatewayApp } from './helpers/gateway-app.js';

const opened: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((item) => item.close()));
});

async function call(
  app: GatewayApp,
  method: 'GET' | 'POST' | 'DELETE',
  url: string,
  body?: unknown,
  key = app.apiKey,
) {
  const response = await request(app.baseURL.replace(/\/v1$/, '') + url, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await response.body.text();
  return {
    status: response.statusCode,
    headers: response.headers,
    json: text ? JSON.parse(text) : undefined,
  };
}

const chat = (model = 'chat') => ({ model, messages: [{ role: 'user', content: 'Hi' }] });

describe('circuit breaker', () => {
  it('stops sending to a failing target, lets one trial through after the cool-down, and closes on success', async () => {
    const flaky = await startFakeOpenAI([{ kind: 'status', status: 500 }]);
    const steady = await startFakeOpenAI([{ kind: 'reply', text: 'steady' }]);
    opened.push(flaky, steady);
    const app = await startGatewayApp(`providers:
  flaky: { type: openai, base_url: '${flaky.url}' }
  steady: { type: openai, base_url: '${steady.url}' }
models:
  - name: chat
    balance: weighted
    targets: [{ provider: flaky, weight: 1000000 }, { provider: steady, weight: 0.000001 }]
router:
  retries: 1
  backoff: { initial_ms: 1, max_ms: 10 }
  breaker: { failures: 2, cooldown: 3 }
`);
    opened.push(app);

    for (let i = 0; i < 2; i++) {
      const reply = await call(app, 'POST', '/v1/chat/completions', chat());
      expect(reply.status).toBe(200); // served by `steady` after `flaky` failed
    }
    expect(flaky.requests).toHaveLength(2);
    const open = await call(app, 'GET', '/api/admin/targets');
    expect(open.json.data.find((t: { target: string }) => t.target === 'flaky')).toMatchObject({
      failures: 2,
      breaker: { state: 'open' },
    });

    // Open: requests go straight to `steady`.
    for (let i = 0; i < 3; i++) {
      expect(
        (await call(app, 'POST', '/v1/chat/completions', chat())).headers['x-salon-target'],
      ).toBe('steady');
    }
    expect(flaky.requests).toHaveLength(2);

    // After the cool-down one trial reaches `flaky`; it now works, so the breaker closes.
    await new Promise((resolve) => setTimeout(resolve, 3_100));
    flaky.script = [{ kind: 'reply', text: 'recovered' }];
    const trial = await call(app, 'POST', '/v1/chat/completions', chat());
    expect(trial.headers['x-salon-target']).toBe('flaky');
    expect(flaky.requests).toHaveLength(3);
    const closed = await call(app, 'GET', '/api/admin/targets');
    expect(
      closed.json.data.find((t: { target: string }) => t.target === 'flaky').breaker.state,
    ).toBe('closed');
  });
});

describe('admin API', () => {
  it('lists providers without their keys, and models with their targets; members are refused', async () => {
    const upstream = await startFakeOpenAI();
    opened.push(upstream);
    const app = await startGatewayApp(`providers:
  up: { type: openai, base_url: '${upstream.url}', api_key: very-secret-upstream-key }
models:
  - { name: chat, targets: [{ provider: up, model: m1, price: { input: 0.5, output: 1.5 } }], fallbacks: [] }
`);
    opened.push(app);
    const providers = await call(app, 'GET', '/api/admin/providers');
    expect(providers.status).toBe(200);
    expect(providers.json.data).toEqual([
      { name: 'up', source: 'config', type: 'openai', baseUrl: upstream.url, hasApiKey: true },
    ]);
    expect(JSON.stringify(providers.json)).not.toContain('very-secret-upstream-key');
    const models = await call(app, 'GET', '/api/admin/models');
    expect(models.json.data).toEqual([
      {
        name: 'chat',
        aliasOf: null,
        balance: 'latency',
        targets: [{ provider: 'up', model: 'm1', weight: 1, price: { input: 0.5, output: 1.5 } }],
        fallbacks: [],
      },
    ]);

    const db = app.runtime.store.db;
    const member = await createUser(db, {
      email: 'm@example.com',
      password: 'long enough password',
      role: 'member',
    });
    const { key } = await createApiKey(db, { name: 'member', userId: member.id });
    expect((await call(app, 'GET', '/api/admin/providers', undefined, key)).status).toBe(403);
    expect(
      (await call(app, 'GET', '/api/admin/providers', undefined, 'sk-salon-wrong')).status,
    ).toBe(401);
  });

  it('reloads salon.yaml without a restart, and keeps serving the old config when the new one is bad', async () => {
    const first = await startFakeOpenAI([{ kind: 'reply', text: 'first' }]);
    const second = await startFakeOpenAI([{ kind: 'reply', text: 'second' }]);
    opened.push(first, second);
    const app = await startGatewayApp(`providers:
  one: { type: openai, base_url: '${first.url}' }
models:
  - { name: chat, targets: [{ provider: one }] }
`);
    opened.push(app);
    const configFile = path.join(app.runtime.settings.dataDir, 'salon.yaml');
    const answer = async (model = 'chat') =>
      (await call(app, 'POST', '/v1/chat/completions', chat(model))).json.choices?.[0].message
        .content;
    expect(await answer()).toBe('first');

    await writeFile(
      configFile,
      `providers:
  one: { type: openai, base_url: '${first.url}' }
  two: { type: openai, base_url: '${second.url}' }
models:
  - { name: chat, targets: [{ provider: two }] }
  - { name: old, targets: [{ provider: one }] }
`,
    );
    const reloaded = await call(app, 'POST', '/api/admin/reload', {});
    expect(reloaded.status).toBe(200);
    expect(reloaded.json.providers).toEqual({ added: ['two'], changed: [], removed: [] });
    expect(await answer()).toBe('second');
    expect(await answer('old')).toBe('first');

    await writeFile(configFile, 'providers:\n  three: { type: bedrock }\n');
    const bad = await call(app, 'POST', '/api/admin/reload', {});
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toMatch(
      /providers\.three\.type: unknown provider type 'bedrock'/,
    );
    expect(await answer()).toBe('second');
  });

  it('creates a virtual key with its models, rate and expiry, lists its usage, and revokes it', async () => {
    const upstream = await startFakeOpenAI();
    opened.push(upstream);
    const app = await startGatewayApp(`providers:
  up: { type: openai, base_url: '${upstream.url}' }
models:
  - { name: chat, targets: [{ provider: up }] }
  - { name: other, targets: [{ provider: up }] }
`);
    opened.push(app);
    const bad = await call(app, 'POST', '/api/admin/keys', { name: 'team', rpm: -1 });
    expect(bad.status).toBe(400);
    expect(bad.json.error.param).toBe('rpm');

    const created = await call(app, 'POST', '/api/admin/keys', {
      name: 'team',
      models: ['chat'],
      rpm: 1,
      expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
    });
    expect(created.status).toBe(201);
    const key: string = created.json.key;
    expect(created.json.record.limits).toMatchObject({ models: ['chat'], rpm: 1 });

    const use = (model: string) => call(app, 'POST', '/v1/chat/completions', chat(model), key);
    expect((await use('other')).status).toBe(403);
    expect((await use('chat')).status).toBe(200);
    const limited = await use('chat');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);

    // The ledger is written in batches, a few hundred ms after the requests.
    const listTeam = async () => {
      const listed = await call(app, 'GET', '/api/admin/keys');
      expect(JSON.stringify(listed.json)).not.toContain(key);
      return listed.json.data.find((k: { id: string }) => k.id === created.json.record.id);
    };
    await expect.poll(async () => (await listTeam()).usageThisMonth.requests).toBe(3);
    const team = await listTeam();

    expect((await call(app, 'DELETE', `/api/admin/keys/${team.id}`)).status).toBe(200);
    expect((await use('chat')).status).toBe(401);
    expect((await call(app, 'DELETE', '/api/admin/keys/key_nope')).status).toBe(404);
  });
});
