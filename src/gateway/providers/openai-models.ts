// Asks an OpenAI-style API which models it serves (`GET {base_url}/models`), to connect a
// provider without typing its model names. Redirects are not followed and the answer is read
// up to a size limit: the URL comes from a form, so this call stays as narrow as it can.
import { request as httpRequest } from 'undici';
import type { OpenAIProviderConfig } from '../../config/schema.js';
import { badRequest } from '../../lib/errors.js';
import { configuredAccess, type UpstreamConnection } from './upstream-access.js';
import { createUpstreamAgent } from './upstream-agent.js';

/** Most models a provider may list (OpenRouter lists a few hundred). */
export const maxListedModels = 1000;
const maxAnswerBytes = 4 * 1024 * 1024;

/**
 * The model ids the upstream lists; a 400 with the reason when it cannot be asked or read. The
 * request goes through the upstream agent with the provider's access, so an address it may not
 * reach is refused as it is for generations (`resolve` replaces DNS in tests).
 */
export async function listUpstreamModels(
  config: OpenAIProviderConfig,
  options: UpstreamConnection & { timeoutMs?: number } = {},
): Promise<string[]> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const url = config.base_url.replace(/\/+$/, '') + '/models';
  const fail = (reason: string) =>
    badRequest(
      `Could not list the models at ${url}: ${reason}. Check the base URL and the API key, or give the models.`,
      'baseUrl',
      'model_discovery_failed',
    );
  let text: string;
  let status: number;
  const agent = createUpstreamAgent({
    connectTimeoutMs: timeoutMs,
    access: options.access ?? configuredAccess(config.allow_link_local),
    resolve: options.resolve,
  });
  try {
    const response = await httpRequest(url, {
      dispatcher: agent,
      method: 'GET',
      headers: {
        accept: 'application/json',
        ...(config.api_key && { authorization: `Bearer ${config.api_key}` }),
        ...config.headers,
      },
      signal: AbortSignal.timeout(timeoutMs), // the whole exchange, body included
    });
    status = response.statusCode;
    text = await readCapped(response.body);
  } catch (error) {
    if (error instanceof Error && error.name === 'TimeoutError') {
      throw fail(`no answer within ${timeoutMs / 1000} s`);
    }
    throw fail(describe(error));
  } finally {
    void agent.close();
  }
  if (status >= 300) throw fail(`it answered ${status}${upstreamMessage(text)}`);
  let ids: unknown[];
  try {
    const body = JSON.parse(text) as { data?: Array<{ id?: unknown }> };
    if (!Array.isArray(body.data)) throw new Error();
    ids = body.data.map((model) => model?.id);
  } catch {
    throw fail('the answer is not an OpenAI model list ({"data":[{"id":…}]})');
  }
  const models = [...new Set(ids.filter((id): id is string => typeof id === 'string' && !!id))];
  if (models.length === 0) throw fail('it lists no model');
  if (models.length > maxListedModels) {
    throw fail(`it lists ${models.length} models (at most ${maxListedModels})`);
  }
  return models;
}

async function readCapped(body: AsyncIterable<Buffer> & { destroy(): void }): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > maxAnswerBytes) {
      body.destroy();
      throw new Error(`the answer is larger than ${maxAnswerBytes / 1024 / 1024} MB`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function upstreamMessage(text: string): string {
  try {
    const message = (JSON.parse(text) as { error?: { message?: unknown } }).error?.message;
    if (typeof message === 'string' && message) return ` (${message.slice(0, 200)})`;
  } catch {
    // not JSON: the status says enough
  }
  return '';
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as NodeJS.ErrnoException).code;
  return code && !error.message.includes(code) ? `${error.message} (${code})` : error.message;
}
