// Azure OpenAI: the same wire format as OpenAI, addressed by deployment
// (`{endpoint}/openai/deployments/{deployment}/chat/completions?api-version=…`) and
// authenticated with an `api-key` header instead of a bearer token.
import type { AzureOpenAIProviderConfig, TimeoutsConfig } from '../../config/schema.js';
import { OpenAIProvider } from './openai-provider.js';
import type { UpstreamConnection } from './upstream-access.js';

/** A provider for an Azure OpenAI resource. */
export class AzureOpenAIProvider extends OpenAIProvider {
  override readonly type = 'azure-openai';

  constructor(
    name: string,
    private readonly azure: AzureOpenAIProviderConfig,
    routerTimeouts?: TimeoutsConfig,
    connection?: UpstreamConnection,
  ) {
    super(name, azure, routerTimeouts, connection);
  }

  protected override url(path: string, model: string | undefined): string {
    const deployment = (model && this.azure.deployments?.[model]) ?? model;
    const base = this.azure.base_url.replace(/\/+$/, '').replace(/\/openai$/, '');
    const version = encodeURIComponent(this.azure.api_version);
    if (!deployment) return `${base}/openai/v1${path}?api-version=${version}`;
    return `${base}/openai/deployments/${encodeURIComponent(deployment)}${path}?api-version=${version}`;
  }

  protected override authHeaders(): Record<string, string> {
    return this.azure.api_key ? { 'api-key': this.azure.api_key } : {};
  }
}
