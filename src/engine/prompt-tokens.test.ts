// PromptTokens on the tiny model's real Llama 2 tokenizer: a prompt with a shared head gives
// exactly the whole prompt's tokens, the head is tokenized once, and a head whose split
// would change the tokens is never split.
import type { LlamaModel } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedLlama } from './native.js';
import { PromptTokens, withBos } from './prompt-tokens.js';
import { tinyModelPath } from './test-model.js';

const modelFile = tinyModelPath();
const head =
  'The following are multiple choice questions (with answers) about anatomy.\n\n' +
  'Which bone is the longest?\nA. Femur\nB. Tibia\nC. Ulna\nD. Rib\nAnswer: A\n\n';
const questions = [
  'Which organ makes insulin?\nA. Liver\nB. Pancreas\nC. Kidney\nD. Heart\nAnswer:',
  '"Quoted", naïvement: 3.14 × 2?\nA. 6.28\nB. 5\nC. π\nD. τ\nAnswer:',
  'Statement 1 | a.\n\nStatement 2 | b.\nA. True, True\nB. False, False\nC. x\nD. y\nAnswer:',
];

describe.skipIf(!modelFile)('PromptTokens on the tiny model', () => {
  let model: LlamaModel;
  beforeAll(async () => {
    model = await (await sharedLlama(false)).loadModel({ modelPath: modelFile! });
  });
  afterAll(async () => {
    await model?.dispose();
  });

  /** The model's tokenizer, recording the length of every text it is given. */
  function recording() {
    const texts: number[] = [];
    const tokenizing = {
      tokens: model.tokens,
      tokenize: ((text: string, ...rest: never[]) => {
        texts.push(text.length);
        return model.tokenize(text, ...rest);
      }) as LlamaModel['tokenize'],
    };
    return { tokenizing, texts };
  }

  it('gives the whole prompt’s tokens, tokenizing the shared head only once', () => {
    const { tokenizing, texts } = recording();
    const cache = new PromptTokens(tokenizing);
    for (const question of questions) {
      const prompt = head + question;
      expect(cache.tokenize(prompt, head.length)).toEqual(withBos(model, model.tokenize(prompt)));
    }
    // The first prompt: head, rest and the whole (the check); then the rests alone.
    expect(texts).toEqual([
      head.length,
      questions[0]!.length,
      head.length + questions[0]!.length,
      questions[1]!.length,
      questions[2]!.length,
    ]);
  });

  it('never splits a head whose split changes the tokens', () => {
    // "mat" is one token, "ma" + "t" two: the boundary falls inside a word.
    const wordHead = 'The cat sat on the ma';
    const { tokenizing, texts } = recording();
    const cache = new PromptTokens(tokenizing);
    for (const rest of ['t.', 't and purred.']) {
      const prompt = wordHead + rest;
      const whole = withBos(model, model.tokenize(prompt));
      expect(cache.tokenize(prompt, wordHead.length)).toEqual(whole);
    }
    // After the failed check, the second prompt is tokenized whole, and only whole.
    expect(texts.at(-1)).toBe(wordHead.length + 't and purred.'.length);
    expect(texts).toHaveLength(4);
  });

  it('tokenizes whole without a head, or where the rest starts with white space', () => {
    const { tokenizing, texts } = recording();
    const cache = new PromptTokens(tokenizing);
    const prompt = head + questions[0]!;
    expect(cache.tokenize(prompt)).toEqual(withBos(model, model.tokenize(prompt)));
    const spaced = `${head} ${questions[0]!}`;
    expect(cache.tokenize(spaced, head.length)).toEqual(withBos(model, model.tokenize(spaced)));
    expect(texts).toEqual([prompt.length, spaced.length]);
  });

  it('drops the least recently used head past its capacity', () => {
    const { tokenizing, texts } = recording();
    const cache = new PromptTokens(tokenizing, 2);
    const heads = ['First head.\n\n', 'Second head.\n\n', 'Third head.\n\n'];
    const ask = (text: string) => cache.tokenize(text + questions[0]!, text.length);
    for (const text of heads) ask(text); // each: head, rest, whole
    texts.length = 0;
    ask(heads[2]!); // kept: the rest only
    ask(heads[0]!); // dropped: head, rest, whole again
    expect(texts).toEqual([
      questions[0]!.length,
      heads[0]!.length,
      questions[0]!.length,
      heads[0]!.length + questions[0]!.length,
    ]);
  });
});
