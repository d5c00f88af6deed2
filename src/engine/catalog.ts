// A short, curated list of open Mistral models that run well on the embedded engine, each as
// one Q4_K_M GGUF file on Hugging Face. Sizes are approximate (they guide disk and RAM checks,
// they are not verified); a sha256 is listed only where it is known for certain.

/** One model `salon models pull <id>` can fetch. */
export interface CatalogEntry {
  /** Short name used on the command line, e.g. `mistral-7b-instruct`. */
  id: string;
  name: string;
  description: string;
  /** `hf:owner/repo/file.gguf`, resolved by `resolvePullSource`. */
  source: string;
  /** Approximate file size in bytes. */
  sizeBytes: number;
  /** Longest context the model was trained for, in tokens. */
  contextLength: number;
  /** Lowercase hex sha256 of the file, when known for certain. */
  sha256?: string;
}

/** The curated models, smallest first. */
export const catalog: readonly CatalogEntry[] = [
  {
    id: 'mistral-7b-instruct',
    name: 'Mistral 7B Instruct v0.3',
    description: 'Small, fast general chat model; Apache 2.0.',
    source: 'hf:bartowski/Mistral-7B-Instruct-v0.3-GGUF/Mistral-7B-Instruct-v0.3-Q4_K_M.gguf',
    sizeBytes: 4_372_812_000,
    contextLength: 32_768,
  },
  {
    id: 'mistral-nemo',
    name: 'Mistral Nemo Instruct 2407',
    description: '12B multilingual model built with NVIDIA, long context; Apache 2.0.',
    source: 'hf:bartowski/Mistral-Nemo-Instruct-2407-GGUF/Mistral-Nemo-Instruct-2407-Q4_K_M.gguf',
    sizeBytes: 7_477_208_192,
    contextLength: 131_072,
  },
  {
    id: 'mistral-small',
    name: 'Mistral Small 24B Instruct 2501',
    description:
      '24B model close to much larger ones, for a single 24 GB GPU or 32 GB RAM; Apache 2.0.',
    source:
      'hf:bartowski/Mistral-Small-24B-Instruct-2501-GGUF/Mistral-Small-24B-Instruct-2501-Q4_K_M.gguf',
    sizeBytes: 14_333_908_672,
    contextLength: 32_768,
  },
  {
    id: 'mixtral-8x7b-instruct',
    name: 'Mixtral 8x7B Instruct v0.1',
    description: 'Sparse mixture of experts (47B total, 13B active per token); Apache 2.0.',
    source: 'hf:TheBloke/Mixtral-8x7B-Instruct-v0.1-GGUF/mixtral-8x7b-instruct-v0.1.Q4_K_M.gguf',
    sizeBytes: 26_440_000_000,
    contextLength: 32_768,
  },
];

/** The catalog entry with this id, or undefined. */
export function findCatalogEntry(id: string): CatalogEntry | undefined {
  return catalog.find((entry) => entry.id === id);
}

/** The file name a catalog entry is saved under in the models directory. */
export function catalogFileName(entry: CatalogEntry): string {
  return entry.source.slice(entry.source.lastIndexOf('/') + 1);
}
