// SALON_REQUIRE_ALL=1 (set by .ci/run): a suite that would skip on a newcomer's machine fails
// instead. Every skip goes through canRun (PostgreSQL, Redis, Chromium, shared files) or the
// engine's tinyModelPath.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { tinyModelPath } from '../src/engine/test-model.js';
import { canRun } from './helpers/shared-files.js';

const saved = { ...process.env };
afterEach(() => {
  for (const name of ['SALON_REQUIRE_ALL', 'SALON_SHARED_DIR']) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
  vi.restoreAllMocks();
});

describe('a suite whose service or file is missing', () => {
  it('skips loudly on a newcomer machine', () => {
    delete process.env.SALON_REQUIRE_ALL;
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(canRun('store on PostgreSQL', false, 'cannot reach it')).toBe(false);
    expect(warn).toHaveBeenCalledWith(
      expect.stringContaining('SKIPPED store on PostgreSQL: cannot reach it'),
    );
    expect(canRun('store on PostgreSQL', true, 'unused')).toBe(true);
  });

  it('fails under SALON_REQUIRE_ALL=1', () => {
    process.env.SALON_REQUIRE_ALL = '1';
    expect(() => canRun('web UI in Chromium', false, 'no /usr/bin/chromium')).toThrow(
      'SKIPPED web UI in Chromium: no /usr/bin/chromium (SALON_REQUIRE_ALL=1)',
    );
    process.env.SALON_SHARED_DIR = mkdtempSync(path.join(os.tmpdir(), 'salon-no-shared-'));
    expect(() => tinyModelPath()).toThrow(/engine tests need .*llama-2-tiny-random\.gguf/);
  });
});
