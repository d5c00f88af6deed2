// The embedded engine on the real llama.cpp, with the shared tiny model (random weights, real
// Llama 2 tokenizer): the text is gibberish but, with a seed, repeatable.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { isSalonError } from '../lib/errors.js';
import { loadModel } from './llama-engine.js';
import { importNodeLlamaCpp } from './native.js';
import { tinyModelPath } from './test-model.js';
import type { EngineModel, GenerationEvent, TokenLogprob, Usage } from './types.js';

const modelFile = tinyModelPath();

interface Collected {
  text: string;
  deltas: string[];
  logprobs: TokenLogprob[];
  finishReason: string;
  usage: Usage;
  firstDeltaAt: number;
  finishedAt: number;
}

async function collect(events: AsyncIterable<GenerationEvent>): Promise<Collected> {
  const result: Collected = {
    text: '',
    deltas: [],
    logprobs: [],
    finishReason: '',
    usage: { promptTokens: -1, completionTokens: -1 },
    firstDeltaAt: Number.NaN,
    finishedAt: Number.NaN,
  };
  let finishes = 0;
  for await (const event of events) {
    if (event.type === 'text-delta') {
      if (result.deltas.length === 0) result.firstDeltaAt = performance.now();
      result.deltas.push(event.text);
      result.text += event.text;
      result.logprobs.push(...(event.logprobs ?? []));
    } else {
      finishes++;
      result.finishReason = event.finishReason;
      result.usage = event.usage;
      result.finishedAt = performance.now();
    }
  }
  expect(finishes).toBe(1);
  return result;
}

const greedy = { temperature: 0 };

describe.skipIf(!modelFile)('llama engine on the tiny model', () => {
  let model: EngineModel;

  beforeAll(async () => {
    model = await loadModel(modelFile!, {
      gpu: false,
      threads: 1,
      sequences: 4,
      contextSize: 1024,
    });
  });
  afterAll(async () => {
    await model?.close();
  });

  it('loads with its id, context size and sequences', () => {
    expect(model.id).toBe('llama-2-tiny-random');
    expect(model.contextSize).toBeGreaterThanOrEqual(1024);
    expect(model.sequences).toBe(4);
    expect(model.queueLength).toBe(0);
  });

  it('counts tokens with the model tokenizer', async () => {
    expect(await model.countTokens('Hello world')).toBe(2);
    expect(await model.countTokens('')).toBe(0);
  });

  it('stops at maxTokens with exactly that many completion tokens', async () => {
    const prompt = 'Once upon a time';
    const result = await collect(model.complete(prompt, { ...greedy, maxTokens: 17 }));
    expect(result.finishReason).toBe('length');
    expect(result.usage).toEqual({
      promptTokens: (await model.countTokens(prompt)) + 1, // + BOS, as llama.cpp adds it
      completionTokens: 17,
    });
    expect(result.text.length).toBeGreaterThan(0);
  });

  it('repeats itself with the same seed, and not with another', async () => {
    const options = { temperature: 1, topP: 1, maxTokens: 30 };
    const first = await collect(model.complete('The weather', { ...options, seed: 1234 }));
    const again = await collect(model.complete('The weather', { ...options, seed: 1234 }));
    const other = await collect(model.complete('The weather', { ...options, seed: 4321 }));
    expect(again.text).toBe(first.text);
    expect(other.text).not.toBe(first.text);
  });

  it('cuts the text before a stop string, even one spanning tokens', async () => {
    const full = await collect(model.complete('Stop here', { ...greedy, maxTokens: 40 }));
    const middle = Math.floor(full.text.length / 2);
    const stop = full.text.slice(middle, middle + 5);
    const expected = full.text.slice(0, full.text.indexOf(stop));
    const cut = await collect(
      model.complete('Stop here', { ...greedy, maxTokens: 40, stop: [stop] }),
    );
    expect(cut.text).toBe(expected);
    expect(cut.text).not.toContain(stop);
    expect(cut.finishReason).toBe('stop');
    expect(cut.usage.completionTokens).toBeLessThan(40);
  });

  it('generates a chat reply through the model template', async () => {
    const messages = [
      { role: 'system' as const, content: 'You are terse.' },
      { role: 'user' as const, content: 'Say hello.' },
    ];
    const reply = await collect(model.chat(messages, { ...greedy, maxTokens: 12 }));
    // The template adds role markers around the two messages.
    const bare =
      (await model.countTokens('You are terse.')) + (await model.countTokens('Say hello.'));
    expect(reply.usage.promptTokens).toBeGreaterThan(bare + 2);
    expect(reply.usage.completionTokens).toBeGreaterThan(0);
    expect(['length', 'stop']).toContain(reply.finishReason);
  });

  it('returns logprobs with sorted top alternatives and the exact bytes of each token', async () => {
    const result = await collect(
      model.complete('Numbers:', { ...greedy, maxTokens: 12, logprobs: true, topLogprobs: 5 }),
    );
    expect(result.finishReason).toBe('length');
    expect(result.logprobs).toHaveLength(result.usage.completionTokens);
    for (const entry of result.logprobs) {
      expect(entry.logprob).toBeLessThanOrEqual(0);
      expect(entry.topLogprobs).toHaveLength(5);
      const values = entry.topLogprobs.map((top) => top.logprob);
      expect([...values].sort((a, b) => b - a)).toEqual(values);
      // Greedy: the chosen token is the most likely one, with the same log-probability.
      expect(entry.topLogprobs[0]).toEqual({
        token: entry.token,
        bytes: entry.bytes,
        logprob: entry.logprob,
      });
    }
    const bytes = Buffer.from(result.logprobs.flatMap((entry) => entry.bytes));
    expect(bytes.toString('utf8')).toBe(result.text);
  });

  it('returns the chosen token logprob alone when no alternatives are asked', async () => {
    const result = await collect(model.complete('Hi', { ...greedy, maxTokens: 4, logprobs: true }));
    expect(result.logprobs).toHaveLength(4);
    for (const entry of result.logprobs) {
      expect(entry.logprob).toBeLessThan(0);
      expect(entry.topLogprobs).toEqual([]);
    }
  });

  it('constrains output to a JSON schema', async () => {
    const schema = {
      type: 'object',
      properties: { name: { type: 'string' } },
      required: ['name'],
    };
    // Random weights under a grammar still close the JSON, though not always within the limit.
    let valid = 0;
    for (const seed of [3, 2, 1]) {
      const result = await collect(
        model.chat([{ role: 'user', content: 'A name, as JSON.' }], {
          temperature: 1,
          seed,
          maxTokens: 800,
          jsonSchema: schema,
        }),
      );
      if (result.finishReason !== 'stop') continue;
      const parsed: unknown = JSON.parse(result.text);
      expect(parsed).toEqual({ name: expect.any(String) });
      valid++;
    }
    expect(valid).toBeGreaterThan(0);
  });

  it('constrains output to a JSON object', async () => {
    const result = await collect(
      model.complete('JSON:', { temperature: 1, seed: 1, maxTokens: 800, jsonObject: true }),
    );
    expect(result.finishReason).toBe('stop');
    expect(typeof JSON.parse(result.text)).toBe('object');
    expect(result.text.trim()).toBe(result.text);
  });

  it('rejects an unusable JSON schema as a bad request', async () => {
    const events = model.complete('x', { jsonSchema: { type: 'no-such-type' } });
    const error = await collect(events).catch((caught: unknown) => caught);
    expect(isSalonError(error) && error.status).toBe(400);
  });

  it('rejects a prompt longer than the context as a bad request', async () => {
    const error = await collect(model.complete('word '.repeat(1200))).catch(
      (caught: unknown) => caught,
    );
    expect(isSalonError(error) && error.code).toBe('context_length_exceeded');
  });

  it('runs 4 generations at once, overlapping in time, each as if alone', async () => {
    const prompts = ['Alpha beta', 'Gamma delta epsilon', 'One two three four', 'Zeta'];
    // 40 tokens: enough for mixed-up outputs to show (the test fails without the output
    // reorder guard), short of where llama.cpp's batch-dependent rounding flips a greedy pick
    // between near-equal tokens of this random-weight model.
    const options = { ...greedy, maxTokens: 40 };
    const alone: string[] = [];
    for (const prompt of prompts) alone.push((await collect(model.complete(prompt, options))).text);
    // Several rounds: batches interleave differently each time.
    for (let round = 0; round < 5; round++) {
      const results = await Promise.all(
        prompts.map((prompt) => collect(model.complete(prompt, options))),
      );
      const lastStart = Math.max(...results.map((result) => result.firstDeltaAt));
      const firstEnd = Math.min(...results.map((result) => result.finishedAt));
      expect(lastStart).toBeLessThan(firstEnd);
      expect(results.map((result) => result.text)).toEqual(alone);
    }
  });

  it('frees every sequence on abort, so that new requests still run', async () => {
    const controllers = Array.from({ length: model.sequences }, () => new AbortController());
    const aborted = await Promise.all(
      controllers.map(async (controller, index) => {
        let deltas = 0;
        let finishReason = '';
        const events = model.complete(`Long story ${index}`, { signal: controller.signal });
        for await (const event of events) {
          if (event.type === 'text-delta' && ++deltas === 3) controller.abort();
          if (event.type === 'finish') finishReason = event.finishReason;
        }
        return { finishReason, deltas };
      }),
    );
    for (const result of aborted) expect(result).toEqual({ finishReason: 'abort', deltas: 3 });
    const after = await Promise.all(
      controllers.map((_, index) => collect(model.complete(`After ${index}`, { maxTokens: 5 }))),
    );
    for (const result of after) expect(result.finishReason).toBe('length');
    expect(model.queueLength).toBe(0);
  });

  it('finishes at once with abort when the signal is already aborted', async () => {
    const result = await collect(model.complete('Never', { signal: AbortSignal.abort() }));
    expect(result.finishReason).toBe('abort');
    expect(result.usage.completionTokens).toBe(0);
    expect(result.text).toBe('');
  });

  it('queues a request when every sequence is busy, and lets an abort take it out', async () => {
    // Each generator holds its sequence while suspended after its first event.
    const holders = Array.from({ length: model.sequences }, (_, index) =>
      model.complete(`Holder ${index}`, { maxTokens: 50 })[Symbol.asyncIterator](),
    );
    await Promise.all(holders.map((holder) => holder.next()));
    const controller = new AbortController();
    const waiting = collect(model.complete('Waiting', { signal: controller.signal }));
    await vi.waitFor(() => expect(model.queueLength).toBe(1));
    controller.abort();
    const result = await waiting;
    expect(result.finishReason).toBe('abort');
    expect(result.usage.completionTokens).toBe(0);
    expect(model.queueLength).toBe(0);
    await Promise.all(holders.map((holder) => holder.return?.()));
    expect((await collect(model.complete('Free again', { maxTokens: 3 }))).finishReason).toBe(
      'length',
    );
  });
});

describe.skipIf(!modelFile)('KV cache prefix reuse', () => {
  let model: EngineModel;
  let fresh: EngineModel;

  beforeAll(async () => {
    // One sequence each: the second request must reuse what the first left in the cache.
    model = await loadModel(modelFile!, {
      gpu: false,
      threads: 1,
      sequences: 1,
      contextSize: 1024,
    });
    fresh = await loadModel(modelFile!, {
      gpu: false,
      threads: 1,
      sequences: 1,
      contextSize: 1024,
    });
  });
  afterAll(async () => {
    await model?.close();
    await fresh?.close();
  });

  it('evaluates only the new suffix and generates what a fresh sequence generates', async () => {
    const shots = 'Question: what is two plus two? Answer: four.\n'.repeat(6);
    const first = `${shots}Question: what is the capital of France? Answer:`;
    const second = `${shots}Question: what colour is the sky? Answer:`;
    const { LlamaContextSequence } = await importNodeLlamaCpp();
    const evaluate = vi.spyOn(LlamaContextSequence.prototype, 'evaluateWithMetadata');
    try {
      for (const options of [{ ...greedy }, { temperature: 1, seed: 77 }]) {
        const expected = await collect(
          fresh.chat([{ role: 'user', content: second }], { ...options, maxTokens: 25 }),
        );
        await collect(
          model.chat([{ role: 'user', content: first }], { ...options, maxTokens: 25 }),
        );
        evaluate.mockClear();
        const reused = await collect(
          model.chat([{ role: 'user', content: second }], { ...options, maxTokens: 25 }),
        );
        expect(reused.text).toBe(expected.text);
        expect(reused.usage).toEqual(expected.usage);
        const evaluated = evaluate.mock.calls[0]![0].length;
        expect(evaluated).toBeLessThan(reused.usage.promptTokens / 2);
      }
    } finally {
      evaluate.mockRestore();
    }
  });
});
