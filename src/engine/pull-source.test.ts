import { describe, expect, it } from 'vitest';
import { resolvePullSource } from './pull-source.js';

const env = { SALON_HF_ENDPOINT: 'http://127.0.0.1:9999/' };

describe('resolvePullSource', () => {
  it('resolves a catalog id to its Hugging Face file', () => {
    expect(resolvePullSource('mistral-7b-instruct', env)).toEqual({
      url: 'http://127.0.0.1:9999/bartowski/Mistral-7B-Instruct-v0.3-GGUF/resolve/main/Mistral-7B-Instruct-v0.3-Q4_K_M.gguf',
      fileName: 'Mistral-7B-Instruct-v0.3-Q4_K_M.gguf',
    });
  });

  it('uses huggingface.co by default and HF_ENDPOINT as a fallback', () => {
    expect(resolvePullSource('hf:o/r/m.gguf', {}).url).toBe(
      'https://huggingface.co/o/r/resolve/main/m.gguf',
    );
    expect(resolvePullSource('hf:o/r/m.gguf', { HF_ENDPOINT: 'https://mirror.test' }).url).toBe(
      'https://mirror.test/o/r/resolve/main/m.gguf',
    );
  });

  it('keeps sub-folders in the URL but not in the file name', () => {
    expect(resolvePullSource('hf:owner/repo-GGUF/Q4_K_M/model part.gguf', env)).toEqual({
      url: 'http://127.0.0.1:9999/owner/repo-GGUF/resolve/main/Q4_K_M/model%20part.gguf',
      fileName: 'model part.gguf',
    });
  });

  it('accepts a revision after the file or after the repo', () => {
    const base = 'http://127.0.0.1:9999/owner/repo/resolve';
    expect(resolvePullSource('hf:owner/repo/m.gguf@v2', env).url).toBe(`${base}/v2/m.gguf`);
    expect(resolvePullSource('hf:owner/repo@abc123/m.gguf', env).url).toBe(`${base}/abc123/m.gguf`);
    expect(resolvePullSource('hf:owner/repo/m.gguf@refs/pr/1', env).url).toBe(
      `${base}/refs%2Fpr%2F1/m.gguf`,
    );
  });

  it('takes the file name of a URL, adding .gguf when it lacks one', () => {
    expect(resolvePullSource('https://example.com/models/tiny.gguf?download=1')).toEqual({
      url: 'https://example.com/models/tiny.gguf?download=1',
      fileName: 'tiny.gguf',
    });
    expect(resolvePullSource('http://example.com/blob/tiny%20model').fileName).toBe(
      'tiny model.gguf',
    );
  });

  it.each([
    'nope',
    'hf:owner',
    'hf:owner/repo',
    'hf:owner/repo/../evil.gguf',
    'hf:owner/repo/weights.safetensors',
    'https://example.com/',
    'https://example.com/a%2F..%2Fb.gguf',
    'ftp://example.com/m.gguf',
  ])('rejects %s with a clear error', (spec) => {
    expect(() => resolvePullSource(spec, env)).toThrow(
      expect.objectContaining({ code: 'invalid_model_source', status: 400 }),
    );
  });
});
