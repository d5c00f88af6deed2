// Continuation scoring on the real llama.cpp with the shared tiny model: the scores must agree
// with what generation reports, with and without a reused prefix, and chain over tokens.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSalonError } from '../lib/errors.js';
import { loadModel } from './llama-engine.js';
import { sharedLlama } from './native.js';
import { tokenizeContinuations } from './score-continuations.js';
import { tinyModelPath } from './test-model.js';
import type { EngineModel } from './types.js';

const modelFile = tinyModelPath();
const prompt =
  'The following are multiple choice questions (with answers) about anatomy.\n\n' +
  'Which bone is the longest?\nA. Femur\nB. Tibia\nC. Ulna\nD. Rib\nAnswer:';
const letters = [' A', ' B', ' C', ' D'];

describe.skipIf(!modelFile)('scoreContinuations on the tiny model', () => {
  let model: EngineModel;
  beforeAll(async () => {
    model = await loadModel(modelFile!, { contextSize: 512, sequences: 2, threads: 1 });
  });
  afterAll(async () => {
    await model?.close();
  });

  it('gives the greedy token the log-probability generation reports for it', async () => {
    let generated = '';
    let reported = Number.NaN;
    for await (const event of model.complete(prompt, {
      temperature: 0,
      maxTokens: 1,
      logprobs: true,
    })) {
      if (event.type === 'text-delta' && event.logprobs?.[0]) {
        generated += event.text;
        reported = event.logprobs[0].logprob;
      }
    }
    expect(generated.length).toBeGreaterThan(0);
    const [score] = await model.scoreContinuations(prompt, [generated]);
    expect(score!.tokens).toBe(1);
    expect(score!.greedy).toBe(true);
    expect(score!.logprob).toBeCloseTo(reported, 4);
  });

  it('scores the same with the prefix reused as from scratch, and the letters differ', async () => {
    const fresh = await model.scoreContinuations(prompt, letters, { reusePrefix: false });
    const reused = await model.scoreContinuations(prompt, letters);
    expect(reused.map((score) => score.tokens)).toEqual([1, 1, 1, 1]);
    reused.forEach((score, index) => expect(score.logprob).toBeCloseTo(fresh[index]!.logprob, 4));
    expect(new Set(fresh.map((score) => score.logprob.toFixed(6))).size).toBe(4);
    for (const score of fresh) expect(score.logprob).toBeLessThan(0);
  });

  it('reads single tokens exactly as the whole distribution gives them', async () => {
    const short = await model.scoreContinuations(prompt, letters);
    const full = await model.scoreContinuations(prompt, letters, { fullDistribution: true });
    short.forEach((score, index) => {
      expect(score.logprob).toBeCloseTo(full[index]!.logprob, 3);
      expect(score.greedy).toBe(full[index]!.greedy);
    });
    // The model's own favourite among the candidates (greedy = true) agrees too.
    const tokens = ['\n', ' A', ' the', ' answer'];
    const shortMixed = await model.scoreContinuations(prompt, tokens);
    const fullMixed = await model.scoreContinuations(prompt, tokens, { fullDistribution: true });
    shortMixed.forEach((score, index) =>
      expect(score.logprob).toBeCloseTo(fullMixed[index]!.logprob, 3),
    );
  });

  it('reads scores among the continuations as the exact ones log-softmaxed over them', async () => {
    const exact = await model.scoreContinuations(prompt, letters, { fullDistribution: true });
    const top = Math.max(...exact.map((score) => score.logprob));
    const logTotal = top + Math.log(exact.reduce((sum, s) => sum + Math.exp(s.logprob - top), 0));
    for (const reusePrefix of [false, true]) {
      const among = await model.scoreContinuations(prompt, letters, {
        amongContinuations: true,
        reusePrefix,
      });
      among.forEach((score, index) => {
        expect(score.logprob).toBeCloseTo(exact[index]!.logprob - logTotal, 4);
        expect(score.greedy).toBe(exact[index]!.greedy);
      });
    }
    // With the model's own favourite among the candidates, its greedy flag is read too.
    let generated = '';
    for await (const event of model.complete(prompt, { temperature: 0, maxTokens: 1 })) {
      if (event.type === 'text-delta') generated += event.text;
    }
    const mixed = [generated, ' A', ' B'];
    const exactMixed = await model.scoreContinuations(prompt, mixed, { fullDistribution: true });
    const amongMixed = await model.scoreContinuations(prompt, mixed, { amongContinuations: true });
    expect(amongMixed.map((score) => score.greedy)).toEqual(exactMixed.map((s) => s.greedy));
    expect(amongMixed[0]!.greedy).toBe(true);
  });

  it('sums the log-probabilities of a continuation of several tokens', async () => {
    const [both] = await model.scoreContinuations(prompt, [' A. Femur']);
    const [first] = await model.scoreContinuations(prompt, [' A']);
    const [rest] = await model.scoreContinuations(`${prompt} A`, ['. Femur']);
    expect(both!.tokens).toBe(first!.tokens + rest!.tokens);
    expect(both!.logprob).toBeCloseTo(first!.logprob + rest!.logprob, 3);
  });

  it('refuses a prompt longer than the context with context_length_exceeded', async () => {
    const long = 'word '.repeat(600) + prompt;
    const error: unknown = await model.scoreContinuations(long, letters).catch((e) => e);
    expect(isSalonError(error) && error.code).toBe('context_length_exceeded');
    // The model still scores afterwards: no sequence was lost.
    expect(await model.scoreContinuations(prompt, letters)).toHaveLength(4);
  });
});

describe.skipIf(!modelFile)('tokenizeContinuations', () => {
  it('splits as tokenizing each whole text would, on prompts of every kind', async () => {
    const llama = await sharedLlama(false);
    const model = await llama.loadModel({ modelPath: modelFile! });
    try {
      const prompts = [
        prompt,
        'no line break at all, Answer:',
        'Question?\nA. x\nB. y\nAnswer:',
        'Ends with a line break\n',
        'Long line: ' + 'les élèves, naïvement, '.repeat(40) + '\nAnswer:',
      ];
      const continuations = [' A', ' B', 'C', ' the end', '\n\nNext'];
      for (const text of prompts) {
        const split = tokenizeContinuations(model, text, continuations);
        continuations.forEach((continuation, index) => {
          const whole = [model.tokens.bos!, ...model.tokenize(text + continuation)];
          expect([...split[index]!.context, ...split[index]!.tokens]).toEqual(whole);
          expect(split[index]!.tokens.length).toBeGreaterThan(0);
        });
      }
    } finally {
      await model.dispose();
    }
  });
});
