// Opens what a Salon process runs on (storage, models, metrics) from settings. Used by
// `salon serve` and by the in-process `salon chat`.
import path from 'node:path';
import type { Settings } from '../config/settings.js';
import { listLocalModels } from '../engine/local-models.js';
import { loadModel } from '../engine/llama-engine.js';
import { Gateway } from '../gateway/gateway.js';
import { buildCatalog } from '../gateway/model-catalog.js';
import { openDatabase, type Store } from '../store/create-database.js';
import { openChatRuntime } from './chat-runtime.js';
import type { ServerContext } from './context.js';
import { createMetrics } from './metrics.js';

/** The models dir inside a data dir. */
export function modelsDir(dataDir: string): string {
  return path.join(dataDir, 'models');
}

/** Builds the gateway over salon.yaml plus the GGUF files found on disk. */
export async function createGateway(settings: Settings): Promise<Gateway> {
  const localModels = await listLocalModels(modelsDir(settings.dataDir));
  const catalog = buildCatalog(settings.config, { modelFile: settings.modelFile, localModels });
  return new Gateway(catalog, {
    loadModel,
    engineDefaults: settings.threads ? { threads: settings.threads } : {},
  });
}

/** Opens storage (running migrations), the gateway, and the chat's bus and runs. */
export async function openRuntime(
  settings: Settings,
): Promise<ServerContext & { close(): Promise<void> }> {
  const store: Store = await openDatabase({
    databaseUrl: settings.databaseUrl,
    dataDir: settings.dataDir,
  });
  try {
    const gateway = await createGateway(settings);
    const chat = await openChatRuntime(settings, store, gateway);
    return {
      settings,
      store,
      gateway,
      metrics: createMetrics(),
      bus: chat.bus,
      runs: chat.runs,
      async close() {
        await chat.close();
        await gateway.close();
        await store.close();
      },
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}
