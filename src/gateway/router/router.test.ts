import { describe, expect, it } from 'vitest';
import { configSchema, type RouterConfig } from '../../config/schema.js';
import { badRequest, isSalonError, rateLimited, upstreamError } from '../../lib/errors.js';
import { Router, type RoutedTarget, type TargetGroup } from './router.js';

type Outcome = 'ok' | Error;

function routerConfig(router: Record<string, unknown> = {}): RouterConfig {
  return configSchema.parse({ router }).router;
}

/** A router on a fake clock whose waits advance the clock and are recorded. */
function testRouter(router: Record<string, unknown> = {}, random = () => 0.5) {
  const clock = { now: 1_000_000 };
  const waits: number[] = [];
  const instance = new Router(routerConfig(router), {
    now: () => clock.now,
    random,
    sleep: async (ms) => {
      waits.push(ms);
      clock.now += ms;
    },
  });
  return { router: instance, clock, waits };
}

const target = (provider: string, weight?: number): RoutedTarget => ({ provider, weight });
const group = (...targets: RoutedTarget[]): TargetGroup<RoutedTarget> => ({ targets });
const down = () => upstreamError('upstream answered 503', true);

/**
 * Runs one request the way the gateway does: try each attempt, report it, stop on success or
 * on a failure the router says not to retry. `outcomes` answers per target name, in turn.
 */
async function request(
  router: Router,
  groups: Array<TargetGroup<RoutedTarget>>,
  outcomes: Record<string, Outcome[]>,
  signal?: AbortSignal,
): Promise<{ tried: string[]; served?: string; error?: unknown }> {
  const tried: string[] = [];
  let lastError: unknown;
  try {
    for await (const attempt of router.attempts(groups, signal)) {
      tried.push(attempt.name);
      const outcome = outcomes[attempt.name]?.shift() ?? 'ok';
      if (outcome === 'ok') {
        attempt.answered();
        attempt.succeeded();
        return { tried, served: attempt.name };
      }
      lastError = outcome;
      if (!attempt.failed(outcome)) break;
    }
  } catch (error) {
    return { tried, error };
  }
  return { tried, error: lastError };
}

describe('Router', () => {
  it('fails over to the next target at once, then to the fallback model', async () => {
    const { router, waits } = testRouter({ retries: 5 });
    const result = await request(router, [group(target('a')), group(target('b'))], {
      a: [down()],
    });
    expect(result).toEqual({ tried: ['a', 'b'], served: 'b' });
    expect(waits).toEqual([]);
  });

  it('stops after router.retries further attempts, across targets and fallbacks', async () => {
    const { router } = testRouter({ retries: 2 });
    const groups = [group(target('a'), target('b')), group(target('c'), target('d'))];
    const result = await request(router, groups, {
      a: [down()],
      b: [down()],
      c: [down()],
      d: [down()],
    });
    expect(result.tried).toHaveLength(3);
    expect(result.tried).not.toContain('d');
    expect(isSalonError(result.error) && result.error.code).toBe('upstream_error');
  });

  it('retries the same target after a full-jitter backoff that doubles', async () => {
    const { router, waits } = testRouter({ retries: 3, backoff: { initial_ms: 100, max_ms: 300 } });
    const result = await request(router, [group(target('only'))], {
      only: [down(), down(), down()],
    });
    expect(result).toEqual({ tried: ['only', 'only', 'only', 'only'], served: 'only' });
    // random() = 0.5 of 100, 200, then 400 capped at 300
    expect(waits).toEqual([50, 100, 150]);
  });

  it('rotates retries over the targets, least recently tried first', async () => {
    const { router } = testRouter({ retries: 3 });
    const result = await request(router, [group(target('a')), group(target('b'))], {
      a: [down(), down()],
      b: [down(), down()],
    });
    expect(result.tried).toEqual(['a', 'b', 'a', 'b']);
  });

  it('waits for a Retry-After that fits under max_ms', async () => {
    const { router, waits } = testRouter({
      retries: 1,
      backoff: { initial_ms: 100, max_ms: 5000 },
    });
    const result = await request(router, [group(target('a'))], {
      a: [rateLimited('slow down', 2)],
    });
    expect(result).toEqual({ tried: ['a', 'a'], served: 'a' });
    expect(waits).toEqual([2000]);
  });

  it('skips a target whose Retry-After exceeds max_ms, in this request and the next', async () => {
    const { router, waits } = testRouter({
      retries: 3,
      backoff: { initial_ms: 100, max_ms: 1000 },
    });
    const groups = [group(target('a'), target('b'))];
    const first = await request(router, groups, {
      a: [rateLimited('slow down', 60)],
      b: [down()],
    });
    expect(first.tried[0]).toBe('a'); // both unmeasured, random() = 0.5 keeps the given order
    expect(first).toEqual({ tried: ['a', 'b', 'b'], served: 'b' });
    expect(waits.every((ms) => ms <= 1000)).toBe(true);
    const next = await request(router, groups, {});
    expect(next).toEqual({ tried: ['b'], served: 'b' });
  });

  it('answers 503 with the shortest Retry-After when every target asked to wait too long', async () => {
    const { router } = testRouter({ retries: 0, backoff: { max_ms: 1000 } });
    await request(router, [group(target('a'))], { a: [rateLimited('slow down', 30)] });
    const result = await request(router, [group(target('a'))], {});
    expect(result.tried).toEqual([]);
    expect(isSalonError(result.error) && [result.error.status, result.error.retryAfter]).toEqual([
      503, 30,
    ]);
  });

  it('ends at once on a bad request, without blaming the target', async () => {
    const { router } = testRouter({ retries: 3 });
    const result = await request(router, [group(target('a'), target('b'))], {
      a: [badRequest('messages: required', 'messages')],
    });
    expect(result.tried).toEqual(['a']);
    expect(router.snapshot().targets[0]).toMatchObject({
      target: 'a',
      inFlight: 0,
      failures: 0,
      breaker: { consecutiveFailures: 0 },
    });
  });

  it('offers no further attempt after a bad request, even when asked', async () => {
    const { router } = testRouter({ retries: 3 });
    const attempts = router.attempts([group(target('a'), target('b'))]);
    const first = (await attempts.next()).value!;
    expect(first.failed(badRequest('messages: required', 'messages'))).toBe(false);
    expect(await attempts.next()).toEqual({ done: true, value: undefined });
  });

  it('skips a target whose breaker is open, and tries it again after the cool-down', async () => {
    const { router, clock } = testRouter({ retries: 1, breaker: { failures: 2, cooldown: 30 } });
    const groups = [group(target('a')), group(target('b'))];
    await request(router, groups, { a: [down()] });
    await request(router, groups, { a: [down()] });
    expect(router.health(target('a')).breaker.state).toBe('open');
    expect((await request(router, groups, {})).tried).toEqual(['b']);
    clock.now += 30_000;
    expect((await request(router, groups, {})).tried).toEqual(['a']);
    expect(router.health(target('a')).breaker.state).toBe('closed');
  });

  it('lets one trial at a time through a half-open breaker', async () => {
    const { router, clock } = testRouter({ retries: 1, breaker: { failures: 1, cooldown: 10 } });
    const groups = [group(target('a')), group(target('b'))];
    await request(router, groups, { a: [down()] });
    clock.now += 10_000;
    const trial = router.attempts(groups);
    const trialAttempt = (await trial.next()).value!;
    expect(trialAttempt.name).toBe('a');
    expect((await request(router, groups, {})).tried).toEqual(['b']); // concurrent request
    trialAttempt.succeeded();
    await trial.return();
    expect((await request(router, groups, {})).tried).toEqual(['a']);
  });

  it('makes one forced attempt when every breaker is open, through the one open longest', async () => {
    const { router, clock } = testRouter({ retries: 3, breaker: { failures: 1, cooldown: 60 } });
    const groups = [group(target('a'), target('b'))];
    await request(router, [group(target('a'))], { a: [down()] });
    clock.now += 5_000;
    await request(router, [group(target('b'))], { b: [down()] });
    let forced: boolean | undefined;
    const tried: string[] = [];
    for await (const attempt of router.attempts(groups)) {
      tried.push(attempt.name);
      forced = attempt.forced;
      if (!attempt.failed(down())) break;
    }
    expect(tried).toEqual(['a']); // one attempt only, though the budget allows four
    expect(forced).toBe(true);
    // The forced attempt counts like a trial: a success closes the breaker.
    const recovered = await request(router, [group(target('b'))], {});
    expect(recovered.served).toBe('b');
    expect(router.health(target('b')).breaker.state).toBe('closed');
  });

  it('orders each group by its balance, the fallback group after the model', async () => {
    const { router } = testRouter({}, () => 0.99);
    const fast = router.health(target('fast')).begin()!;
    fast.answered();
    fast.succeeded();
    const groups = [
      { targets: [target('heavy', 100), target('light', 1)], balance: 'weighted' as const },
      { targets: [target('fast')] },
    ];
    const tried: string[] = [];
    for await (const attempt of router.attempts(groups)) {
      tried.push(attempt.name);
      if (!attempt.failed(down())) break;
    }
    expect(tried).toEqual(['heavy', 'light', 'fast']);
  });

  it('frees the slot of an attempt the caller moved on from without reporting', async () => {
    const { router } = testRouter({ retries: 1 });
    const attempts = router.attempts([group(target('a'), target('b'))]);
    const first = (await attempts.next()).value!;
    expect(router.health(first.target).inFlight).toBe(1);
    await attempts.next();
    expect(router.health(first.target).inFlight).toBe(0);
    await attempts.return();
  });

  it('frees the slot when the client goes away, blaming nobody', async () => {
    const { router } = testRouter({ retries: 2 });
    const controller = new AbortController();
    const attempts = router.attempts([group(target('a'))], controller.signal);
    const first = (await attempts.next()).value!;
    controller.abort(new Error('client left'));
    expect(router.health(target('a')).inFlight).toBe(0);
    expect(first.failed(down())).toBe(false); // nothing to retry for a client that left
    expect(router.health(target('a')).snapshot().failures).toBe(0);
  });

  it('stops waiting for a backoff when the client goes away', async () => {
    const controller = new AbortController();
    const router = new Router(routerConfig({ retries: 2 }), {
      sleep: (_ms, signal) =>
        new Promise((_resolve, reject) =>
          signal?.addEventListener('abort', () => reject(signal.reason)),
        ),
    });
    const attempts = router.attempts([group(target('a'))], controller.signal);
    expect((await attempts.next()).value!.failed(down())).toBe(true);
    const retry = attempts.next(); // now waiting for the backoff
    controller.abort(new Error('client left'));
    await expect(retry).rejects.toThrow('client left');
  });

  it('snapshots every target as plain JSON, and forgets a removed provider', async () => {
    const { router } = testRouter({ breaker: { failures: 1 } });
    await request(
      router,
      [group({ provider: 'mistral', model: 'mistral-small-latest' }, { provider: 'local' })],
      { 'mistral/mistral-small-latest': [down()] },
    );
    const snapshot = router.snapshot();
    expect(JSON.parse(JSON.stringify(snapshot))).toEqual(snapshot);
    expect(snapshot.targets.map((health) => [health.target, health.breaker.state])).toEqual([
      ['local', 'closed'],
      ['mistral/mistral-small-latest', 'open'],
    ]);
    router.forgetProvider('mistral');
    expect(router.snapshot().targets.map((health) => health.target)).toEqual(['local']);
  });
});
