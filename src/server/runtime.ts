// Opens what a Salon process runs on (storage, models, metrics) from settings. Used by
// `salon serve` and by the in-process `salon chat`.
import path from 'node:path';
import { upstreamAllow, type Settings } from '../config/settings.js';
import { listLocalModels } from '../engine/local-models.js';
import { loadModel } from '../engine/llama-engine.js';
import { Gateway } from '../gateway/gateway.js';
import { buildCatalog } from '../gateway/model-catalog.js';
import type { Resolve } from '../gateway/types.js';
import { openSecretBox, type SecretBox } from '../lib/secret-box.js';
import { UpstreamAllowList } from '../lib/upstream-allow-list.js';
import { openDatabase, type Store } from '../store/create-database.js';
import { openChatRuntime } from './chat-runtime.js';
import type { ServerContext } from './context.js';
import { openV1Governance } from './governance-runtime.js';
import { createMetrics } from './metrics.js';
import { shareInvalidations } from './share-invalidations.js';
import { StoredProviderSync } from './stored-provider-sync.js';

/** The models dir inside a data dir. */
export function modelsDir(dataDir: string): string {
  return path.join(dataDir, 'models');
}

/** What the gateway may load besides salon.yaml and the files: providers stored in the database. */
export interface StoredProviderSource {
  store: Store;
  secrets: SecretBox;
}

/** What a test may put in place of the real thing. */
export interface RuntimeOptions {
  /** How upstream host names resolve (dns.lookup otherwise). */
  resolve?: Resolve;
}

/**
 * Builds the gateway over salon.yaml plus the GGUF files found on disk, then the providers
 * connected from the web UI (oldest first; salon.yaml wins on a provider name both use).
 */
export async function createGateway(
  settings: Settings,
  stored?: StoredProviderSource,
  options: RuntimeOptions = {},
): Promise<Gateway> {
  const localModels = await listLocalModels(modelsDir(settings.dataDir));
  const catalog = buildCatalog(settings.config, { modelFile: settings.modelFile, localModels });
  const gateway = new Gateway(
    catalog,
    {
      loadModel,
      engineDefaults: settings.threads ? { threads: settings.threads } : {},
      timeouts: settings.config.router.timeouts,
      upstreams: {
        allowList: new UpstreamAllowList(upstreamAllow(settings.config, settings)),
        resolve: options.resolve,
      },
    },
    settings.config.router,
  );
  if (stored) await new StoredProviderSync(gateway, stored, log).sync();
  return gateway;
}

function log(message: string): void {
  console.error(`salon: ${message}`);
}

/** Opens storage (running migrations), the gateway, the chat's bus and runs, and /v1 governance. */
export async function openRuntime(
  settings: Settings,
  options: RuntimeOptions = {},
): Promise<ServerContext & { close(): Promise<void> }> {
  const store: Store = await openDatabase({
    databaseUrl: settings.databaseUrl,
    dataDir: settings.dataDir,
  });
  // What a failed start closes again, newest first.
  const opened: (() => Promise<void>)[] = [() => store.close()];
  try {
    const secrets = openSecretBox({ secret: settings.secret, dataDir: settings.dataDir });
    const gateway = await createGateway(settings, undefined, options);
    opened.unshift(() => gateway.close());
    const providerSync = new StoredProviderSync(gateway, { store, secrets }, log);
    await providerSync.sync();
    providerSync.start();
    opened.unshift(async () => providerSync.stop());
    const governance = await openV1Governance(settings, store, {
      aliasOf: (model) => gateway.listModels().find((route) => route.name === model)?.aliasOf,
      log,
    });
    opened.unshift(() => governance.close());
    const chat = await openChatRuntime(settings, store, gateway, governance.core);
    opened.unshift(() => chat.close());
    const stopSharing = await shareInvalidations(store, chat.bus, governance.core.policies, log);
    return {
      settings,
      store,
      secrets,
      gateway,
      metrics: createMetrics(),
      bus: chat.bus,
      runs: chat.runs,
      governance,
      providerSync,
      async close() {
        providerSync.stop();
        stopSharing();
        await chat.close();
        await gateway.close();
        // After the routes and runs, before the store: the ledger's last rows need it.
        await governance.close();
        await store.close();
      },
    };
  } catch (error) {
    for (const close of opened) await close().catch(() => undefined);
    throw error;
  }
}
