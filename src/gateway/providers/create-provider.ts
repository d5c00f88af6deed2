import type { LoadOptions } from '../../engine/types.js';
import type { ProviderConfig, TimeoutsConfig } from '../../config/schema.js';
import { UpstreamAllowList } from '../../lib/upstream-allow-list.js';
import { AzureOpenAIProvider } from './azure-openai-provider.js';
import { LlamaProvider, type ModelLoader } from './llama-provider.js';
import { OpenAIProvider } from './openai-provider.js';
import type { Resolve } from './resolve-host.js';
import type { Provider } from './types.js';
import { configuredAccess, enteredAccess } from './upstream-access.js';

/** What building a provider may need besides its config entry. */
export interface ProviderDependencies {
  loadModel: ModelLoader;
  engineDefaults?: LoadOptions;
  /** `router.timeouts`: defaults for HTTP providers that set none. */
  timeouts?: TimeoutsConfig;
  /**
   * The internal addresses providers connected from the web UI may reach (none when absent),
   * and how every HTTP provider resolves names (dns.lookup unless a test gives its own).
   */
  upstreams?: UpstreamNetwork;
}

/** The operator's allow-list and the resolver, shared by every outbound connection. */
export interface UpstreamNetwork {
  allowList: UpstreamAllowList;
  resolve?: Resolve;
}

const noAllowList = new UpstreamAllowList();

/**
 * Builds the adapter for one provider: a `providers:` entry of salon.yaml (`configured`), or
 * one connected from the web UI (`entered`), which reaches internal addresses only when the
 * allow-list names them.
 */
export function createProvider(
  name: string,
  config: ProviderConfig,
  dependencies: ProviderDependencies,
  origin: 'configured' | 'entered' = 'configured',
): Provider {
  if (config.type === 'llama') {
    return new LlamaProvider(name, config, dependencies.loadModel, dependencies.engineDefaults);
  }
  const { upstreams } = dependencies;
  const connection = {
    access:
      origin === 'entered'
        ? enteredAccess(upstreams?.allowList ?? noAllowList)
        : configuredAccess(config.allow_link_local),
    resolve: upstreams?.resolve,
  };
  return config.type === 'openai'
    ? new OpenAIProvider(name, config, dependencies.timeouts, connection)
    : new AzureOpenAIProvider(name, config, dependencies.timeouts, connection);
}
