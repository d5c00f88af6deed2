import type { LlamaModel, Token } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IncrementalDetokenizer, type Detokenize } from './incremental-detokenizer.js';
import { sharedLlama } from './native.js';
import { tinyModelPath } from './test-model.js';

describe('IncrementalDetokenizer with a fake vocabulary', () => {
  // Tokens are bytes; the fake decoder sees them as UTF-8, as llama.cpp does.
  const detokenize: Detokenize = (tokens) => Buffer.from(tokens.map(Number)).toString('utf8');
  const bytes = (text: string) => [...Buffer.from(text)] as Token[];

  it('holds back the bytes of an incomplete character', () => {
    const detokenizer = new IncrementalDetokenizer(detokenize, []);
    const deltas = bytes('a€b').map((token) => detokenizer.push(token));
    expect(deltas).toEqual(['a', '', '', '€', 'b']);
  });

  it('gives up holding after four bytes and flushes what is left', () => {
    const detokenizer = new IncrementalDetokenizer(detokenize, []);
    const invalid = [0xe2, 0xe2, 0xe2, 0xe2] as Token[];
    const deltas = invalid.map((token) => detokenizer.push(token));
    expect(deltas.slice(0, 3)).toEqual(['', '', '']);
    expect(deltas[3]).toContain('\uFFFD');
    detokenizer.push(0xf0 as Token);
    expect(detokenizer.flush()).toBe('\uFFFD');
  });
});

const modelFile = tinyModelPath();

describe.skipIf(!modelFile)('IncrementalDetokenizer on the Llama 2 tokenizer', () => {
  let model: LlamaModel;

  beforeAll(async () => {
    model = await (await sharedLlama(false)).loadModel({ modelPath: modelFile! });
  });
  afterAll(async () => {
    await model?.dispose();
  });

  it('streams byte-fallback characters whole and keeps spaces after the prompt', () => {
    const prompt = model.tokenize('Say:');
    const text = 'a llama 🦙, naïve 日本語 — 42 €';
    const tokens = model.tokenize(text);
    expect(tokens.length).toBeGreaterThan(text.length / 3); // byte-fallback tokens are in there
    const detokenizer = new IncrementalDetokenizer(model.detokenize, prompt);
    const deltas = tokens.map((token) => detokenizer.push(token));
    deltas.push(detokenizer.flush());
    for (const delta of deltas) expect(delta).not.toContain('\uFFFD');
    // SentencePiece encodes the word boundary as a leading space, which follows the prompt.
    expect(deltas.join('')).toBe(' ' + text);
  });
});
