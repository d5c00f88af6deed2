// The loader on hand-written CSV (quoting) and on the shared data (both releases' layout).
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { canRun, sharedDir } from '../../../tests/helpers/shared-files.js';
import { isSalonError } from '../../lib/errors.js';
import { listSubjects, loadQuestions, parseQuestions } from './load-mmlu.js';
import { mmluSubjects } from './subjects.js';

describe('parseQuestions', () => {
  it('reads quoted fields holding commas, doubled quotes and newlines', () => {
    const csv =
      '"Statement 1 | x, y.\nStatement 2 | ""z""",' +
      '"True, True","False, False",3,"line\none",B\r\nplain question,a,b,c,d,D\n';
    expect(parseQuestions(csv, 'logic')).toEqual([
      {
        subject: 'logic',
        index: 0,
        question: 'Statement 1 | x, y.\nStatement 2 | "z"',
        choices: ['True, True', 'False, False', '3', 'line\none'],
        answer: 'B',
      },
      {
        subject: 'logic',
        index: 1,
        question: 'plain question',
        choices: ['a', 'b', 'c', 'd'],
        answer: 'D',
      },
    ]);
  });

  it('names the file and row of a malformed row', () => {
    const error: unknown = (() => {
      try {
        return parseQuestions('q,a,b,c,d,A\nq,a,b,c,E\n', 'x', 'x_test.csv');
      } catch (caught) {
        return caught;
      }
    })();
    expect(isSalonError(error) && error.message).toMatch(/x_test\.csv: row 2/);
  });
});

describe('the data folder', () => {
  it('is refused, naming the folder, when it has no dev/ and split folder', async () => {
    const empty = await mkdtemp(path.join(os.tmpdir(), 'salon-mmlu-'));
    try {
      await mkdir(path.join(empty, 'dev'));
      const error: unknown = await listSubjects(empty, 'test').catch((caught) => caught);
      expect(isSalonError(error) && error.message).toContain(path.join(empty, 'test'));
      await mkdir(path.join(empty, 'test'));
      await writeFile(path.join(empty, 'test', 'anatomy_test.csv'), 'q,a,b,c,d,A\n');
      expect(await listSubjects(empty, 'test')).toEqual(['anatomy']);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  const dataDir = path.join(sharedDir, 'data', 'mmlu');
  const hasData = canRun(
    'MMLU loader on the shared data',
    existsSync(path.join(dataDir, 'test')),
    `${dataDir} not found (set SALON_SHARED_DIR)`,
  );
  it.skipIf(!hasData)(
    'reads all 57 subjects of the 2020 pre-release: 14,079 test rows',
    async () => {
      const subjects = await listSubjects(dataDir, 'test');
      expect(subjects).toEqual(mmluSubjects);
      let rows = 0;
      for (const subject of subjects)
        rows += (await loadQuestions(dataDir, subject, 'test')).length;
      expect(rows).toBe(14_079);
      for (const subject of subjects) {
        expect(await loadQuestions(dataDir, subject, 'dev')).toHaveLength(5);
      }
    },
  );
});
