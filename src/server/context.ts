import type { VerifiedApiKey } from '../identity/api-keys.js';
import type { Settings } from '../config/settings.js';
import type { Gateway } from '../gateway/gateway.js';
import type { Store } from '../store/create-database.js';
import type { Metrics } from './metrics.js';

/** What the routes share: settings, storage, the gateway and metrics. */
export interface ServerContext {
  settings: Settings;
  store: Store;
  gateway: Gateway;
  metrics: Metrics;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The API key that authenticated a /v1 request. */
    apiKey?: VerifiedApiKey;
  }
}
