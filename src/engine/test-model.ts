// Where engine tests find the shared tiny model. Absent, they skip loudly, unless
// SALON_REQUIRE_ALL=1 demands that every suite runs.
import { existsSync } from 'node:fs';
import path from 'node:path';

/** The tiny random-weight llama from ../shared (or SALON_SHARED_DIR), or undefined when absent. */
export function tinyModelPath(): string | undefined {
  const sharedDir = process.env.SALON_SHARED_DIR ?? path.resolve('..', 'shared');
  const file = path.join(sharedDir, 'models', 'llama-2-tiny-random.gguf');
  if (existsSync(file)) return file;
  const message = `engine tests need ${file} (set SALON_SHARED_DIR to the shared folder)`;
  if (process.env.SALON_REQUIRE_ALL === '1') throw new Error(message);
  console.warn(`\n⚠️  SKIPPING real-engine tests: ${message}\n`);
  return undefined;
}
