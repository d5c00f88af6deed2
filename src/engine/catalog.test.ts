import { describe, expect, it } from 'vitest';
import { catalog, catalogFileName, findCatalogEntry } from './catalog.js';

describe('catalog', () => {
  it('lists the curated Mistral models once each', () => {
    const ids = catalog.map((entry) => entry.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(
      expect.arrayContaining([
        'mistral-7b-instruct',
        'mixtral-8x7b-instruct',
        'mistral-nemo',
        'mistral-small',
      ]),
    );
  });

  it.each(catalog)('$id points at a Q4_K_M GGUF file on Hugging Face', (entry) => {
    expect(entry.source).toMatch(/^hf:[\w.-]+\/[\w.-]+\/.+Q4_K_M\.gguf$/);
    expect(entry.sizeBytes).toBeGreaterThan(1e9);
    expect(entry.contextLength).toBeGreaterThanOrEqual(32_768);
    if (entry.sha256 !== undefined) expect(entry.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('finds an entry by id and names its file', () => {
    const entry = findCatalogEntry('mistral-nemo');
    expect(entry?.name).toBe('Mistral Nemo Instruct 2407');
    expect(catalogFileName(entry!)).toBe('Mistral-Nemo-Instruct-2407-Q4_K_M.gguf');
    expect(findCatalogEntry('gpt-4')).toBeUndefined();
  });
});
