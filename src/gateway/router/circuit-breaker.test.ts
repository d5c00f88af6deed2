import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from './circuit-breaker.js';

function breakerWithClock(failures = 3, cooldownMs = 30_000) {
  const clock = { now: 1_000 };
  const breaker = new CircuitBreaker({ failures, cooldownMs, now: () => clock.now });
  return { breaker, clock };
}

function failTimes(breaker: CircuitBreaker, times: number): void {
  for (let i = 0; i < times; i++) breaker.tryPass()!.failed();
}

describe('CircuitBreaker', () => {
  it('stays closed below the failure threshold, and a success resets the count', () => {
    const { breaker } = breakerWithClock(3);
    failTimes(breaker, 2);
    breaker.tryPass()!.succeeded();
    failTimes(breaker, 2);
    expect(breaker.state).toBe('closed');
    expect(breaker.snapshot().consecutiveFailures).toBe(2);
    expect(breaker.tryPass()).toBeDefined();
  });

  it('opens after N consecutive failures and refuses requests during the cool-down', () => {
    const { breaker, clock } = breakerWithClock(3, 30_000);
    failTimes(breaker, 3);
    expect(breaker.state).toBe('open');
    expect(breaker.canPass).toBe(false);
    expect(breaker.tryPass()).toBeUndefined();
    expect(breaker.snapshot()).toEqual({
      state: 'open',
      consecutiveFailures: 3,
      openedAt: 1_000,
      retryAt: 31_000,
      trialInFlight: false,
    });
    clock.now = 30_999;
    expect(breaker.tryPass()).toBeUndefined();
    expect(breaker.availableAt).toBe(31_000);
  });

  it('after the cool-down lets exactly one trial through at a time', () => {
    const { breaker, clock } = breakerWithClock(1, 10_000);
    failTimes(breaker, 1);
    clock.now += 10_000;
    expect(breaker.state).toBe('half-open');
    const trial = breaker.tryPass();
    expect(trial).toBeDefined();
    expect(breaker.tryPass()).toBeUndefined();
    expect(breaker.canPass).toBe(false);
    expect(breaker.snapshot().trialInFlight).toBe(true);
    trial!.released(); // the client left: the slot frees, nothing is decided
    expect(breaker.state).toBe('half-open');
    expect(breaker.tryPass()).toBeDefined();
  });

  it('a successful trial closes the breaker', () => {
    const { breaker, clock } = breakerWithClock(2, 10_000);
    failTimes(breaker, 2);
    clock.now += 10_000;
    breaker.tryPass()!.succeeded();
    expect(breaker.snapshot()).toMatchObject({
      state: 'closed',
      consecutiveFailures: 0,
      openedAt: null,
      retryAt: null,
    });
    failTimes(breaker, 1);
    expect(breaker.state).toBe('closed'); // counting starts over
  });

  it('a failed trial reopens the breaker with the cool-down restarted', () => {
    const { breaker, clock } = breakerWithClock(2, 10_000);
    failTimes(breaker, 2);
    clock.now += 15_000;
    breaker.tryPass()!.failed();
    expect(breaker.state).toBe('open');
    expect(breaker.snapshot().openedAt).toBe(clock.now);
    clock.now += 9_999;
    expect(breaker.tryPass()).toBeUndefined();
    clock.now += 1;
    expect(breaker.tryPass()).toBeDefined();
  });

  it('ignores results of requests let through before it opened', () => {
    const { breaker, clock } = breakerWithClock(2, 10_000);
    const slow = [breaker.tryPass()!, breaker.tryPass()!];
    failTimes(breaker, 2);
    slow[0]!.succeeded(); // started while healthy: must not close the open breaker
    expect(breaker.state).toBe('open');
    clock.now += 5_000;
    slow[1]!.failed(); // nor restart its cool-down
    expect(breaker.snapshot().openedAt).toBe(1_000);
  });

  it('counts only the first outcome a pass reports', () => {
    const { breaker } = breakerWithClock(2);
    const pass = breaker.tryPass()!;
    pass.failed();
    pass.failed();
    pass.succeeded();
    expect(breaker.snapshot().consecutiveFailures).toBe(1);
  });

  it('forcePass goes through an open breaker and counts like a trial', () => {
    const { breaker, clock } = breakerWithClock(1, 10_000);
    failTimes(breaker, 1);
    clock.now += 1_000;
    breaker.forcePass().failed();
    expect(breaker.snapshot()).toMatchObject({ state: 'open', openedAt: 2_000 });
    breaker.forcePass().succeeded();
    expect(breaker.state).toBe('closed');
  });
});
