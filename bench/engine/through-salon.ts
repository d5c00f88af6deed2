// Salon's side: the server started in this process as `salon serve` starts it (runtime, app,
// listen), with one llama provider configured like the raw baseline, and streams read over
// HTTP by a light client that counts completion tokens from the final usage chunk.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Agent, request } from 'undici';
import { resolveSettings } from '../../src/config/settings.js';
import type { EngineModel } from '../../src/engine/types.js';
import { LlamaProvider } from '../../src/gateway/providers/llama-provider.js';
import { createApiKey } from '../../src/identity/api-keys.js';
import { buildApp } from '../../src/server/app.js';
import { openRuntime } from '../../src/server/runtime.js';
import { benchMessages, benchSampling, measure, type BenchTarget } from './workload.js';

/** How Salon's llama provider is configured for the bench. */
export interface SalonSettings {
  modelPath: string;
  sequences: number;
  threads: number;
  contextSize?: number;
  maxTokens: number;
}

/** A running Salon and the engine model it loaded (to copy its settings to the baseline). */
export interface SalonBench extends BenchTarget {
  engine: EngineModel;
}

const providerName = 'bench';

/** Starts Salon on 127.0.0.1:0 with a fresh SQLite data dir and one API key. */
export async function openSalon(settings: SalonSettings): Promise<SalonBench> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'salon-bench-'));
  // No environment: the bench's model and settings only, whatever SALON_* the shell has.
  const base = resolveSettings({ dataDir, port: 0 }, {});
  const runtime = await openRuntime({
    ...base,
    configFile: undefined,
    config: {
      ...base.config,
      providers: {
        [providerName]: {
          type: 'llama',
          model_path: settings.modelPath,
          sequences: settings.sequences,
          threads: settings.threads,
          ...(settings.contextSize && { context_size: settings.contextSize }),
        },
      },
      models: [{ name: providerName, targets: [{ provider: providerName }] }],
    },
  });
  // As `salon serve` (src/server/serve.ts): a logger at `warn`, so no per-request lines.
  const app = await buildApp(runtime, { logger: { level: 'warn' } });
  const origin = await app.listen({ port: 0, host: '127.0.0.1' });
  const { key } = await createApiKey(runtime.store.db, { name: 'bench' });
  const provider = runtime.gateway.provider(providerName);
  if (!(provider instanceof LlamaProvider))
    throw new Error('the bench provider is not the embedded engine');
  const engine = await provider.model();
  const agent = new Agent({ connections: settings.sequences * 2, keepAliveTimeout: 60_000 });
  const body = JSON.stringify({
    model: providerName,
    messages: benchMessages,
    max_tokens: settings.maxTokens,
    temperature: benchSampling.temperature,
    top_p: benchSampling.topP,
    seed: benchSampling.seed,
    stream: true,
    stream_options: { include_usage: true },
  });
  const url = `${origin}/v1/chat/completions`;
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  return {
    engine,
    async run(streams) {
      return measure(streams, async () => {
        const usages = await Promise.all(
          Array.from({ length: streams }, () => streamOnce(agent, url, headers, body)),
        );
        return {
          tokens: usages.reduce((sum, usage) => sum + usage.completion_tokens, 0),
          promptTokens: usages[0]?.prompt_tokens ?? 0,
        };
      });
    },
    async close() {
      await agent.close();
      await app.close();
      await runtime.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

interface WireUsage {
  prompt_tokens: number;
  completion_tokens: number;
}

/**
 * Reads one streamed chat completion to its end. Only the usage chunk and error events are
 * parsed as JSON: the client shares the cores with the server, so it does as little as a
 * client can per token (split events, look for the usage chunk).
 */
async function streamOnce(
  agent: Agent,
  url: string,
  headers: Record<string, string>,
  body: string,
): Promise<WireUsage> {
  const response = await request(url, { method: 'POST', headers, body, dispatcher: agent });
  if (response.statusCode !== 200) {
    throw new Error(`Salon answered ${response.statusCode}: ${await response.body.text()}`);
  }
  response.body.setEncoding('utf8');
  let buffer = '';
  let usage: WireUsage | undefined;
  let done = false;
  for await (const chunk of response.body as AsyncIterable<string>) {
    buffer += chunk;
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const event = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      if (event === 'data: [DONE]') done = true;
      else if (event.startsWith('data: {"error"')) throw new Error(`Salon stream failed: ${event}`);
      else if (event.includes('"usage":{'))
        usage = (JSON.parse(event.slice(6)) as { usage: WireUsage }).usage;
    }
  }
  if (!done || !usage) throw new Error('the stream ended without usage and [DONE]');
  return usage;
}
