import { runBusContract } from './bus-contract.js';
import { MemoryBus } from './memory.js';

runBusContract('memory', {
  create: async (options) => new MemoryBus(options),
  replica: async (bus) => bus,
});
