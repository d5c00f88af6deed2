import type { LoadOptions } from '../../engine/types.js';
import type { ProviderConfig, TimeoutsConfig } from '../../config/schema.js';
import { AzureOpenAIProvider } from './azure-openai-provider.js';
import { LlamaProvider, type ModelLoader } from './llama-provider.js';
import { OpenAIProvider } from './openai-provider.js';
import type { Provider } from './types.js';

/** What building a provider may need besides its config entry. */
export interface ProviderDependencies {
  loadModel: ModelLoader;
  engineDefaults?: LoadOptions;
  /** `router.timeouts`: defaults for HTTP providers that set none. */
  timeouts?: TimeoutsConfig;
}

/** Builds the adapter for one `providers:` entry. */
export function createProvider(
  name: string,
  config: ProviderConfig,
  dependencies: ProviderDependencies,
): Provider {
  switch (config.type) {
    case 'openai':
      return new OpenAIProvider(name, config, dependencies.timeouts);
    case 'azure-openai':
      return new AzureOpenAIProvider(name, config, dependencies.timeouts);
    case 'llama':
      return new LlamaProvider(name, config, dependencies.loadModel, dependencies.engineDefaults);
  }
}
