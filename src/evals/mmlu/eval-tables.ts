// The evaluation tables (migration 0007) as Kysely sees them; the eval store adds them to the
// database type with `withTables`, so that the store module needs no knowledge of evals.
import type { Timestamp } from '../../store/database.js';

/** `eval_runs`: one evaluation of one model on one benchmark configuration. */
export interface EvalRunsTable {
  id: string;
  benchmark: string;
  model: string;
  target: string | null;
  method: string | null;
  shots: number;
  split: string;
  /** JSON array of subject names. */
  subjects: string;
  question_limit: number | null;
  parameters_key: string;
  data_digest: string;
  question_count: number;
  status: 'running' | 'finished';
  /** JSON `MmluResults`, once finished. */
  results: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  finished_at: Timestamp | null;
}

/** `eval_answers`: one question of one run. */
export interface EvalAnswersTable {
  run_id: string;
  subject: string;
  question_index: number;
  expected: string;
  chosen: string | null;
  /** 0 or 1. */
  correct: number;
  method: string;
  shots_used: number;
  /** JSON array of four numbers or nulls (A–D). */
  logprobs: string | null;
  response: string | null;
  created_at: Timestamp;
}

/** The tables evals read and write (a type alias: `withTables` needs an index signature). */
export type EvalTables = {
  eval_runs: EvalRunsTable;
  eval_answers: EvalAnswersTable;
};
