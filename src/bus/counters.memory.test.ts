import { describe, expect, it } from 'vitest';
import { countersContract } from './counters-contract.js';
import { MemoryCounters } from './counters.memory.js';

countersContract('memory', {
  create: async () => new MemoryCounters(),
  replica: async (counters) => counters,
});

describe('MemoryCounters with an injected clock', () => {
  it('ends a window exactly windowMs after its first count', async () => {
    let now = 1_000_000;
    const counters = new MemoryCounters({ now: () => now });
    const spec = { name: 'rpm', windowMs: 60_000 };
    const take = () => counters.take([{ ...spec, limit: 2, amount: 1 }]);
    expect((await take()).states[0]).toEqual({ value: 1, resetMs: 60_000 });
    now += 59_999;
    expect((await take()).states[0]).toEqual({ value: 2, resetMs: 1 });
    expect((await take()).allowed).toBe(false);
    now += 1;
    expect((await take()).states[0]).toEqual({ value: 1, resetMs: 60_000 });
    await counters.close();
  });
});
