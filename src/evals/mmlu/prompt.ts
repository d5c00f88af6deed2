// The MMLU prompt exactly as lm-evaluation-harness (and the MMLU paper's code) builds it:
//
//   The following are multiple choice questions (with answers) about {subject}.\n\n
//   {shot question}\nA. {a}\nB. {b}\nC. {c}\nD. {d}\nAnswer: {letter}\n\n   (× k shots)
//   {question}\nA. {a}\nB. {b}\nC. {c}\nD. {d}\nAnswer:
//
// Subject with underscores as spaces; questions stripped of surrounding white space; choices as
// the file has them. The answer is then read as the continuation ` A`, ` B`, ` C` or ` D`.
import { answerLetters, type MmluQuestion } from './load-mmlu.js';

/** The continuations scored after the prompt, in choice order. */
export const answerContinuations: readonly string[] = answerLetters.map((letter) => ` ${letter}`);

/** The line that opens every prompt of a subject. */
export function promptHeader(subject: string): string {
  return `The following are multiple choice questions (with answers) about ${subject.replaceAll('_', ' ')}.\n\n`;
}

/** One question with its choices, ending in `Answer:` (no space: the continuation brings it). */
export function formatQuestion(question: MmluQuestion): string {
  const choices = question.choices.map((choice, index) => `\n${answerLetters[index]}. ${choice}`);
  return `${question.question.trim()}${choices.join('')}\nAnswer:`;
}

/** The header and the shots: the part every question of a subject shares. */
export function promptPrefix(subject: string, shots: readonly MmluQuestion[]): string {
  return (
    promptHeader(subject) +
    shots.map((shot) => `${formatQuestion(shot)} ${shot.answer}\n\n`).join('')
  );
}

/** The whole prompt for `question` after `shots` (the first k rows of `dev`, in file order). */
export function buildPrompt(question: MmluQuestion, shots: readonly MmluQuestion[]): string {
  return questionPrompt(question, shots).text;
}

/** A question's prompt and how much of it (header and shots) its subject's questions share. */
export interface MmluPrompt {
  text: string;
  prefixLength: number;
}

/** `buildPrompt`'s text, with the length of its prefix (the engine tokenizes that once). */
export function questionPrompt(question: MmluQuestion, shots: readonly MmluQuestion[]): MmluPrompt {
  const prefix = promptPrefix(question.subject, shots);
  return { text: prefix + formatQuestion(question), prefixLength: prefix.length };
}
