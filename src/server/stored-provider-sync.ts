// Keeps the providers connected from the web UI the same on every replica. The `providers`
// table is the truth: each replica reads it every few seconds, and right after one of its own
// routes changed it, and follows: providers new to it are served, removed ones dropped, and one
// replaced under the same name (a new row id) rebuilt. salon.yaml keeps precedence: a stored
// provider whose name the file (or a model file) uses is not served, as at start.
import type { Gateway } from '../gateway/gateway.js';
import { loadStoredProviders } from '../gateway/provider-store.js';
import type { StoredProviderSource } from './runtime.js';

/** How often a replica reads the table when nothing changed on it. */
export const providerSyncIntervalMs = 3_000;

export class StoredProviderSync {
  /** Row id of each stored provider the gateway serves, by name. */
  private readonly served = new Map<string, string>();
  /** Providers already reported as not served, so that each is logged once. */
  private readonly reported = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  /** Passes run one after another; each `sync()` gets one that starts after it was asked. */
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly gateway: Gateway,
    private readonly source: StoredProviderSource,
    private readonly log: (message: string) => void,
  ) {}

  /** Reads the table every `intervalMs` from now on (the timer never keeps the process alive). */
  start(intervalMs = providerSyncIntervalMs): void {
    this.timer ??= setInterval(() => {
      this.sync().catch((error: unknown) =>
        this.log(`could not read the connected providers: ${describe(error)}`),
      );
    }, intervalMs).unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Brings the gateway in line with the table as it is now. */
  sync(): Promise<void> {
    const pass = this.queue.then(() => this.pass());
    this.queue = pass.catch(() => undefined);
    return pass;
  }

  private async pass(): Promise<void> {
    const { store, secrets } = this.source;
    const unreadable = new Set<string>();
    const loaded = await loadStoredProviders(store.db, secrets, (provider, error) => {
      unreadable.add(provider.name);
      this.report(provider.name, `provider '${provider.name}' is not served: ${describe(error)}`);
    });
    const stored = new Map(loaded.map((entry) => [entry.provider.name, entry.provider]));
    const connected = new Set(
      this.gateway
        .listProviders()
        .filter((provider) => provider.connected)
        .map((provider) => provider.name),
    );
    for (const [name, id] of this.served) {
      // A reload gave the name to salon.yaml: served again if the file lets it go.
      if (!connected.has(name)) this.served.delete(name);
      else if (stored.get(name)?.id === id || unreadable.has(name)) continue;
      else {
        // Removed, or replaced by another provider of the same name.
        this.served.delete(name);
        await this.gateway.removeProvider(name);
      }
    }
    for (const { provider, config } of loaded) {
      if (this.served.get(provider.name) === provider.id) continue;
      if (this.gateway.provider(provider.name)) {
        this.report(
          provider.name,
          `provider '${provider.name}' is not served: salon.yaml (or a model file) has that name`,
        );
        continue;
      }
      this.gateway.addProvider(provider.name, config, provider.models);
      this.served.set(provider.name, provider.id);
      this.reported.delete(provider.name);
    }
  }

  private report(name: string, message: string): void {
    if (this.reported.has(name)) return;
    this.reported.add(name);
    this.log(message);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
