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
