import { describe, expect, it } from 'vitest';
import { TargetHealth } from './target-health.js';

function healthWithClock(failures = 2, cooldownMs = 10_000) {
  const clock = { now: 0 };
  const health = new TargetHealth('mistral/mistral-small-latest', {
    breaker: { failures, cooldownMs },
    now: () => clock.now,
  });
  return { health, clock };
}

describe('TargetHealth', () => {
  it('counts requests in flight, and a lease frees its slot exactly once', () => {
    const { health } = healthWithClock();
    const first = health.begin()!;
    const second = health.begin()!;
    expect(health.inFlight).toBe(2);
    first.succeeded();
    first.succeeded();
    first.failed();
    first.released();
    expect(health.inFlight).toBe(1);
    second.released();
    expect(health.inFlight).toBe(0);
    expect(health.snapshot()).toMatchObject({ requests: 2, successes: 1, failures: 0 });
  });

  it('keeps a moving average of the time to answer and to the first token', () => {
    const { health, clock } = healthWithClock();
    const timings = [
      [100, 300],
      [200, 400],
    ];
    for (const [answerMs, firstTokenMs] of timings) {
      const started = clock.now;
      const lease = health.begin()!;
      clock.now = started + answerMs!;
      lease.answered();
      lease.answered(); // only the first answer counts
      clock.now = started + firstTokenMs!;
      lease.firstToken();
      clock.now = started + 5_000;
      lease.succeeded();
    }
    // 100, then 100 + 0.3 × (200 − 100); 300, then 300 + 0.3 × (400 − 300)
    expect(health.latencyMs).toBeCloseTo(130);
    expect(health.snapshot()).toMatchObject({ latencyMs: 130, firstTokenMs: 330 });
  });

  it('is unmeasured until a first answer', () => {
    const { health } = healthWithClock();
    health.begin()!.failed();
    expect(health.latencyMs).toBeUndefined();
    expect(health.snapshot()).toMatchObject({ latencyMs: null, firstTokenMs: null });
  });

  it('pauses after a failure with Retry-After, for every request', () => {
    const { health, clock } = healthWithClock(5);
    clock.now = 1_000;
    health.begin()!.failed(3_000);
    expect(health.available).toBe(false);
    expect(health.availableAt).toBe(4_000);
    expect(health.pauseRemainingMs).toBe(3_000);
    expect(health.snapshot().pausedUntil).toBe('1970-01-01T00:00:04.000Z');
    clock.now = 4_000;
    expect(health.available).toBe(true);
    expect(health.snapshot().pausedUntil).toBeNull();
  });

  it('refuses leases while its breaker is open unless forced', () => {
    const { health } = healthWithClock(2, 10_000);
    health.begin()!.failed();
    health.begin()!.failed();
    expect(health.available).toBe(false);
    expect(health.begin()).toBeUndefined();
    expect(health.availableAt).toBe(10_000);
    const forced = health.begin({ force: true })!;
    expect(forced.forced).toBe(true);
    expect(health.inFlight).toBe(1);
    forced.succeeded();
    expect(health.available).toBe(true);
    expect(health.begin()!.forced).toBe(false);
  });

  it('snapshots as plain JSON with the breaker state', () => {
    const { health, clock } = healthWithClock(1, 30_000);
    clock.now = 60_000;
    health.begin()!.failed();
    const snapshot = health.snapshot();
    expect(JSON.parse(JSON.stringify(snapshot))).toEqual(snapshot);
    expect(snapshot).toEqual({
      target: 'mistral/mistral-small-latest',
      inFlight: 0,
      requests: 1,
      failures: 1,
      successes: 0,
      latencyMs: null,
      firstTokenMs: null,
      pausedUntil: null,
      breaker: {
        state: 'open',
        consecutiveFailures: 1,
        openedAt: '1970-01-01T00:01:00.000Z',
        retryAt: '1970-01-01T00:01:30.000Z',
        trialInFlight: false,
      },
    });
  });
});
