// Compiles the CLI once before the suites that spawn `salon` as a real process.
import { execFileSync } from 'node:child_process';

/** Vitest global setup. */
export default async function setup(): Promise<void> {
  if (process.env.SALON_SKIP_BUILD === '1') return;
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], {
    stdio: 'inherit',
  });
}
