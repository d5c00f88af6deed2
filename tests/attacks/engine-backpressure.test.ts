// Backpressure on the embedded engine, on the real tiny model over HTTP: with every sequence busy
// and the bounded wait queue full, one more /v1 request is refused at once with 503 and
// Retry-After instead of waiting in an ever longer queue; the queued request still completes
// once a sequence frees up.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { EngineModel } from '../../src/engine/types.js';
import type { LlamaProvider } from '../../src/gateway/providers/llama-provider.js';
import { startGatewayApp, type GatewayApp } from '../helpers/gateway-app.js';
import { hasTinyModel, tinyModelPath } from '../helpers/shared-files.js';

const runnable = hasTinyModel('engine backpressure');

describe.skipIf(!runnable)('a full engine queue over /v1', () => {
  let salon: GatewayApp;
  let model: EngineModel & { queueLength?: number };

  beforeAll(async () => {
    salon = await startGatewayApp(`providers:
  local: { type: llama, model_path: '${tinyModelPath}', sequences: 1, queue: 1, context_size: 512 }
models:
  - { name: tiny, targets: [{ provider: local }] }
`);
    const provider = salon.runtime.gateway.provider('local') as LlamaProvider;
    model = await provider.model();
  });
  afterAll(async () => {
    await salon?.close();
  });

  const complete = () =>
    fetch(`${salon.baseURL}/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${salon.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'tiny', prompt: 'Once upon a time', max_tokens: 4 }),
    });

  it('refuses with 503 and Retry-After past the queue, and serves the queued request later', async () => {
    // Holds the only sequence: a generator suspended after its first token keeps it.
    const holder = model.complete('Holder', { maxTokens: 50 })[Symbol.asyncIterator]();
    await holder.next();
    const queued = complete();
    await vi.waitFor(() => expect(model.queueLength).toBe(1));
    const startedAt = performance.now();
    const refused = await complete();
    expect(performance.now() - startedAt).toBeLessThan(5_000); // refused, not queued
    expect(refused.status).toBe(503);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const body = (await refused.json()) as { error: { code: string; message: string } };
    expect(body.error.message).toMatch(/busy|overloaded/i);
    await holder.return?.();
    const served = await queued;
    expect(served.status).toBe(200);
    expect(model.queueLength).toBe(0);
    // And the engine serves normally afterwards.
    expect((await complete()).status).toBe(200);
  });
});
