// What the rest of Salon (CLI, server, leaderboard) uses of the evaluation bench.
export {
  defaultConcurrency,
  defaultShots,
  runMmlu,
  type MmluOptions,
  type MmluProgress,
  type MmluReport,
} from './mmlu/run-mmlu.js';
export {
  getRun as getMmluRun,
  listAnswers as listMmluAnswers,
  listRuns as listMmluRuns,
  type MmluAnswer,
  type MmluRun,
} from './mmlu/run-store.js';
export type { MmluResults } from './mmlu/results.js';
export type { Accuracy } from './mmlu/statistics.js';
export { categoryOf, mmluCategories, mmluSubjects, type MmluCategory } from './mmlu/subjects.js';
export { publishedMmluScores, type PublishedScore } from './mmlu/published-scores.js';
export { scoringMethods, type ScoringMethod } from './mmlu/scoring-method.js';
export type { MmluSplit } from './mmlu/load-mmlu.js';
