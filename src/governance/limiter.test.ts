// The limiter's window and budget arithmetic on in-process counters with a hand-moved clock, and
// what it does when its counters fail (on a real Redis connection that was closed).
import { afterEach, describe, expect, it } from 'vitest';
import { hasRedis, redisTestUrl } from '../../tests/helpers/redis.js';
import { MemoryCounters } from '../bus/counters.memory.js';
import { RedisCounters } from '../bus/counters.redis.js';
import { noKeyLimits, type ApiKeyLimits } from '../identity/api-key-limits.js';
import { limitScopes, type LimitScope } from './limit-scopes.js';
import { Limiter, type Spend } from './limiter.js';

const redisAvailable = await hasRedis('limiter on failing counters');

let clock = Date.parse('2026-11-27T10:00:00.000Z');
const opened: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((counters) => counters.close()));
});

function setup(options: { spent?: Spend; counters?: MemoryCounters | RedisCounters } = {}) {
  const counters = options.counters ?? new MemoryCounters({ now: () => clock });
  opened.push(counters);
  const seeds: { scope: string; since: string }[] = [];
  const logs: string[] = [];
  const limiter = new Limiter({
    counters,
    now: () => clock,
    log: (message) => logs.push(message),
    spentSince: async (scope, since) => {
      seeds.push({ scope: scope.id, since: since.toISOString() });
      return options.spent ?? { tokens: 0, usd: 0 };
    },
  });
  return { limiter, seeds, logs };
}

let keyCounter = 0;
function keyScopes(limits: Partial<ApiKeyLimits>, userId?: string): LimitScope[] {
  const apiKey = { id: `key-${++keyCounter}`, limits: { ...noKeyLimits, ...limits } };
  return limitScopes({ apiKey, userId }, {});
}

describe('requests per minute', () => {
  it('admits N in a window, refuses the next until the window frees, and counts no refusal', async () => {
    const { limiter } = setup();
    const scopes = keyScopes({ rpm: 3 });
    const remaining: number[] = [];
    for (let i = 0; i < 3; i++) {
      const decision = await limiter.admit(scopes);
      expect(decision.allowed).toBe(true);
      remaining.push(decision.requests!.remaining);
      clock += 10_000;
    }
    expect(remaining).toEqual([2, 1, 0]);
    const refused = await limiter.admit(scopes);
    expect(refused.allowed).toBe(false);
    expect(refused.refusal).toMatchObject({ kind: 'requests', limit: 3, retryAfterMs: 30_000 });
    expect(refused.requests).toEqual({ limit: 3, remaining: 0, resetMs: 30_000 });
    clock += 29_999;
    expect((await limiter.admit(scopes)).allowed).toBe(false);
    clock += 1; // 60 s after the window's first request
    const fresh = await limiter.admit(scopes);
    expect(fresh.allowed).toBe(true);
    expect(fresh.requests).toEqual({ limit: 3, remaining: 2, resetMs: 60_000 });
  });

  it('holds a user to the per-user limit over all of their keys', async () => {
    const { limiter } = setup();
    const perUser = { per_user: { rpm: 2 } };
    const laptop = { id: 'key-laptop', limits: noKeyLimits };
    const phone = { id: 'key-phone', limits: { ...noKeyLimits, rpm: 100 } };
    const ada = (apiKey: typeof laptop) => limitScopes({ apiKey, userId: 'user-ada' }, perUser);
    expect((await limiter.admit(ada(laptop))).allowed).toBe(true);
    const second = await limiter.admit(ada(phone));
    // The user's limit binds (1 left of 2, then 0), not the phone key's 100.
    expect(second.requests).toMatchObject({ limit: 2, remaining: 0 });
    const third = await limiter.admit(ada(phone));
    expect(third.refusal).toMatchObject({ kind: 'requests', scope: { id: 'user:user-ada' } });
    const bo = limitScopes({ apiKey: laptop, userId: 'user-bo' }, perUser);
    expect((await limiter.admit(bo)).allowed).toBe(true);
  });

  it('admits everything when nothing limits the caller', async () => {
    const { limiter } = setup();
    const scopes = limitScopes({ apiKey: { id: 'key-free', limits: noKeyLimits } }, {});
    expect(scopes).toEqual([]);
    const decision = await limiter.admit(scopes);
    expect(decision.allowed).toBe(true);
    expect(decision.requests).toBeUndefined();
    expect(decision.tokens).toBeUndefined();
  });
});

describe('tokens per minute', () => {
  it('admits on the tokens already spent and counts a request’s tokens when it settles', async () => {
    const { limiter } = setup();
    const scopes = keyScopes({ tpm: 100 });
    const first = await limiter.admit(scopes);
    expect(first.tokens).toEqual({ limit: 100, remaining: 100, resetMs: 0 });
    await limiter.settle(first, { tokens: 60, costUsd: null });
    clock += 20_000;
    const second = await limiter.admit(scopes); // 60 < 100: admitted, and may overshoot
    expect(second.tokens).toEqual({ limit: 100, remaining: 40, resetMs: 40_000 });
    await limiter.settle(second, { tokens: 70, costUsd: null });
    const refused = await limiter.admit(scopes);
    expect(refused.refusal).toMatchObject({ kind: 'tokens', limit: 100, retryAfterMs: 40_000 });
    clock += 40_000;
    expect((await limiter.admit(scopes)).allowed).toBe(true);
  });

  it('counts nothing for a refused request', async () => {
    const { limiter } = setup();
    const scopes = keyScopes({ rpm: 1, tpm: 100 });
    await limiter.admit(scopes);
    const refused = await limiter.admit(scopes);
    await limiter.settle(refused, { tokens: 500, costUsd: null });
    clock += 60_000;
    expect((await limiter.admit(scopes)).tokens?.remaining).toBe(100);
  });
});

describe('budgets', () => {
  it('starts from the ledger’s spend for the month and refuses until the next month (UTC)', async () => {
    clock = Date.parse('2026-11-30T22:00:00.000Z');
    const { limiter, seeds } = setup({ spent: { tokens: 990, usd: 0 } });
    const scopes = keyScopes({ budgetTokens: 1_000, budgetPeriod: 'month' });
    const first = await limiter.admit(scopes);
    expect(first.allowed).toBe(true);
    expect(seeds).toEqual([{ scope: scopes[0]!.id, since: '2026-11-01T00:00:00.000Z' }]);
    await limiter.settle(first, { tokens: 15, costUsd: null });
    const refused = await limiter.admit(scopes);
    expect(refused.refusal).toMatchObject({
      kind: 'budget-tokens',
      limit: 1_000,
      retryAfterMs: 2 * 3_600_000, // until 2026-12-01T00:00Z
    });
    expect(seeds).toHaveLength(1); // once per period
    clock = Date.parse('2026-12-01T00:00:00.000Z');
    expect((await limiter.admit(scopes)).allowed).toBe(true);
    expect(seeds.at(-1)).toEqual({ scope: scopes[0]!.id, since: '2026-12-01T00:00:00.000Z' });
  });

  it('counts dollars from each request’s cost; a request without a price costs nothing', async () => {
    clock = Date.parse('2026-11-27T23:00:00.000Z');
    const { limiter } = setup({ spent: { tokens: 0, usd: 0.75 } });
    const scopes = keyScopes({ budgetUsd: 1, budgetPeriod: 'day' });
    const first = await limiter.admit(scopes);
    await limiter.settle(first, { tokens: 1_000_000, costUsd: null });
    const second = await limiter.admit(scopes);
    expect(second.allowed).toBe(true);
    await limiter.settle(second, { tokens: 10, costUsd: 0.25 });
    const refused = await limiter.admit(scopes);
    expect(refused.refusal).toMatchObject({
      kind: 'budget-usd',
      limit: 1,
      retryAfterMs: 3_600_000,
    });
    clock = Date.parse('2026-11-28T00:00:00.000Z'); // the next UTC day
    expect((await limiter.admit(scopes)).allowed).toBe(true);
  });

  it('keeps per-user budgets from salon.yaml apart per user', async () => {
    clock = Date.parse('2026-11-27T12:00:00.000Z');
    const { limiter, seeds } = setup();
    const perUser = { per_user: { budget: { tokens: 50, period: 'month' as const } } };
    const ada = limitScopes({ userId: 'user-ada' }, perUser);
    await limiter.settle(await limiter.admit(ada), { tokens: 50, costUsd: 0 });
    expect((await limiter.admit(ada)).refusal).toMatchObject({ kind: 'budget-tokens' });
    expect((await limiter.admit(limitScopes({ userId: 'user-bo' }, perUser))).allowed).toBe(true);
    expect(seeds.map((seed) => seed.scope)).toEqual(['user:user-ada', 'user:user-bo']);
  });

  it('waits for the limit that frees last when several are reached', async () => {
    clock = Date.parse('2026-11-27T12:00:00.000Z');
    const { limiter } = setup({ spent: { tokens: 100, usd: 0 } });
    const scopes = keyScopes({ rpm: 1, budgetTokens: 100, budgetPeriod: 'day' });
    const refused = await limiter.admit(scopes);
    expect(refused.refusal).toMatchObject({ kind: 'budget-tokens', retryAfterMs: 12 * 3_600_000 });
  });
});

describe.runIf(redisAvailable)('when the counters fail', () => {
  it('admits without limits, counts nothing, and logs once', async () => {
    const counters = await RedisCounters.connect(redisTestUrl);
    const { limiter, logs } = setup({ counters });
    await counters.close(); // a real connection, now closed: every command fails
    const scopes = keyScopes({ rpm: 1, budgetTokens: 10 });
    for (let i = 0; i < 3; i++) {
      const decision = await limiter.admit(scopes);
      expect(decision.allowed).toBe(true);
      await limiter.settle(decision, { tokens: 100, costUsd: null });
    }
    const unavailable = logs.filter((line) => /counters unavailable/.test(line));
    expect(unavailable).toHaveLength(1);
    expect(unavailable[0]).toMatch(/admitting without limits/);
  });
});
