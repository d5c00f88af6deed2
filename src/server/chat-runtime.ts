// The chat's share of a running Salon: the bus, the run manager (with titles after a first
// reply) under this process's replica id, and a first sweep for the runs of dead replicas.
import type { RunBus } from '../bus/bus.js';
import { MemoryBus } from '../bus/memory.js';
import { RedisBus } from '../bus/redis.js';
import { newReplicaId, RunManager } from '../chat/run-manager.js';
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
 * Opens the bus and starts the run manager, which settles each reply's usage with `governance`
 * (the one /v1 uses) and leases its runs. Runs a previous process left `streaming` are marked
 * interrupted once their lease has expired, like those of any dead replica: at once when it
 * expired long ago, otherwise by a later sweep (never at once, which would cut other replicas'
 * live runs).
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
  const runs = new RunManager({
    replicaId: newReplicaId(),
    heartbeatMs: settings.runHeartbeatMs,
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
  await runs.tendLeases();
  return {
    bus,
    runs,
    async close() {
      await runs.close();
      await bus.close();
    },
  };
}
