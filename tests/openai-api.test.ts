// The official `openai` client against a running Salon on the embedded engine and the
// shared tiny model: what an API user would see.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { resolveSettings } from '../src/config/settings.js';
import type { LlamaProvider } from '../src/gateway/providers/llama-provider.js';
import { createApiKey } from '../src/identity/api-keys.js';
import { buildApp } from '../src/server/app.js';
import { openRuntime } from '../src/server/runtime.js';
import { hasTinyModel, tinyModelPath } from './helpers/shared-files.js';

const run = hasTinyModel('openai client against the embedded engine');

describe.runIf(run)('OpenAI-compatible API on the embedded engine', () => {
  let app: FastifyInstance;
  let runtime: Awaited<ReturnType<typeof openRuntime>>;
  let client: OpenAI;
  let baseURL: string;
  let key: string;

  beforeAll(async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'salon-api-'));
    const settings = resolveSettings(
      { dataDir },
      { SALON_MODEL: tinyModelPath, SALON_BODY_LIMIT: String(256 * 1024) },
    );
    runtime = await openRuntime(settings);
    app = await buildApp(runtime);
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    baseURL = `${address}/v1`;
    key = (await createApiKey(runtime.store.db, { name: 'tests' })).key;
    client = new OpenAI({ baseURL, apiKey: key, maxRetries: 0 });
  });

  afterAll(async () => {
    await app?.close();
    await runtime?.close();
  });

  const messages = [
    { role: 'system' as const, content: 'You are terse.' },
    { role: 'user' as const, content: 'Name three colours.' },
  ];

  it('lists the model under its file name and the `small` alias first', async () => {
    const ids = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toEqual(['small', 'llama-2-tiny-random']);
  });

  it('answers a chat, with usage equal to the engine’s token counts', async () => {
    const completion = await client.chat.completions.create({
      model: 'small',
      messages,
      max_tokens: 12,
      seed: 7,
      logprobs: true,
    });
    const choice = completion.choices[0]!;
    expect(completion.object).toBe('chat.completion');
    expect(choice.message.role).toBe('assistant');
    expect(choice.finish_reason).toBe('length');
    // One logprob entry per generated token: the engine's own count.
    expect(completion.usage!.completion_tokens).toBe(12);
    expect(choice.logprobs!.content!.length).toBe(12);
    expect(choice.logprobs!.content!.map((t) => t.token).join('')).toBe(choice.message.content);
    const model = await (
      runtime.gateway.provider('llama-2-tiny-random') as unknown as {
        model(): Promise<{ countTokens(text: string): Promise<number> }>;
      }
    ).model();
    expect(completion.usage!.prompt_tokens).toBeGreaterThan(
      await model.countTokens('Name three colours.'),
    );
    expect(completion.usage!.total_tokens).toBe(completion.usage!.prompt_tokens + 12);
  });

  it('streams the same text as the non-streamed reply, ending with usage when asked', async () => {
    const request = { model: 'small', messages, max_tokens: 16, seed: 42, temperature: 0.8 };
    const whole = await client.chat.completions.create(request);
    const stream = await client.chat.completions.create({
      ...request,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | null | undefined;
    let chunks = 0;
    for await (const chunk of stream) {
      chunks++;
      expect(chunk.object).toBe('chat.completion.chunk');
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      usage = chunk.usage ?? usage;
    }
    expect(chunks).toBeGreaterThan(3);
    expect(text).toBe(whole.choices[0]!.message.content);
    expect(finish).toBe('length');
    expect(usage).toEqual(whole.usage);
  });

  it('sends no usage chunk when the client did not ask for one', async () => {
    const stream = await client.chat.completions.create({
      model: 'small',
      messages,
      max_tokens: 4,
      stream: true,
    });
    for await (const chunk of stream) expect(chunk.usage ?? null).toBeNull();
  });

  it('reports the same text and usage as the engine itself for the same request', async () => {
    const request = { messages, maxTokens: 9, seed: 11, temperature: 0.7 };
    const engine = await (
      runtime.gateway.provider('llama-2-tiny-random') as unknown as LlamaProvider
    ).model();
    let engineText = '';
    let engineUsage: { promptTokens: number; completionTokens: number } | undefined;
    for await (const event of engine.chat(request.messages, request)) {
      if (event.type === 'text-delta') engineText += event.text;
      else engineUsage = event.usage;
    }
    const completion = await client.chat.completions.create({
      model: 'small',
      messages,
      max_tokens: request.maxTokens,
      seed: request.seed,
      temperature: request.temperature,
    });
    expect(completion.choices[0]!.message.content).toBe(engineText);
    expect(completion.usage).toEqual({
      prompt_tokens: engineUsage!.promptTokens,
      completion_tokens: engineUsage!.completionTokens,
      total_tokens: engineUsage!.promptTokens + engineUsage!.completionTokens,
    });
  });

  it('writes OpenAI chunks on the wire, the usage chunk with no choices, then [DONE]', async () => {
    const response = await fetch(`${baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({
        model: 'small',
        messages,
        max_tokens: 5,
        stream: true,
        stream_options: { include_usage: true },
      }),
    });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const frames = (await response.text()).split('\n\n').filter(Boolean);
    expect(frames.at(-1)).toBe('data: [DONE]');
    const chunks = frames.slice(0, -1).map((frame) => {
      expect(frame).toMatch(/^data: \{/);
      return JSON.parse(frame.slice('data: '.length)) as OpenAI.ChatCompletionChunk;
    });
    for (const chunk of chunks) {
      expect(chunk).toMatchObject({ id: chunks[0]!.id, object: 'chat.completion.chunk' });
      expect(chunk.model).toBe('small');
    }
    expect(chunks[0]!.choices[0]!.delta.role).toBe('assistant');
    const usageChunk = chunks.at(-1)!;
    expect(usageChunk.choices).toEqual([]);
    expect(usageChunk.usage).toMatchObject({ completion_tokens: 5 });
    const finishes = chunks.flatMap((chunk) => chunk.choices.map((c) => c.finish_reason));
    expect(finishes.filter((reason) => reason !== null)).toEqual(['length']);
  });

  it('ends the reply before a stop string, streamed or not', async () => {
    const greedy = { model: 'small', messages, max_tokens: 30, temperature: 0 };
    const full = (await client.chat.completions.create(greedy)).choices[0]!.message.content!;
    const stop = full
      .slice(Math.floor(full.length / 2))
      .trimStart()
      .slice(0, 4);
    expect(stop.length).toBe(4);
    const expected = full.slice(0, full.indexOf(stop));
    const cut = await client.chat.completions.create({ ...greedy, stop: [stop] });
    expect(cut.choices[0]!.message.content).toBe(expected);
    expect(cut.choices[0]!.finish_reason).toBe('stop');
    expect(cut.usage!.completion_tokens).toBeLessThan(30);
    const stream = await client.chat.completions.create({ ...greedy, stop, stream: true });
    let streamed = '';
    for await (const chunk of stream) streamed += chunk.choices[0]?.delta.content ?? '';
    expect(streamed).toBe(expected);
  });

  it('samples only the likeliest token under a tiny top_p, whatever the temperature', async () => {
    const base = { model: 'small', messages, max_tokens: 20 };
    const greedy = await client.chat.completions.create({ ...base, temperature: 0 });
    const nucleus = await client.chat.completions.create({
      ...base,
      temperature: 1.5,
      top_p: 1e-6,
      seed: 5,
    });
    const hot = await client.chat.completions.create({ ...base, temperature: 1.5, seed: 5 });
    expect(nucleus.choices[0]!.message.content).toBe(greedy.choices[0]!.message.content);
    // Without top_p, that temperature wanders off the likeliest path.
    expect(hot.choices[0]!.message.content).not.toBe(greedy.choices[0]!.message.content);
  });

  it('returns top logprobs, sorted, as natural logs', async () => {
    const completion = await client.chat.completions.create({
      model: 'small',
      messages,
      max_tokens: 5,
      logprobs: true,
      top_logprobs: 3,
    });
    for (const token of completion.choices[0]!.logprobs!.content!) {
      expect(token.logprob).toBeLessThanOrEqual(0);
      expect(token.top_logprobs).toHaveLength(3);
      const values = token.top_logprobs.map((t) => t.logprob);
      expect([...values].sort((a, b) => b - a)).toEqual(values);
      expect(token.logprob).toBeLessThanOrEqual(values[0]! + 1e-6);
    }
  });

  it('follows a json_schema response format', async () => {
    const completion = await client.chat.completions.create({
      model: 'small',
      messages: [{ role: 'user', content: 'Give me a name as JSON.' }],
      // A random-weight model writes endless strings; enums and booleans bound the output.
      max_tokens: 400,
      seed: 3,
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'person',
          schema: {
            type: 'object',
            properties: { name: { enum: ['Ada', 'Grace'] }, admin: { type: 'boolean' } },
            required: ['name', 'admin'],
          },
        },
      },
    });
    const value = JSON.parse(completion.choices[0]!.message.content!);
    expect(completion.choices[0]!.finish_reason).toBe('stop');
    expect(['Ada', 'Grace']).toContain(value.name);
    expect(typeof value.admin).toBe('boolean');
  });

  it('stops the engine at once when a client leaves mid-stream, meters its tokens and frees its sequence', async () => {
    const sequences = 4;
    const maxTokens = 2_000;
    const { key: leaverKey, record } = await createApiKey(runtime.store.db, { name: 'leaver' });
    const leaver = new OpenAI({ baseURL, apiKey: leaverKey, maxRetries: 0 });
    // Abort more streams than there are sequences: leaked sequences would block what follows.
    for (let round = 0; round < 2; round++) {
      await Promise.all(
        Array.from({ length: sequences }, async () => {
          const controller = new AbortController();
          const stream = await leaver.chat.completions.create(
            { model: 'small', messages, max_tokens: maxTokens, stream: true },
            { signal: controller.signal },
          );
          let seen = 0;
          try {
            for await (const _chunk of stream) if (++seen === 3) controller.abort();
          } catch (error) {
            expect((error as Error).name).toMatch(/Abort/);
          }
        }),
      );
    }
    const after = await Promise.all(
      Array.from({ length: sequences }, () =>
        leaver.chat.completions.create({ model: 'small', messages, max_tokens: 4 }),
      ),
    );
    for (const completion of after) expect(completion.usage!.completion_tokens).toBe(4);
    // The server saw each client leave, and counts those generations as aborted.
    await vi.waitFor(async () => {
      const metrics = await (await fetch(`${baseURL.replace('/v1', '')}/metrics`)).text();
      expect(metrics).toContain(
        `salon_generations_total{model="small",finish_reason="abort"} ${2 * sequences}`,
      );
    });
    // Each left stream is metered, once its generation has ended, with all the engine
    // generated: some tokens, and far fewer than allowed, i.e. the engine stopped soon after
    // its client left rather than running on to max_tokens.
    const left = () =>
      runtime.store.db
        .selectFrom('usage_events')
        .select(['prompt_tokens', 'completion_tokens', 'status'])
        .where('api_key_id', '=', record.id)
        .where('error_code', '=', 'client_closed')
        .execute();
    await expect.poll(async () => (await left()).length).toBe(2 * sequences);
    for (const row of await left()) {
      expect(row.status).toBe(200);
      expect(row.prompt_tokens).toBe(after[0]!.usage!.prompt_tokens);
      expect(row.completion_tokens).toBeGreaterThan(0);
      expect(row.completion_tokens).toBeLessThan(200);
    }
  });

  it('continues a raw prompt on /v1/completions without a chat template', async () => {
    const completion = await client.completions.create({
      model: 'small',
      prompt: 'The capital of France is',
      max_tokens: 6,
      logprobs: 2,
    });
    expect(completion.choices[0]!.logprobs!.tokens).toHaveLength(6);
    expect(completion.usage!.completion_tokens).toBe(6);
    const model = await (
      runtime.gateway.provider('llama-2-tiny-random') as unknown as {
        model(): Promise<{ countTokens(text: string): Promise<number> }>;
      }
    ).model();
    // The raw prompt plus the beginning-of-sequence token.
    const promptTokens = await model.countTokens('The capital of France is');
    expect([promptTokens, promptTokens + 1]).toContain(completion.usage!.prompt_tokens);
  });

  it('echoes the prompt before the continuation when asked, streamed or not', async () => {
    const request = { model: 'small', prompt: 'Once upon a time', max_tokens: 4, seed: 3 };
    const plain = await client.completions.create(request);
    const echoed = await client.completions.create({ ...request, echo: true });
    expect(echoed.choices[0]!.text).toBe('Once upon a time' + plain.choices[0]!.text);
    const stream = await client.completions.create({ ...request, echo: true, stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.text ?? '';
    expect(text).toBe(echoed.choices[0]!.text);
    const both = client.completions.create({ ...request, echo: true, logprobs: 1 });
    await expect(both).rejects.toMatchObject({ status: 400, param: 'echo' });
  });

  describe('errors in OpenAI’s shape', () => {
    async function post(
      body: unknown,
      headers: Record<string, string> = { authorization: `Bearer ${key}` },
    ) {
      const response = await fetch(`${baseURL}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      return {
        status: response.status,
        body: (await response.json()) as { error: Record<string, unknown> },
      };
    }

    it('401 without a key and with a wrong key', async () => {
      expect((await post({ model: 'small', messages }, {})).status).toBe(401);
      const wrong = new OpenAI({ baseURL, apiKey: 'sk-salon-wrong', maxRetries: 0 });
      await expect(wrong.models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    });

    it('404 for an unknown model, naming it', async () => {
      const error = await client.chat.completions
        .create({ model: 'gpt-17', messages })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OpenAI.NotFoundError);
      expect((error as InstanceType<typeof OpenAI.NotFoundError>).message).toMatch(/gpt-17/);
    });

    it('400 naming the bad field', async () => {
      const missing = await post({ model: 'small' });
      expect(missing.status).toBe(400);
      expect(missing.body.error).toMatchObject({
        type: 'invalid_request_error',
        param: 'messages',
      });
      const hot = await post({ model: 'small', messages, temperature: 5 });
      expect(hot.status).toBe(400);
      expect(hot.body.error.param).toBe('temperature');
      const broken = await post('{"model": ');
      expect(broken.status).toBe(400);
      expect(broken.body.error.type).toBe('invalid_request_error');
    });

    it('413 for a body over the limit', async () => {
      const big = await post({
        model: 'small',
        messages: [{ role: 'user', content: 'x'.repeat(300_000) }],
      });
      expect(big.status).toBe(413);
      expect(big.body.error.code).toBe('request_too_large');
    });

    it('errors generate nothing and count no tokens', async () => {
      const before = await (await fetch(`${baseURL.replace('/v1', '')}/metrics`)).text();
      await post({ model: 'nope', messages });
      await post({ model: 'small', messages, top_p: 9 });
      const after = await (await fetch(`${baseURL.replace('/v1', '')}/metrics`)).text();
      const tokens = (text: string) =>
        text.split('\n').filter((l) => l.startsWith('salon_tokens_total'));
      expect(tokens(after)).toEqual(tokens(before));
    });
  });
});
