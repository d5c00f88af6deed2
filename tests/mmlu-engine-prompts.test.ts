// The engine's shortcuts on real 5-shot MMLU prompts and the tiny model (real Llama 2
// tokenizer): the subject's prefix tokenized once gives exactly the whole prompt's tokens in
// every subject, and the letters' scores are the same with it as without, and as the whole
// next-token distribution gives them.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { LlamaModel } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel } from '../src/engine/llama-engine.js';
import { sharedLlama } from '../src/engine/native.js';
import { PromptTokens, withBos } from '../src/engine/prompt-tokens.js';
import type { EngineModel } from '../src/engine/types.js';
import { listSubjects, loadQuestions } from '../src/evals/mmlu/load-mmlu.js';
import { answerContinuations, questionPrompt, type MmluPrompt } from '../src/evals/mmlu/prompt.js';
import { canRun, hasTinyModel, sharedDir, tinyModelPath } from './helpers/shared-files.js';

const dataDir = path.join(sharedDir, 'data', 'mmlu');
const available =
  canRun(
    'MMLU prompts on the engine',
    existsSync(path.join(dataDir, 'test')),
    `${dataDir} not found`,
  ) && hasTinyModel('MMLU prompts on the engine');

/** The first `count` 5-shot test prompts of every subject. */
async function promptsBySubject(count: number): Promise<MmluPrompt[][]> {
  const all: MmluPrompt[][] = [];
  for (const subject of await listSubjects(dataDir, 'test')) {
    const shots = (await loadQuestions(dataDir, subject, 'dev')).slice(0, 5);
    const asked = (await loadQuestions(dataDir, subject, 'test')).slice(0, count);
    all.push(asked.map((question) => questionPrompt(question, shots)));
  }
  return all;
}

describe.skipIf(!available)('MMLU prompts on the engine (tiny model)', () => {
  it('tokenizes the prefix once per subject, and every prompt as it would be whole', async () => {
    const model: LlamaModel = await (
      await sharedLlama(false)
    ).loadModel({
      modelPath: tinyModelPath,
    });
    try {
      let wholePrompts = 0;
      const prompts = await promptsBySubject(3);
      const texts = new Set(prompts.flat().map((prompt) => prompt.text));
      const cache = new PromptTokens({
        tokens: model.tokens,
        tokenize: ((text: string, ...rest: never[]) => {
          if (texts.has(text)) wholePrompts++;
          return model.tokenize(text, ...rest);
        }) as LlamaModel['tokenize'],
      });
      for (const subject of prompts) {
        for (const prompt of subject) {
          expect(cache.tokenize(prompt.text, prompt.prefixLength)).toEqual(
            withBos(model, model.tokenize(prompt.text)),
          );
        }
      }
      expect(prompts).toHaveLength(57);
      // One whole tokenization per subject (the check on its first prompt), none after.
      expect(wholePrompts).toBe(prompts.length);
    } finally {
      await model.dispose();
    }
  });

  describe('scores', () => {
    let model: EngineModel;
    beforeAll(async () => {
      model = await loadModel(tinyModelPath, { sequences: 1, threads: 1 });
    });
    afterAll(async () => model?.close());

    it('reads the letters as the whole distribution does, with the prefix hint or without', async () => {
      const prompts = (await promptsBySubject(2)).filter((_, index) => index % 8 === 0).flat();
      for (const prompt of prompts) {
        const full = await model.scoreContinuations(prompt.text, answerContinuations, {
          fullDistribution: true,
          reusePrefix: false,
        });
        const plain = await model.scoreContinuations(prompt.text, answerContinuations);
        const hinted = await model.scoreContinuations(prompt.text, answerContinuations, {
          prefixLength: prompt.prefixLength,
        });
        full.forEach((score, index) => {
          expect(plain[index]!.logprob).toBeCloseTo(score.logprob, 4);
          expect(hinted[index]!.logprob).toBe(plain[index]!.logprob);
          expect(hinted[index]!.greedy).toBe(score.greedy);
        });
      }
    });
  });
});
