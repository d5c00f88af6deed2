// What one request may ask for, and how often one address may try to sign in: max_tokens,
// max_completion_tokens and n over their caps are a 400 naming the parameter before anything is
// forwarded or counted; the sign-in routes (password, sign-up, invitation accept, SSO start)
// share a per-address window whose 429 carries Retry-After, and with REDIS_URL the window holds
// across two Salon instances.
import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeUpstream } from '../helpers/fake-openai.js';
import { startGatewayApp, type GatewayApp } from '../helpers/gateway-app.js';
import { hasRedis, redisTestUrl } from '../helpers/redis.js';

const redisAvailable = await hasRedis('per-address sign-in limit across two instances');

function yaml(upstream: FakeUpstream, extra = ''): string {
  return `providers:
  up: { type: openai, base_url: '${upstream.url}', api_key: k }
  tiny: { type: llama, model_path: /nonexistent/tiny.gguf, context_size: 512 }
models:
  - { name: chat, targets: [{ provider: up, model: up-model }] }
  - { name: small-context, targets: [{ provider: tiny }] }
limits:
  max_tokens: 1000
  n: 2
  sign_in_per_ip: { requests: 3, window_seconds: 60 }
${extra}`;
}

/** A client address no earlier run used: the Redis counters outlive a run. */
const freshAddress = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;

describe('generation caps on /v1', () => {
  let upstream: FakeUpstream;
  let salon: GatewayApp;

  beforeAll(async () => {
    upstream = await startFakeOpenAI();
    salon = await startGatewayApp(yaml(upstream));
  });
  afterAll(async () => {
    await salon?.close();
    await upstream?.close();
  });

  const post = (path: string, body: Record<string, unknown>) =>
    salon.app.inject({
      method: 'POST',
      url: `/v1/${path}`,
      headers: { authorization: `Bearer ${salon.apiKey}` },
      payload: body,
    });
  const chat = (extra: Record<string, unknown>, model = 'chat') =>
    post('chat/completions', { model, messages: [{ role: 'user', content: 'hi' }], ...extra });

  it('refuses max_tokens, max_completion_tokens and n over their caps, naming the parameter', async () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ max_tokens: 1001 }, 'max_tokens', /at most 1000/],
      [{ max_tokens: 2 ** 31 }, 'max_tokens', /at most 1000/],
      [{ max_completion_tokens: 5000 }, 'max_completion_tokens', /at most 1000/],
      [{ n: 3 }, 'n', /at most 2/],
      [{ max_tokens: 0 }, 'max_tokens', /positive integer/],
      [{ max_tokens: -5 }, 'max_tokens', /positive integer/],
      [{ max_tokens: 1.5 }, 'max_tokens', /positive integer/],
      [{ max_tokens: '100' }, 'max_tokens', /positive integer/],
      [{ n: 0 }, 'n', /positive integer/],
    ];
    for (const [extra, param, message] of cases) {
      const response = await chat(extra);
      expect(response.statusCode, JSON.stringify(extra)).toBe(400);
      expect(response.json().error).toMatchObject({
        type: 'invalid_request_error',
        param,
        message: expect.stringMatching(message),
      });
    }
    const completion = await post('completions', { model: 'chat', prompt: 'x', max_tokens: 4000 });
    expect(completion.statusCode).toBe(400);
    expect(completion.json().error.param).toBe('max_tokens');
    expect(upstream.requests).toHaveLength(0); // nothing was forwarded
  });

  it('caps max_tokens at the context of a model served only by the embedded engine', async () => {
    const response = await chat({ max_tokens: 600 }, 'small-context');
    expect(response.statusCode).toBe(400);
    expect(response.json().error.message).toMatch(/at most 512/);
  });

  it('forwards requests within the caps', async () => {
    const response = await chat({ max_tokens: 1000, max_completion_tokens: 10, n: 2 });
    expect(response.statusCode).toBe(200);
    expect(upstream.requests.at(-1)?.body).toMatchObject({ max_tokens: 1000, n: 2 });
  });
});

describe('per-address limit on the sign-in routes', () => {
  let upstream: FakeUpstream;
  let salon: GatewayApp;

  beforeAll(async () => {
    upstream = await startFakeOpenAI();
    salon = await startGatewayApp(yaml(upstream));
  });
  afterAll(async () => {
    await salon?.close();
    await upstream?.close();
  });

  it('shares one window over sign-in, sign-up, invitation accept and SSO start, then 429 with Retry-After', async () => {
    const remoteAddress = freshAddress();
    const attempts = [
      {
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: 'a@example.com', password: 'x' },
      },
      {
        method: 'POST',
        url: '/api/auth/signup',
        payload: { email: 'b@example.com', password: 'x' },
      },
      {
        method: 'POST',
        url: '/api/invitations/nope/accept',
        payload: { email: 'c@x.y', password: 'x' },
      },
    ] as const;
    const statuses: number[] = [];
    for (const attempt of attempts) {
      statuses.push((await salon.app.inject({ ...attempt, remoteAddress })).statusCode);
    }
    expect(statuses).not.toContain(429); // wrong password, sign-up closed, unknown invitation
    for (const attempt of [
      ...attempts,
      { method: 'GET', url: '/api/auth/sso/org_default/start' } as const,
    ]) {
      const refused = await salon.app.inject({ ...attempt, remoteAddress });
      expect(refused.statusCode, attempt.url).toBe(429);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(50);
      expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
      expect(refused.json().error).toMatchObject({
        type: 'rate_limit_error',
        code: 'too_many_attempts',
      });
    }
    // Another address is not affected.
    const other = await salon.app.inject({ ...attempts[0], remoteAddress: freshAddress() });
    expect(other.statusCode).toBe(401);
  });
});

describe.skipIf(!redisAvailable)('per-address limit across two instances sharing Redis', () => {
  let upstream: FakeUpstream;
  let one: GatewayApp;
  let two: GatewayApp;

  beforeAll(async () => {
    upstream = await startFakeOpenAI();
    one = await startGatewayApp(yaml(upstream), { REDIS_URL: redisTestUrl });
    two = await startGatewayApp(yaml(upstream), { REDIS_URL: redisTestUrl });
  });
  afterAll(async () => {
    await one?.close();
    await two?.close();
    await upstream?.close();
  });

  it('counts attempts on either instance against the same window', async () => {
    const remoteAddress = freshAddress();
    const login = (salon: GatewayApp) =>
      salon.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: 'someone@example.com', password: 'wrong' },
        remoteAddress,
      });
    expect((await login(one)).statusCode).toBe(401);
    expect((await login(two)).statusCode).toBe(401);
    expect((await login(one)).statusCode).toBe(401);
    const refused = await login(two);
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['retry-after']).toBeDefined();
  });
});
