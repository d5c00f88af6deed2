// Usage metering, limits and virtual keys seen from OpenAI's own client, with Salon fronting a
// fake OpenAI-style upstream: every request leaves a ledger row with the usage the upstream
// reported; the request past a key's rate gets 429 with Retry-After; a key's allow-list and
// budget hold; and with REDIS_URL, a limit holds across two Salon instances sharing Redis and
// the database.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveSettings } from '../src/config/settings.js';
import { createApiKey, type ApiKeyLimitsInput } from '../src/identity/api-keys.js';
import { createUser } from '../src/identity/users.js';
import { buildApp } from '../src/server/app.js';
import { openRuntime } from '../src/server/runtime.js';
import type { UsageEventsTable } from '../src/store/database.js';
import { startFakeOpenAI, type FakeBehaviour, type FakeUpstream } from './helpers/fake-openai.js';
import { hasRedis, redisTestUrl } from './helpers/redis.js';
import { storeTargets, type TestDatabase } from './helpers/stores.js';

const targets = await storeTargets('gateway limits');
const redisAvailable = await hasRedis('gateway limits across two instances');

/** One Salon instance on a shared database. */
interface Instance {
  baseURL: string;
  app: FastifyInstance;
  runtime: Awaited<ReturnType<typeof openRuntime>>;
  close(): Promise<void>;
}

// Price of the `chat` model: USD per million tokens.
const price = { input: 2, output: 6 };

function salonYaml(upstream: FakeUpstream, broken: FakeUpstream): string {
  return `providers:
  up: { type: openai, base_url: '${upstream.url}', api_key: upstream-key }
  down: { type: openai, base_url: '${broken.url}', api_key: upstream-key }
models:
  - { name: chat, targets: [{ provider: up, model: up-model, price: { input: ${price.input}, output: ${price.output} } }] }
  - { name: other, targets: [{ provider: up, model: other-model }] }
  - { name: broken, targets: [{ provider: down, model: down-model }] }
  - { name: story, targets: [{ provider: up, model: story-model, price: { input: ${price.input}, output: ${price.output} } }] }
router:
  retries: 0
`;
}

/** Starts Salon on `database` (SQLite file or PostgreSQL schema), with REDIS_URL if given. */
async function startInstance(
  database: TestDatabase,
  yaml: string,
  env: { REDIS_URL?: string } = {},
): Promise<Instance> {
  const configDir = await mkdtemp(path.join(os.tmpdir(), 'salon-limits-'));
  const config = path.join(configDir, 'salon.yaml');
  await writeFile(config, yaml);
  const { databaseUrl } = database.options;
  // Instances share SQLite through its data dir; with PostgreSQL the data dir holds nothing shared.
  const dataDir = databaseUrl ? configDir : database.options.dataDir;
  const settings = resolveSettings(
    { dataDir, config },
    { ...(databaseUrl && { DATABASE_URL: databaseUrl }), ...env },
  );
  const runtime = await openRuntime(settings);
  const app = await buildApp(runtime);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as { port: number };
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    app,
    runtime,
    async close() {
      await app.close();
      await runtime.close();
      await rm(configDir, { recursive: true, force: true });
    },
  };
}

const client = (instance: Instance, apiKey: string) =>
  new OpenAI({ baseURL: instance.baseURL, apiKey, maxRetries: 0 });
const ask = (openai: OpenAI, model = 'chat') =>
  openai.chat.completions.create({ model, messages: [{ role: 'user', content: 'Hi' }] });

/** The HTTP status a call got: 200, or its error's. */
async function statusOf(call: Promise<unknown>): Promise<number | undefined> {
  try {
    await call;
    return 200;
  } catch (error) {
    if (error instanceof OpenAI.APIError) return error.status;
    throw error;
  }
}

/** What a rejected call carried: status, headers and OpenAI's error fields. */
async function failure(call: Promise<unknown>) {
  try {
    await call;
  } catch (error) {
    if (!(error instanceof OpenAI.APIError)) throw error;
    return {
      status: error.status,
      headers: error.headers,
      code: error.code,
      message: error.message,
    };
  }
  throw new Error('expected the call to fail');
}

describe.each(targets)('gateway limits on $dialect', (target) => {
  let upstream: FakeUpstream;
  let broken: FakeUpstream;
  let database: TestDatabase;
  let salon: Instance;
  let userId: string;

  beforeAll(async () => {
    const greeting: FakeBehaviour = { kind: 'reply', text: 'Bonjour, ça va ?', chunks: 4 };
    // `story` streams 500 chunks over ~5 s: its client can leave in the middle.
    const story: FakeBehaviour = {
      kind: 'reply',
      text: 'word '.repeat(500),
      chunks: 500,
      chunkDelayMs: 10,
    };
    upstream = await startFakeOpenAI([
      { kind: 'respond', to: (body) => (body.model === 'story-model' ? story : greeting) },
    ]);
    broken = await startFakeOpenAI([{ kind: 'status', status: 500, message: 'upstream broke' }]);
    database = await target.createDatabase();
    salon = await startInstance(database, salonYaml(upstream, broken));
    userId = (
      await createUser(salon.runtime.store.db, { email: 'ada@example.com', role: 'member' })
    ).id;
  });
  afterAll(async () => {
    await salon?.close();
    await database?.drop();
    await upstream?.close();
    await broken?.close();
  });

  const newKey = async (limits: ApiKeyLimitsInput = {}) =>
    createApiKey(salon.runtime.store.db, { name: 'virtual', userId, limits });
  /** The key's ledger rows, oldest first, once `count` have been written (off the request path). */
  async function ledgerRows(apiKeyId: string, count: number): Promise<UsageEventsTable[]> {
    const read = () =>
      salon.runtime.store.db
        .selectFrom('usage_events')
        .selectAll()
        .where('api_key_id', '=', apiKeyId)
        .orderBy('created_at')
        .execute();
    await expect.poll(async () => (await read()).length, { timeout: 5_000 }).toBe(count);
    return read();
  }

  it('writes one ledger row per request with the usage the upstream reported', async () => {
    const { key, record } = await newKey();
    const openai = client(salon, key);

    const { data: reply, response } = await ask(openai).withResponse();
    const stream = await openai.chat.completions.create({
      model: 'chat',
      messages: [{ role: 'user', content: 'Hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let streamed: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) streamed = chunk.usage ?? streamed;
    const legacy = await openai.completions.create({ model: 'chat', prompt: 'Once upon' });
    const embedded = await openai.embeddings.create({ model: 'other', input: 'three words here' });
    const failed = await failure(ask(openai, 'broken'));

    const rows = await ledgerRows(record.id, 5);
    const counts = (usage: OpenAI.CompletionUsage) => [
      usage.prompt_tokens,
      usage.completion_tokens,
    ];
    expect(
      rows.map((row) => [row.endpoint, row.model, row.prompt_tokens, row.completion_tokens]),
    ).toEqual([
      ['/v1/chat/completions', 'chat', ...counts(reply.usage!)],
      ['/v1/chat/completions', 'chat', ...counts(streamed!)],
      ['/v1/completions', 'chat', ...counts(legacy.usage!)],
      ['/v1/embeddings', 'other', embedded.usage.prompt_tokens, 0],
      ['/v1/chat/completions', 'broken', 0, 0],
    ]);
    expect(streamed).toEqual({ prompt_tokens: 7, completion_tokens: 4, total_tokens: 11 });
    expect(embedded.usage.prompt_tokens).toBe(3);
    for (const row of rows.slice(0, 3)) {
      expect(row.target).toBe(response.headers.get('x-salon-target'));
      const cost = (row.prompt_tokens * price.input + row.completion_tokens * price.output) / 1e6;
      expect(row.cost_usd).toBeCloseTo(cost, 12);
      expect(row).toMatchObject({ user_id: userId, api_key_id: record.id, status: 200 });
      expect(row.error_code).toBeNull();
    }
    expect(rows[3]!.cost_usd).toBeNull(); // `other` has no price: unknown, not free
    const streamedRow = rows[1]!;
    expect(streamedRow.ttft_ms).not.toBeNull();
    expect(streamedRow.ttft_ms!).toBeLessThanOrEqual(streamedRow.latency_ms);
    expect(rows[4]).toMatchObject({ status: failed.status, error_code: failed.code });
    expect(failed.status).toBeGreaterThanOrEqual(500);
  });

  it('meters a stream whose client left with the chunks it was sent, the upstream’s usage never coming', async () => {
    const { key, record } = await newKey();
    const controller = new AbortController();
    const stream = await client(salon, key).chat.completions.create(
      { model: 'story', messages: [{ role: 'user', content: 'Tell me a story' }], stream: true },
      { signal: controller.signal },
    );
    let seen = 0;
    try {
      for await (const chunk of stream) {
        if (chunk.choices[0]?.delta.content && ++seen === 3) controller.abort();
      }
    } catch (error) {
      expect((error as Error).name).toMatch(/Abort/);
    }
    expect(seen).toBe(3);
    const [row] = await ledgerRows(record.id, 1);
    // The upstream was cut off before its usage chunk: a token per chunk it had streamed (at
    // least the 3 the client read, and far from the 500 it would have), no prompt tokens known.
    expect(row).toMatchObject({ status: 200, error_code: 'client_closed', prompt_tokens: 0 });
    expect(row!.completion_tokens).toBeGreaterThanOrEqual(3);
    expect(row!.completion_tokens).toBeLessThan(100);
    // Priced, so a budget counts it: leaving early is no way around a key's budget.
    expect(row!.cost_usd).toBeCloseTo((row!.completion_tokens * price.output) / 1e6, 12);
  });

  it('answers the request past the key’s rate with 429 and Retry-After, in OpenAI’s shape', async () => {
    const { key, record } = await newKey({ rpm: 3 });
    const openai = client(salon, key);
    const remaining: (string | null)[] = [];
    for (let i = 0; i < 3; i++) {
      const { response } = await ask(openai).withResponse();
      expect(response.headers.get('x-ratelimit-limit-requests')).toBe('3');
      expect(response.headers.get('x-ratelimit-reset-requests')).toMatch(/^\d+(\.\d+)?s|1m0s$/);
      remaining.push(response.headers.get('x-ratelimit-remaining-requests'));
    }
    expect(remaining).toEqual(['2', '1', '0']);
    const refused = await failure(ask(openai));
    expect(refused.status).toBe(429);
    expect(refused.code).toBe('rate_limit_exceeded');
    expect(refused.message).toMatch(/3 requests per minute/);
    const retryAfter = Number(refused.headers?.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.headers?.get('x-ratelimit-remaining-requests')).toBe('0');
    const rows = await ledgerRows(record.id, 4);
    expect(rows.map((row) => row.status)).toEqual([200, 200, 200, 429]);
  });

  it('holds a virtual key to its models: 403 naming the model, and /v1/models lists only them', async () => {
    const sentBefore = upstream.requests.length;
    const { key } = await newKey({ models: ['chat'] });
    const openai = client(salon, key);
    expect((await ask(openai)).choices[0]!.message.content).toBe('Bonjour, ça va ?');
    const refused = await failure(ask(openai, 'other'));
    expect(refused.status).toBe(403);
    expect(refused.code).toBe('model_not_allowed');
    expect(refused.message).toMatch(/may not use the model 'other'/);
    expect(upstream.requests.length).toBe(sentBefore + 1); // the refused request never left
    const models = await openai.models.list();
    expect(models.data.map((model) => model.id)).toEqual(['chat']);
  });

  it('refuses with 429 budget_exceeded once a key has spent its dollars', async () => {
    // Each reply costs 7 × $2 + 4 × $6 per million tokens = $0.000038: the budget holds one.
    const { key } = await newKey({ budgetUsd: 0.00003, budgetPeriod: 'month' });
    const openai = client(salon, key);
    await ask(openai);
    // Its cost is counted once the reply has settled, just after the answer went out.
    await expect.poll(() => statusOf(ask(openai)), { timeout: 3_000 }).toBe(429);
    const refused = await failure(ask(openai));
    expect(refused.code).toBe('budget_exceeded');
    expect(refused.message).toMatch(
      /This API key has used its monthly budget of \$0\.00003; it resets on 1 [A-Z][a-z]+\./,
    );
    const now = new Date();
    const nextMonth = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1);
    const expected = (nextMonth - Date.now()) / 1_000;
    expect(Math.abs(Number(refused.headers?.get('retry-after')) - expected)).toBeLessThan(5);
  });

  describe.runIf(redisAvailable)('two instances', () => {
    let second: Instance | undefined;
    let third: Instance | undefined;
    let fourth: Instance | undefined;
    afterAll(async () => {
      await Promise.all([second?.close(), third?.close(), fourth?.close()]);
    });

    it('hold a key’s limit across both when they share Redis', async () => {
      const yaml = salonYaml(upstream, broken);
      const env = { REDIS_URL: redisTestUrl };
      const one = (third = await startInstance(database, yaml, env));
      const two = (fourth = await startInstance(database, yaml, env));
      const { key } = await newKey({ rpm: 4 });
      const [a, b] = [client(one, key), client(two, key)];
      const remaining: (string | null)[] = [];
      for (const openai of [a, b, a, b]) {
        const { response } = await ask(openai).withResponse();
        remaining.push(response.headers.get('x-ratelimit-remaining-requests'));
      }
      expect(remaining).toEqual(['3', '2', '1', '0']);
      for (const openai of [a, b]) {
        const refused = await failure(ask(openai));
        expect(refused.status).toBe(429);
        expect(Number(refused.headers?.get('retry-after'))).toBeGreaterThan(0);
      }
    });

    it('each count alone without Redis (the control: the shared counters are what holds)', async () => {
      const { key } = await newKey({ rpm: 4 });
      second = await startInstance(database, salonYaml(upstream, broken));
      const [a, b] = [client(salon, key), client(second, key)];
      for (const openai of [a, b, a, b, a, b, a]) await ask(openai); // 7 in all, 4 on a
      expect(await statusOf(ask(b))).toBe(200); // b's 4th
      expect(await statusOf(ask(a))).toBe(429); // a's 5th
    });
  });
});
