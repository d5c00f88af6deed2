// The prompt, character for character, against strings written out by hand.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { canRun, sharedDir } from '../../../tests/helpers/shared-files.js';
import { loadQuestions, type MmluQuestion } from './load-mmlu.js';
import { buildPrompt, promptPrefix } from './prompt.js';

const shotOne: MmluQuestion = {
  subject: 'high_school_us_history',
  index: 0,
  question: '  Who wrote the Declaration of Independence?\n',
  choices: ['Thomas Jefferson', 'John Adams', ' Benjamin Franklin', 'George Washington '],
  answer: 'A',
};
const shotTwo: MmluQuestion = {
  subject: 'high_school_us_history',
  index: 1,
  question: 'In which year did the Civil War end?',
  choices: ['1861', '1865', '1870', '1776'],
  answer: 'B',
};
const asked: MmluQuestion = {
  subject: 'high_school_us_history',
  index: 7,
  question: 'Which state joined the Union last?\n\n',
  choices: ['Alaska', 'Hawaii', 'Arizona', 'New Mexico'],
  answer: 'B',
};

describe('the MMLU prompt', () => {
  it('zero-shot: header, question, choices, "Answer:"', () => {
    expect(buildPrompt(asked, [])).toBe(
      'The following are multiple choice questions (with answers) about high school us history.\n\n' +
        'Which state joined the Union last?\nA. Alaska\nB. Hawaii\nC. Arizona\nD. New Mexico\nAnswer:',
    );
  });

  it('one shot: the shot answered with " A\\n\\n", its question stripped, choices kept as they are', () => {
    expect(buildPrompt(asked, [shotOne])).toBe(
      'The following are multiple choice questions (with answers) about high school us history.\n\n' +
        'Who wrote the Declaration of Independence?\nA. Thomas Jefferson\nB. John Adams\n' +
        'C.  Benjamin Franklin\nD. George Washington \nAnswer: A\n\n' +
        'Which state joined the Union last?\nA. Alaska\nB. Hawaii\nC. Arizona\nD. New Mexico\nAnswer:',
    );
  });

  it('two shots, in the order given', () => {
    expect(buildPrompt(asked, [shotOne, shotTwo])).toBe(
      'The following are multiple choice questions (with answers) about high school us history.\n\n' +
        'Who wrote the Declaration of Independence?\nA. Thomas Jefferson\nB. John Adams\n' +
        'C.  Benjamin Franklin\nD. George Washington \nAnswer: A\n\n' +
        'In which year did the Civil War end?\nA. 1861\nB. 1865\nC. 1870\nD. 1776\nAnswer: B\n\n' +
        'Which state joined the Union last?\nA. Alaska\nB. Hawaii\nC. Arizona\nD. New Mexico\nAnswer:',
    );
    expect(buildPrompt(asked, [shotOne, shotTwo])).toMatch(
      new RegExp(`^${escape(promptPrefix(asked.subject, [shotOne, shotTwo]))}`),
    );
  });

  const dataDir = path.join(sharedDir, 'data', 'mmlu');
  const hasData = canRun(
    'MMLU prompt on the shared data',
    existsSync(path.join(dataDir, 'dev')),
    `${dataDir} not found (set SALON_SHARED_DIR)`,
  );
  it.skipIf(!hasData)('abstract algebra, 1-shot, from the shared CSV files', async () => {
    const [shot] = await loadQuestions(dataDir, 'abstract_algebra', 'dev');
    const [first] = await loadQuestions(dataDir, 'abstract_algebra', 'test');
    expect(buildPrompt(first!, [shot!])).toBe(
      'The following are multiple choice questions (with answers) about abstract algebra.\n\n' +
        'Find all c in Z_3 such that Z_3[x]/(x^2 + c) is a field.\nA. 0\nB. 1\nC. 2\nD. 3\nAnswer: B\n\n' +
        'Find the degree for the given field extension Q(sqrt(2), sqrt(3), sqrt(18)) over Q.\n' +
        'A. 0\nB. 4\nC. 2\nD. 6\nAnswer:',
    );
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
