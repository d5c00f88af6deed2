// Re-reads salon.yaml and the model files and hands the result to the running gateway: the
// admin API's reload and SIGHUP both come here. A bad file changes nothing and says why.
import { loadConfigFile } from '../config/load-config.js';
import { upstreamAllow, type Settings } from '../config/settings.js';
import { listLocalModels } from '../engine/local-models.js';
import type { Gateway, ReloadSummary } from '../gateway/gateway.js';
import { buildCatalog } from '../gateway/model-catalog.js';
import { modelsDir } from './runtime.js';
import type { V1Governance } from './v1-governance.js';

/**
 * Serves salon.yaml (read again) and the model files now on disk, and applies its `limits` and
 * `security.upstream_allow`;
 * throws a ConfigError for a bad file, having changed nothing.
 */
export async function reloadGateway(
  settings: Settings,
  gateway: Gateway,
  governance: Pick<V1Governance, 'setLimits'>,
): Promise<ReloadSummary> {
  const config = settings.configFile ? loadConfigFile(settings.configFile) : settings.config;
  const localModels = await listLocalModels(modelsDir(settings.dataDir));
  const catalog = buildCatalog(config, { modelFile: settings.modelFile, localModels });
  const summary = gateway.reload(catalog, config.router, upstreamAllow(config, settings));
  governance.setLimits(config.limits);
  return summary;
}
