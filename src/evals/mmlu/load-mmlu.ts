// Reads MMLU in its original CSV layout: `dev/`, `val/`, `test/`, one `<subject>_<split>.csv`
// per subject, no header, columns question, A, B, C, D, answer letter. The 2020 pre-release and
// the final release share this layout and differ only in rows, so nothing here counts rows.
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { SalonError } from '../../lib/errors.js';

/** The split questions are asked from (`dev` only ever provides the shots). */
export type MmluSplit = 'test' | 'val';

/** An answer letter. */
export type AnswerLetter = 'A' | 'B' | 'C' | 'D';

/** The four letters, in choice order. */
export const answerLetters: readonly AnswerLetter[] = ['A', 'B', 'C', 'D'];

/** One multiple-choice question as the file has it. */
export interface MmluQuestion {
  subject: string;
  /** Row number in its file, from 0: identifies the question within a subject and split. */
  index: number;
  question: string;
  choices: readonly [string, string, string, string];
  answer: AnswerLetter;
}

/** A problem with the data directory or a file in it (a user mistake: exit code 2). */
export function mmluDataError(message: string): SalonError {
  return new SalonError('mmlu_data', message, { status: 400, type: 'invalid_request_error' });
}

/** Throws unless `dataDir` has the `dev/` folder and the split's folder. */
export async function checkDataDir(dataDir: string, split: MmluSplit): Promise<void> {
  for (const folder of ['dev', split]) {
    const isDirectory = await stat(path.join(dataDir, folder)).then(
      (info) => info.isDirectory(),
      () => false,
    );
    if (!isDirectory) {
      throw mmluDataError(
        `${path.join(dataDir, folder)} is not a folder: --data must be MMLU's data folder ` +
          `(with dev/, val/ and test/ of <subject>_<split>.csv files)`,
      );
    }
  }
}

/** The subjects that have a file in the split, sorted. */
export async function listSubjects(dataDir: string, split: MmluSplit): Promise<string[]> {
  await checkDataDir(dataDir, split);
  const suffix = `_${split}.csv`;
  const files = await readdir(path.join(dataDir, split));
  return files
    .filter((file) => file.endsWith(suffix))
    .map((file) => file.slice(0, -suffix.length))
    .sort();
}

/** Every question of a subject in a split (`dev` for the shots), in file order. */
export async function loadQuestions(
  dataDir: string,
  subject: string,
  split: MmluSplit | 'dev',
): Promise<MmluQuestion[]> {
  const file = path.join(dataDir, split, `${subject}_${split}.csv`);
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') throw mmluDataError(`${file} not found`);
    throw error;
  });
  return parseQuestions(text, subject, file);
}

/** Parses one subject's CSV (quoted fields may hold commas, quotes and newlines). */
export function parseQuestions(text: string, subject: string, file = subject): MmluQuestion[] {
  let rows: string[][];
  try {
    rows = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true });
  } catch (error) {
    throw mmluDataError(`${file}: not valid CSV (${(error as Error).message})`);
  }
  return rows.map((row, index) => {
    const answer = row[5]?.trim();
    if (row.length !== 6 || !answerLetters.includes(answer as AnswerLetter)) {
      throw mmluDataError(
        `${file}: row ${index + 1} should be question, A, B, C, D, answer letter (A–D)`,
      );
    }
    const [question, a, b, c, d] = row as [string, string, string, string, string];
    return { subject, index, question, choices: [a, b, c, d], answer: answer as AnswerLetter };
  });
}
