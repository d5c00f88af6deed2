import { describe, expect, it } from 'vitest';
import { orderTargets, type Balance, type Candidate, type TargetLoad } from './target-order.js';

interface Target {
  name: string;
  weight?: number;
}

function candidate(name: string, load: Partial<TargetLoad> = {}, weight?: number) {
  return {
    target: { name, weight },
    load: { inFlight: 0, latencyMs: undefined, available: true, availableAt: 0, ...load },
  };
}

function names(candidates: Array<Candidate<Target>>): string[] {
  return candidates.map((item) => item.target.name);
}

/** A seeded generator (mulberry32), so shares measured over many draws are reproducible. */
function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function firstPickShares(
  candidates: Array<Candidate<Target>>,
  balance: Balance,
  draws = 4000,
): Record<string, number> {
  const random = seededRandom(42);
  const counts: Record<string, number> = {};
  for (let i = 0; i < draws; i++) {
    const first = orderTargets(candidates, balance, random)[0]!.target.name;
    counts[first] = (counts[first] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(counts).map(([name, count]) => [name, count / draws]));
}

describe('orderTargets, latency', () => {
  it('prefers the faster target at equal load', () => {
    const order = orderTargets(
      [candidate('slow', { latencyMs: 900 }), candidate('fast', { latencyMs: 120 })],
      'latency',
      Math.random,
    );
    expect(names(order)).toEqual(['fast', 'slow']);
  });

  it('sends to the slower target once the faster one is busy enough', () => {
    const candidates = [
      candidate('fast', { latencyMs: 100, inFlight: 3 }), // costs 4 × 100
      candidate('slow', { latencyMs: 300, inFlight: 0 }), // costs 1 × 300
    ];
    expect(names(orderTargets(candidates, 'latency', Math.random))).toEqual(['slow', 'fast']);
  });

  it('tries an unmeasured target first, but not once it has requests in flight', () => {
    const idle = [candidate('known', { latencyMs: 200 }), candidate('new')];
    expect(names(orderTargets(idle, 'latency', Math.random))).toEqual(['new', 'known']);
    const busy = [candidate('known', { latencyMs: 200 }), candidate('new', { inFlight: 1 })];
    expect(names(orderTargets(busy, 'latency', Math.random))).toEqual(['known', 'new']);
  });

  it('orders targets never measured by their requests in flight', () => {
    const candidates = [
      candidate('a', { inFlight: 2 }),
      candidate('b'),
      candidate('c', { inFlight: 1 }),
    ];
    expect(names(orderTargets(candidates, 'latency', Math.random))).toEqual(['b', 'c', 'a']);
  });

  it('spreads ties at random', () => {
    const shares = firstPickShares(
      [candidate('a', { latencyMs: 250 }), candidate('b', { latencyMs: 250 })],
      'latency',
    );
    expect(shares.a).toBeGreaterThan(0.45);
    expect(shares.b).toBeGreaterThan(0.45);
  });
});

describe('orderTargets, weighted', () => {
  it('picks first in proportion to weight, default 1', () => {
    const shares = firstPickShares(
      [candidate('big', {}, 3), candidate('small'), candidate('tiny', {}, 0.5)],
      'weighted',
    );
    // 3 : 1 : 0.5 of 4.5
    expect(shares.big).toBeCloseTo(3 / 4.5, 1);
    expect(shares.small).toBeCloseTo(1 / 4.5, 1);
    expect(shares.tiny).toBeCloseTo(0.5 / 4.5, 1);
  });

  it('ignores latency', () => {
    const shares = firstPickShares(
      [candidate('slow', { latencyMs: 5000 }), candidate('fast', { latencyMs: 10 })],
      'weighted',
    );
    expect(shares.slow).toBeGreaterThan(0.45);
  });
});

describe('orderTargets, unavailable targets', () => {
  it.each<Balance>(['latency', 'weighted'])(
    'puts them last, soonest available first (%s)',
    (balance) => {
      const candidates = [
        candidate('open-long', { available: false, availableAt: 9_000, latencyMs: 1 }, 100),
        candidate('ok', { latencyMs: 800 }),
        candidate('paused-short', { available: false, availableAt: 2_000, latencyMs: 1 }, 100),
      ];
      const order = names(orderTargets(candidates, balance, seededRandom(1)));
      expect(order).toEqual(['ok', 'paused-short', 'open-long']);
    },
  );
});
