import { describe, expect, it } from 'vitest';
import { runBusContract } from './bus-contract.js';
import { MemoryBus } from './memory.js';

runBusContract('memory', {
  create: async (options) => new MemoryBus(options),
  replica: async (bus) => bus,
});

describe('MemoryBus broadcasts', () => {
  it('has called every listener in the process by the time broadcast resolves', async () => {
    const bus = new MemoryBus();
    const seen: string[] = [];
    await bus.onBroadcast('keys', (message) => seen.push(`first ${message}`));
    await bus.onBroadcast('keys', (message) => seen.push(`second ${message}`));
    await bus.broadcast('keys', 'k1');
    expect(seen).toEqual(['first k1', 'second k1']);
    await bus.close();
    await bus.broadcast('keys', 'k2');
    expect(seen).toHaveLength(2);
  });
});
