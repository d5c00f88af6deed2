// The chat's share of a running Salon: the bus, the run manager (with titles after a first
// reply), and the start-up sweep that marks runs a previous process left `streaming`.
import type { RunBus } from '../bus/bus.js';
import { MemoryBus } from '../bus/memory.js';
import { RedisBus } from '../bus/redis.js';
import { markInterruptedRuns } from '../chat/interrupted-runs.js';
import { RunManager } from '../chat/run-manager.js';
import { generateTitle } from '../chat/titles.js';
import type { Settings } from '../config/settings.js';
import type { Gateway } from '../gateway/gateway.js';
import type { Governance } from '../governance/governance.js';
import type { Store } from '../store/create-database.js';

/** The bus and the runs, and how to stop them. */
export interface ChatRuntime {
  bus: RunBus;
  runs: RunManager;
  /** Interrupts the runs still going (their text kept), then closes the bus. */
  close(): Promise<void>;
}

function log(message: string, error?: unknown): void {
  console.error(`salon: ${message}${error instanceof Error ? `: ${error.message}` : ''}`);
}

/**
 * Opens the bus, marks runs left over from a previous process as interrupted, and starts the run
 * manager, which settles each reply's usage with `governance` (the one /v1 uses).
 */
export async function openChatRuntime(
  settings: Settings,
  store: Store,
  gateway: Gateway,
  governance: Governance,
): Promise<ChatRuntime> {
  const bus: RunBus = settings.redisUrl
    ? await RedisBus.connect(settings.redisUrl, { log })
    : new MemoryBus();
  const interrupted = await markInterruptedRuns(store.db);
  if (interrupted)
    log(`marked ${interrupted} unfinished repl${interrupted === 1 ? 'y' : 'ies'} as interrupted`);
  const runs = new RunManager({
    db: store.db,
    bus,
    gateway,
    governance,
    log,
    onSettled: async (run, outcome, signal) => {
      if (outcome.status === 'complete') {
        await generateTitle({ db: store.db, gateway, log }, run.conversationId, signal);
      }
    },
  });
  return {
    bus,
    runs,
    async close() {
      await runs.close();
      await bus.close();
    },
  };
}
