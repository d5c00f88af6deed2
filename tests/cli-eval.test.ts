// `salon eval mmlu` as a real process on the tiny model: --json prints one object with the
// contract's fields and nothing else on stdout; bad input exits 2 naming the problem.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSalon } from './helpers/salon-process.js';
import { canRun, hasTinyModel, sharedDir, tinyModelPath } from './helpers/shared-files.js';

const dataDir = path.join(sharedDir, 'data', 'mmlu');
const available =
  canRun('salon eval mmlu', existsSync(path.join(dataDir, 'test')), `${dataDir} not found`) &&
  hasTinyModel('salon eval mmlu');

describe.skipIf(!available)('salon eval mmlu', () => {
  let salonDir: string;
  const env = () => ({ SALON_MODEL: tinyModelPath, SALON_THREADS: '1', SALON_DATA_DIR: salonDir });
  beforeAll(async () => {
    salonDir = await mkdtemp(path.join(os.tmpdir(), 'salon-eval-'));
  });
  afterAll(async () => rm(salonDir, { recursive: true, force: true }));

  it('--json prints exactly one JSON object with micro, macro, n, method and subjects', () => {
    const run = runSalon(
      [
        'eval',
        'mmlu',
        '--model',
        'small',
        '--data',
        dataDir,
        '--subjects',
        'anatomy,virology',
        '--limit',
        '3',
        '--shots',
        '2',
        '--json',
      ],
      env(),
    );
    expect(run.status, run.stderr).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const report = JSON.parse(lines[0]!) as Record<string, unknown> & {
      subjects: Record<string, { acc: number; n: number }>;
    };
    expect(report).toMatchObject({ n: 6, method: 'engine-logprobs', shots: 2, split: 'test' });
    expect(typeof report.micro).toBe('number');
    expect(typeof report.macro).toBe('number');
    expect(Object.keys(report.subjects)).toEqual(['anatomy', 'virology']);
    for (const subject of Object.values(report.subjects)) {
      expect(subject.n).toBe(3);
      expect(subject.acc).toBeGreaterThanOrEqual(0);
      expect(subject.acc).toBeLessThanOrEqual(1);
    }
    const { anatomy, virology } = report.subjects;
    expect(report.micro).toBeCloseTo((anatomy!.acc * 3 + virology!.acc * 3) / 6, 12);
  });

  it.each([
    [['--subjects', 'astrology'], /unknown subject 'astrology'/],
    [['--model', 'ghost'], /'ghost' does not exist/],
    [['--data', '/nowhere'], /\/nowhere\/dev is not a folder/],
    [['--shots', 'five'], /--shots: 'five' is not a whole number/],
    [['--split', 'train'], /--split: 'train' is not test or val/],
  ])('exits 2 for %j', (flags, message) => {
    const base = { '--model': 'small', '--data': dataDir, '--limit': '1' };
    const merged = { ...base, ...Object.fromEntries([flags as [string, string]]) };
    const result = runSalon(['eval', 'mmlu', ...Object.entries(merged).flat()], env());
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
  });
});
