// Evaluation runs and their answers in the database (tables of migration 0007). Plain
// functions over `db`, as every repository in Salon.
import type { Kysely } from 'kysely';
import type { Database } from '../../store/database.js';
import { toTimestamp } from '../../store/database.js';
import { newId } from '../../lib/ids.js';
import type { EvalAnswersTable, EvalRunsTable, EvalTables } from './eval-tables.js';
import type { AnswerLetter, MmluSplit } from './load-mmlu.js';
import type { MmluResults } from './results.js';
import type { ScoringMethod } from './scoring-method.js';

/** What defines a run: equal parameters may resume each other. */
export interface MmluRunParameters {
  model: string;
  split: MmluSplit;
  shots: number;
  subjects: string[];
  /** First N questions per subject; undefined for all. */
  limit?: number;
  /** Digest of the questions and shots asked (tells the two MMLU releases apart). */
  dataDigest: string;
}

/** A run as stored. */
export interface MmluRun {
  id: string;
  model: string;
  /** The provider (or provider/model) that answered, once known. */
  target: string | null;
  method: ScoringMethod | null;
  shots: number;
  split: MmluSplit;
  subjects: string[];
  limit: number | null;
  /** Digest of the questions and shots asked. */
  dataDigest: string;
  questionCount: number;
  status: 'running' | 'finished';
  /** Set once the run has finished. */
  results: MmluResults | null;
  createdAt: string;
  finishedAt: string | null;
}

/** One answered question. */
export interface MmluAnswer {
  subject: string;
  questionIndex: number;
  expected: AnswerLetter;
  chosen: AnswerLetter | null;
  correct: boolean;
  method: ScoringMethod;
  shotsUsed: number;
  /** Log-probabilities of A–D, null where unknown; null when the method generates. */
  logprobs: Array<number | null> | null;
  /** The generated reply, for `generate`. */
  response: string | null;
}

const benchmark = 'mmlu';

function evalDb(db: Kysely<Database>): Kysely<Database & EvalTables> {
  return db.withTables<EvalTables>();
}

/** The canonical string equal parameters share. */
export function parametersKey(parameters: MmluRunParameters): string {
  return JSON.stringify([
    benchmark,
    parameters.model,
    parameters.split,
    parameters.shots,
    [...parameters.subjects].sort(),
    parameters.limit ?? null,
    parameters.dataDigest,
  ]);
}

/** Starts a run. */
export async function createRun(
  db: Kysely<Database>,
  parameters: MmluRunParameters,
  questionCount: number,
): Promise<MmluRun> {
  const now = toTimestamp();
  const row: EvalRunsTable = {
    id: newId('evr'),
    benchmark,
    model: parameters.model,
    target: null,
    method: null,
    shots: parameters.shots,
    split: parameters.split,
    subjects: JSON.stringify(parameters.subjects),
    question_limit: parameters.limit ?? null,
    parameters_key: parametersKey(parameters),
    data_digest: parameters.dataDigest,
    question_count: questionCount,
    status: 'running',
    results: null,
    created_at: now,
    updated_at: now,
    finished_at: null,
  };
  await evalDb(db).insertInto('eval_runs').values(row).execute();
  return toRun(row);
}

/** The newest unfinished run with these parameters, if any. */
export async function findUnfinishedRun(
  db: Kysely<Database>,
  parameters: MmluRunParameters,
): Promise<MmluRun | undefined> {
  const row = await evalDb(db)
    .selectFrom('eval_runs')
    .selectAll()
    .where('parameters_key', '=', parametersKey(parameters))
    .where('status', '=', 'running')
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirst();
  return row && toRun(row);
}

/** A run by id. */
export async function getRun(db: Kysely<Database>, id: string): Promise<MmluRun | undefined> {
  const row = await evalDb(db)
    .selectFrom('eval_runs')
    .selectAll()
    .where('id', '=', id)
    .where('benchmark', '=', benchmark)
    .executeTakeFirst();
  return row && toRun(row);
}

/** Every MMLU run, newest first (finished only, unless `includeUnfinished`). */
export async function listRuns(
  db: Kysely<Database>,
  options: { includeUnfinished?: boolean; model?: string } = {},
): Promise<MmluRun[]> {
  let query = evalDb(db).selectFrom('eval_runs').selectAll().where('benchmark', '=', benchmark);
  if (!options.includeUnfinished) query = query.where('status', '=', 'finished');
  if (options.model) query = query.where('model', '=', options.model);
  const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
  return rows.map(toRun);
}

/** Records how the run's answers are read, and who answers (chosen on its first question). */
export async function setRunMethod(
  db: Kysely<Database>,
  id: string,
  method: ScoringMethod,
  target: string,
): Promise<void> {
  await evalDb(db)
    .updateTable('eval_runs')
    .set({ method, target, updated_at: toTimestamp() })
    .where('id', '=', id)
    .execute();
}

/** Stores answers; an answer already stored for the same question is kept as it was. */
export async function recordAnswers(
  db: Kysely<Database>,
  runId: string,
  answers: readonly MmluAnswer[],
): Promise<void> {
  if (answers.length === 0) return;
  const now = toTimestamp();
  const rows: EvalAnswersTable[] = answers.map((answer) => ({
    run_id: runId,
    subject: answer.subject,
    question_index: answer.questionIndex,
    expected: answer.expected,
    chosen: answer.chosen,
    correct: answer.correct ? 1 : 0,
    method: answer.method,
    shots_used: answer.shotsUsed,
    logprobs: answer.logprobs && JSON.stringify(answer.logprobs),
    response: answer.response,
    created_at: now,
  }));
  await evalDb(db)
    .insertInto('eval_answers')
    .values(rows)
    .onConflict((conflict) => conflict.columns(['run_id', 'subject', 'question_index']).doNothing())
    .execute();
  await evalDb(db)
    .updateTable('eval_runs')
    .set({ updated_at: now })
    .where('id', '=', runId)
    .execute();
}

/** A run's answers, by subject and question (optionally one subject's only). */
export async function listAnswers(
  db: Kysely<Database>,
  runId: string,
  subject?: string,
): Promise<MmluAnswer[]> {
  let query = evalDb(db).selectFrom('eval_answers').selectAll().where('run_id', '=', runId);
  if (subject) query = query.where('subject', '=', subject);
  const rows = await query.orderBy('subject').orderBy('question_index').execute();
  return rows.map((row) => ({
    subject: row.subject,
    questionIndex: row.question_index,
    expected: row.expected as AnswerLetter,
    chosen: row.chosen as AnswerLetter | null,
    correct: row.correct === 1,
    method: row.method as ScoringMethod,
    shotsUsed: row.shots_used,
    logprobs: row.logprobs === null ? null : (JSON.parse(row.logprobs) as Array<number | null>),
    response: row.response,
  }));
}

/** Marks a run finished with its results. */
export async function finishRun(
  db: Kysely<Database>,
  id: string,
  results: MmluResults,
): Promise<void> {
  const now = toTimestamp();
  await evalDb(db)
    .updateTable('eval_runs')
    .set({
      status: 'finished',
      results: JSON.stringify(results),
      updated_at: now,
      finished_at: now,
    })
    .where('id', '=', id)
    .execute();
}

function toRun(row: EvalRunsTable): MmluRun {
  return {
    id: row.id,
    model: row.model,
    target: row.target,
    method: row.method as ScoringMethod | null,
    shots: row.shots,
    split: row.split as MmluSplit,
    subjects: JSON.parse(row.subjects) as string[],
    limit: row.question_limit,
    dataDigest: row.data_digest,
    questionCount: row.question_count,
    status: row.status,
    results: row.results === null ? null : (JSON.parse(row.results) as MmluResults),
    createdAt: row.created_at,
    finishedAt: row.finished_at,
  };
}
