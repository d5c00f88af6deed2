import type { RunBus } from '../bus/bus.js';
import type { RunManager } from '../chat/run-manager.js';
import type { VerifiedApiKey } from '../identity/api-keys.js';
import type { Settings } from '../config/settings.js';
import type { Gateway } from '../gateway/gateway.js';
import type { SecretBox } from '../lib/secret-box.js';
import type { Store } from '../store/create-database.js';
import type { Metrics } from './metrics.js';
import type { StoredProviderSync } from './stored-provider-sync.js';
import type { V1Governance } from './v1-governance.js';

/**
 * What the routes share: settings, storage, secrets, the gateway, metrics, the bus, the runs, and
 * the /v1 admission and metering.
 */
export interface ServerContext {
  settings: Settings;
  store: Store;
  /** Seals and opens secrets stored in the database (provider API keys). */
  secrets: SecretBox;
  gateway: Gateway;
  metrics: Metrics;
  /** Run events and cancel signals, shared by every replica. */
  bus: RunBus;
  /** The chat replies this process is generating. */
  runs: RunManager;
  /** Allowed models, rate limits and budgets before a /v1 generation; the usage ledger after. */
  governance: V1Governance;
  /** Serves the providers connected from the web UI as the database lists them, on every replica. */
  providerSync: StoredProviderSync;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The API key that authenticated a /v1 request. */
    apiKey?: VerifiedApiKey;
  }
}
