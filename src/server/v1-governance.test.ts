// The /v1 facade over HTTP, on both dialects: a small Fastify app with Salon's error handler and a
// route that admits and settles like the /v1 handlers do, real keys, real ledger rows.
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, storeTargets } from '../../tests/helpers/stores.js';
import { MemoryCounters } from '../bus/counters.memory.js';
import { Limiter } from '../governance/limiter.js';
import { UsageLedger } from '../governance/usage-ledger.js';
import { scopeSpend } from '../governance/usage-summary.js';
import { createApiKey, verifyApiKey, type ApiKeyLimitsInput } from '../identity/api-keys.js';
import { createUser } from '../identity/users.js';
import type { Store } from '../store/create-database.js';
import { installErrorHandler } from './error-handler.js';
import { V1Governance, type V1Outcome } from './v1-governance.js';

const targets = await storeTargets('v1 governance');

describe.each(targets)('V1Governance on $dialect', (target) => {
  let store: Store;
  let dispose: () => Promise<void>;
  let governance: V1Governance;
  let ledger: UsageLedger;
  let app: FastifyInstance;
  let userId: string;

  beforeAll(async () => {
    ({ store, dispose } = await openTestStore(target));
    userId = (await createUser(store.db, { email: 'ada@example.com', role: 'member' })).id;
    ledger = new UsageLedger(store.db, { flushIntervalMs: 20 });
    const counters = new MemoryCounters();
    governance = new V1Governance({
      ledger,
      limiter: new Limiter({
        counters,
        spentSince: (scope, since) => scopeSpend(store.db, scope, since),
      }),
      limits: { per_user: { tpm: 1_000_000 } },
      aliasOf: (model) => (model === 'small' ? 'mistral-7b' : undefined),
      closeCounters: () => counters.close(),
    });
    app = Fastify();
    installErrorHandler(app, 1024 * 1024);
    // Stands in for a /v1 handler: the key is the one verifyApiKey accepted; the body says what
    // the "upstream" reported.
    app.post<{ Body: { key: string; model: string; outcome?: Partial<V1Outcome> } }>(
      '/v1/chat/completions',
      async (request, reply) => {
        const apiKey = await verifyApiKey(store.db, request.body.key);
        const admission = await governance.admit(
          reply,
          { apiKey },
          request.body.model,
          '/v1/chat/completions',
        );
        governance.settle(admission, { latencyMs: 5, status: 200, ...request.body.outcome });
        governance.settle(admission, { latencyMs: 5, status: 500 }); // ignored: settled once
        return { ok: true };
      },
    );
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await governance.close();
    await dispose();
  });

  const newKey = async (limits: ApiKeyLimitsInput, options: { expiresAt?: Date } = {}) =>
    createApiKey(store.db, { name: 'virtual', userId, limits, ...options });
  const post = (key: string, model: string, outcome?: Partial<V1Outcome>) =>
    app.inject({ method: 'POST', url: '/v1/chat/completions', payload: { key, model, outcome } });
  const rowsOf = async (apiKeyId: string) => {
    await ledger.flush();
    return store.db
      .selectFrom('usage_events')
      .selectAll()
      .where('api_key_id', '=', apiKeyId)
      .orderBy('created_at')
      .execute();
  };

  it('lets N requests a minute through with x-ratelimit headers, then answers 429 with Retry-After', async () => {
    const { key, record } = await newKey({ rpm: 2 });
    const first = await post(key, 'small');
    expect(first.statusCode).toBe(200);
    expect(first.headers).toMatchObject({
      'x-ratelimit-limit-requests': '2',
      'x-ratelimit-remaining-requests': '1',
      'x-ratelimit-reset-requests': expect.stringMatching(/^(59(\.\d+)?s|1m0s)$/),
      // The per-user tpm of this instance applies too.
      'x-ratelimit-limit-tokens': '1000000',
    });
    expect((await post(key, 'small')).headers['x-ratelimit-remaining-requests']).toBe('0');
    const refused = await post(key, 'small');
    expect(refused.statusCode).toBe(429);
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(59);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(Number(refused.headers['retry-after-ms'])).toBeGreaterThan(58_000);
    expect(refused.headers['x-ratelimit-remaining-requests']).toBe('0');
    expect(refused.json()).toEqual({
      error: {
        message: expect.stringMatching(/this API key: 2 requests per minute\. Try again in \d+ s/),
        type: 'rate_limit_error',
        param: null,
        code: 'rate_limit_exceeded',
      },
    });
    const rows = await rowsOf(record.id);
    expect(rows.map((row) => [row.status, row.error_code])).toEqual([
      [200, null],
      [200, null],
      [429, 'rate_limit_exceeded'],
    ]);
  });

  it('records what the upstream reported, with the cost from the target’s price', async () => {
    const { key, record } = await newKey({});
    const response = await post(key, 'small', {
      target: 'fake/fake-model',
      price: { input: 2, output: 6 },
      promptTokens: 1_500,
      completionTokens: 500,
      ttftMs: 12,
      latencyMs: 40,
    });
    expect(response.statusCode).toBe(200);
    const [row] = await rowsOf(record.id);
    expect(row).toMatchObject({
      user_id: userId,
      api_key_id: record.id,
      endpoint: '/v1/chat/completions',
      model: 'small',
      target: 'fake/fake-model',
      prompt_tokens: 1_500,
      completion_tokens: 500,
      latency_ms: 40,
      ttft_ms: 12,
      status: 200,
      error_code: null,
    });
    expect(row!.cost_usd).toBeCloseTo(0.006, 12);
  });

  it('refuses a model outside the key’s allow-list with 403 naming it, and accepts an alias', async () => {
    const { key, record } = await newKey({ models: ['mistral-7b'] });
    expect((await post(key, 'mistral-7b')).statusCode).toBe(200);
    expect((await post(key, 'small')).statusCode).toBe(200); // an alias of mistral-7b
    const refused = await post(key, 'large');
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error).toMatchObject({
      type: 'permission_error',
      code: 'model_not_allowed',
      message: expect.stringMatching(/may not use the model 'large' \(it may use: mistral-7b\)/),
    });
    expect((await rowsOf(record.id)).map((row) => row.status)).toEqual([200, 200, 403]);
  });

  it('answers 401 for a key that expired after it was verified', async () => {
    const { record } = await newKey({}, { expiresAt: new Date(Date.now() - 1_000) });
    const apiKey = { ...record, user: null };
    const reply = { header: () => reply } as never;
    await expect(
      governance.admit(reply, { apiKey }, 'small', '/v1/completions'),
    ).rejects.toMatchObject({ status: 401, code: 'expired_api_key' });
    expect((await rowsOf(record.id)).map((row) => row.status)).toEqual([401]);
  });

  it('answers 429 budget_exceeded once a token budget is spent, until the period renews', async () => {
    const { key, record } = await newKey({ budgetTokens: 100, budgetPeriod: 'day' });
    const spent = await post(key, 'small', { promptTokens: 80, completionTokens: 30 });
    expect(spent.statusCode).toBe(200); // admitted below the budget; its tokens overshoot it
    await expect
      .poll(async () => (await post(key, 'small')).statusCode, { timeout: 2_000, interval: 10 })
      .toBe(429);
    const refused = await post(key, 'small');
    expect(refused.json().error).toMatchObject({
      code: 'budget_exceeded',
      message: 'This API key has used its daily budget of 100 tokens; it resets at midnight UTC.',
    });
    const now = new Date();
    const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
    const expected = Math.ceil((midnight - Date.now()) / 1_000);
    expect(Math.abs(Number(refused.headers['retry-after']) - expected)).toBeLessThanOrEqual(2);
    expect((await rowsOf(record.id)).at(-1)).toMatchObject({
      status: 429,
      error_code: 'budget_exceeded',
    });
  });

  it('applies reloaded per-user limits to the next requests', async () => {
    const { key } = await newKey({});
    const first = await post(key, 'small');
    expect(first.headers['x-ratelimit-limit-requests']).toBeUndefined();
    governance.setLimits({ per_user: { rpm: 1_000, tpm: 1_000_000 } });
    try {
      const next = await post(key, 'small');
      expect(next.headers['x-ratelimit-limit-requests']).toBe('1000');
    } finally {
      governance.setLimits({ per_user: { tpm: 1_000_000 } });
    }
  });

  it('starts a budget from the ledger: a new process refuses a key that spent it', async () => {
    const { key, record } = await newKey({ budgetUsd: 0.01 });
    const price = { input: 10_000, output: 0 }; // $0.01 per token: one request spends the budget
    expect((await post(key, 'small', { promptTokens: 1, price })).statusCode).toBe(200);
    await ledger.flush();
    // Another process: fresh counters, the same database.
    const counters = new MemoryCounters();
    const restarted = new V1Governance({
      ledger: new UsageLedger(store.db),
      limiter: new Limiter({
        counters,
        spentSince: (scope, since) => scopeSpend(store.db, scope, since),
      }),
      limits: {},
      closeCounters: () => counters.close(),
    });
    const apiKey = (await verifyApiKey(store.db, key))!;
    const reply = { header: () => reply } as never;
    await expect(
      restarted.admit(reply, { apiKey }, 'small', '/v1/chat/completions'),
    ).rejects.toMatchObject({ status: 429, code: 'budget_exceeded' });
    await restarted.close();
    expect((await rowsOf(record.id)).map((row) => row.status)).toEqual([200, 429]);
  });
});
