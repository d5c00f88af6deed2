// A run's results from its answers: micro (over questions, the MMLU paper's and
// lm-evaluation-harness's headline), macro (over subjects, the Open LLM Leaderboard v1's), and
// per subject and per category (over the category's questions, as lm-evaluation-harness groups).
import { macroAverage, proportion, type Accuracy } from './statistics.js';
import { categoryOf, mmluCategories, type MmluCategory } from './subjects.js';

/** What summarizing needs of an answer. */
export interface GradedAnswer {
  subject: string;
  correct: boolean;
}

/** A run's accuracies, as fractions with 95% intervals (see statistics.ts for which). */
export interface MmluResults {
  micro: Accuracy;
  macro: Accuracy;
  /** Questions answered. */
  n: number;
  subjects: Record<string, Accuracy>;
  /** Only the categories with at least one question answered. */
  categories: Partial<Record<MmluCategory, Accuracy>>;
}

/** Summarizes graded answers. */
export function summarize(answers: Iterable<GradedAnswer>): MmluResults {
  const tallies = new Map<string, { correct: number; n: number }>();
  for (const answer of answers) {
    const tally = tallies.get(answer.subject) ?? { correct: 0, n: 0 };
    tally.n++;
    if (answer.correct) tally.correct++;
    tallies.set(answer.subject, tally);
  }
  const sorted = [...tallies].sort(([a], [b]) => a.localeCompare(b));
  const subjects = Object.fromEntries(
    sorted.map(([subject, tally]) => [subject, proportion(tally.correct, tally.n)]),
  );
  const categories: Partial<Record<MmluCategory, Accuracy>> = {};
  for (const category of mmluCategories) {
    const inCategory = sorted.filter(([subject]) => categoryOf(subject) === category);
    if (inCategory.length === 0) continue;
    const correct = inCategory.reduce((sum, [, tally]) => sum + tally.correct, 0);
    const n = inCategory.reduce((sum, [, tally]) => sum + tally.n, 0);
    categories[category] = proportion(correct, n);
  }
  const correct = sorted.reduce((sum, [, tally]) => sum + tally.correct, 0);
  const n = sorted.reduce((sum, [, tally]) => sum + tally.n, 0);
  return {
    micro: proportion(correct, n),
    macro: macroAverage(sorted.map(([, tally]) => tally)),
    n,
    subjects,
    categories,
  };
}
