import type { LlamaModel } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedLlama } from './native.js';
import { TokenPieces } from './token-pieces.js';
import { tinyModelPath } from './test-model.js';

const modelFile = tinyModelPath();

describe.skipIf(!modelFile)('TokenPieces on the Llama 2 vocabulary', () => {
  let model: LlamaModel;
  let pieces: TokenPieces;

  beforeAll(async () => {
    model = await (await sharedLlama(false)).loadModel({ modelPath: modelFile! });
    pieces = new TokenPieces(model);
  });
  afterAll(async () => {
    await model?.dispose();
  });

  it('keeps the leading space of a word token', () => {
    const [hello] = model.tokenize('Hello');
    expect(pieces.get(hello!)).toEqual({ token: ' Hello', bytes: [...Buffer.from(' Hello')] });
  });

  it('gives the single raw byte of a byte-fallback token', () => {
    const tokens = model.tokenize('🦙');
    const all = tokens.flatMap((token) => pieces.get(token).bytes);
    expect(Buffer.from(all).toString('utf8')).toBe(' 🦙');
    const partial = tokens
      .map((token) => pieces.get(token))
      .find((piece) => piece.bytes.length === 1 && piece.bytes[0]! >= 0x80);
    expect(partial?.token).toBe('\uFFFD');
  });

  it('shows control tokens as their text', () => {
    expect(pieces.get(model.tokens.eos!)).toEqual({
      token: '</s>',
      bytes: [...Buffer.from('</s>')],
    });
  });
});
