// Compiles the CLI once before the suites that spawn `salon` as a real process. Type errors
// don't stop the suites here (tsc still emits): `npm run typecheck` reports them.
import { spawnSync } from 'node:child_process';

/** Vitest global setup. */
export default async function setup(): Promise<void> {
  if (process.env.SALON_SKIP_BUILD === '1') return;
  const result = spawnSync(
    process.execPath,
    ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'],
    {
      encoding: 'utf8',
    },
  );
  if (result.status !== 0)
    console.warn(`tsc reported errors (tests run anyway):\n${result.stdout}`);
}
