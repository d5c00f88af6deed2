import { describe, expect, it } from 'vitest';
import { parseModelList } from './model-list.js';

describe('parseModelList', () => {
  it('splits on commas, spaces and new lines, dropping blanks and repeats', () => {
    expect(parseModelList(' mistral-small-latest, ,mistral-large-latest\nllama3:8b  ')).toEqual([
      'mistral-small-latest',
      'mistral-large-latest',
      'llama3:8b',
    ]);
    expect(parseModelList('a, a,  meta-llama/Llama-3.1-8B')).toEqual([
      'a',
      'meta-llama/Llama-3.1-8B',
    ]);
    expect(parseModelList('  ,  ')).toEqual([]);
  });
});
