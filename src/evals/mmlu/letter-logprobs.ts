// Reading the answer letter from a next-token distribution as APIs report it: the sampled token
// and its top alternatives, each a token text and a log-probability.
import { answerLetters, type AnswerLetter } from './load-mmlu.js';

/** A token and its log-probability, as in a top-logprobs list. */
export interface TokenChance {
  token: string;
  logprob: number;
}

/** What was read: each letter's log-probability (null when absent) and the most likely. */
export interface LetterChoice {
  chosen: AnswerLetter | null;
  logprobs: Array<number | null>;
}

/**
 * Each letter's log-probability among `candidates`: tokens whose text is the letter once
 * surrounding white space is removed (` A` after `Answer:`, `A` first in a chat reply), their
 * probabilities added up when a tokenizer has several. A letter outside the list is unknown
 * (null) and ranks below every listed one. The most likely known letter is chosen; ties go to
 * the earlier letter, as lm-evaluation-harness's argmax.
 */
export function chooseLetter(candidates: readonly TokenChance[]): LetterChoice {
  const seen = new Set<string>();
  const byLetter = new Map<AnswerLetter, number[]>();
  for (const { token, logprob } of candidates) {
    if (seen.has(token)) continue; // the sampled token is listed among the alternatives too
    seen.add(token);
    const letter = token.trim() as AnswerLetter;
    if (!answerLetters.includes(letter)) continue;
    byLetter.set(letter, [...(byLetter.get(letter) ?? []), logprob]);
  }
  const logprobs = answerLetters.map((letter) => {
    const values = byLetter.get(letter);
    return values ? logSumExp(values) : null;
  });
  return { chosen: argmaxLetter(logprobs), logprobs };
}

/** The letter with the highest known log-probability (the first on a tie); null when none. */
export function argmaxLetter(logprobs: ReadonlyArray<number | null>): AnswerLetter | null {
  let best: number | null = null;
  let chosen: AnswerLetter | null = null;
  logprobs.forEach((value, index) => {
    if (value !== null && (best === null || value > best)) {
      best = value;
      chosen = answerLetters[index]!;
    }
  });
  return chosen;
}

/** The letter a generated reply gives: `B`, `(B)`, `B. Paris`, `The answer is B`, … */
export function parseLetter(text: string): AnswerLetter | null {
  const patterns = [
    /^\s*\(?([ABCD])(?:[).:\s]|$)/,
    /answer\s*(?:is|:)?\s*:?\s*\(?([ABCD])\b/i,
    /\b([ABCD])\b/,
  ];
  for (const pattern of patterns) {
    const match = pattern.exec(text);
    if (match) return match[1] as AnswerLetter;
  }
  return null;
}

function logSumExp(values: readonly number[]): number {
  const max = Math.max(...values);
  return max + Math.log(values.reduce((sum, value) => sum + Math.exp(value - max), 0));
}
