// The shared test files (tiny model, MMLU data), found through SALON_SHARED_DIR or ../shared.
// A suite whose files are missing skips loudly, and fails under SALON_REQUIRE_ALL=1 (CI).
import { existsSync } from 'node:fs';
import path from 'node:path';

/** The shared folder: SALON_SHARED_DIR, or ../shared beside the checkout. */
export const sharedDir = path.resolve(process.env.SALON_SHARED_DIR ?? path.join('..', 'shared'));

/** The tiny llama with random weights and the real Llama 2 tokenizer. */
export const tinyModelPath = path.join(sharedDir, 'models', 'llama-2-tiny-random.gguf');

/**
 * Whether a suite can run; when it can't, says so loudly, and throws under SALON_REQUIRE_ALL=1
 * so that CI fails instead of skipping.
 */
export function canRun(suite: string, available: boolean, reason: string): boolean {
  if (available) return true;
  const message = `SKIPPED ${suite}: ${reason}`;
  if (process.env.SALON_REQUIRE_ALL === '1') throw new Error(`${message} (SALON_REQUIRE_ALL=1)`);
  console.warn(`\n*** ${message} ***\n`);
  return false;
}

/** True when the tiny model is there (or fails under SALON_REQUIRE_ALL). */
export function hasTinyModel(suite: string): boolean {
  return canRun(
    suite,
    existsSync(tinyModelPath),
    `${tinyModelPath} not found (set SALON_SHARED_DIR)`,
  );
}
