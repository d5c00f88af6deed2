// The fault suite (docs/scale-out.md, "Fault suite"): `npm run test:chaos`. Kept out of
// `npm test` (vitest.config.ts) for its length, and because it stops and pauses servers.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/chaos/**/*.test.ts'],
    globalSetup: ['tests/global-setup.ts'],
    // A backstop: each scenario waits with deadlines of its own; a loaded machine is slow.
    testTimeout: 300_000,
    hookTimeout: 120_000,
    // Each scenario runs its replicas on two cores: one file at a time.
    fileParallelism: false,
  },
});
