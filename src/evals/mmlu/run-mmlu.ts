// An MMLU run from start to results: check the request, load the questions, start or resume a
// stored run, choose the scoring method, ask the pending questions (several at once), store
// every answer, then summarize.
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Gateway } from '../../gateway/types.js';
import { badRequest, modelNotFound, notFound } from '../../lib/errors.js';
import type { Database } from '../../store/database.js';
import { answerQuestion } from './answer-question.js';
import { AnswerWriter } from './answer-writer.js';
import { chooseScorer } from './choose-scorer.js';
import { listSubjects, loadQuestions, type MmluQuestion, type MmluSplit } from './load-mmlu.js';
import { summarize, type MmluResults } from './results.js';
import {
  createRun,
  finishRun,
  findUnfinishedRun,
  getRun,
  listAnswers,
  parametersKey,
  setRunMethod,
  type MmluRun,
  type MmluRunParameters,
} from './run-store.js';
import type { ScoringMethod } from './scoring-method.js';

/** The k of k-shot when none is given: MMLU's standard 5. */
export const defaultShots = 5;
/** Questions in flight at once when none is given. */
export const defaultConcurrency = 4;

/** What to evaluate and how. */
export interface MmluOptions {
  model: string;
  /** MMLU's data folder (with dev/, val/, test/). */
  dataDir: string;
  /** Subjects to ask (default: every subject in the split). */
  subjects?: string[];
  /** The first N questions of each subject only. */
  limit?: number;
  shots?: number;
  split?: MmluSplit;
  /** Questions in flight at once (remote models; the engine batches its sequences). */
  concurrency?: number;
  /**
   * Which stored run to continue: a run id, `'auto'` (default: the newest unfinished run with
   * the same parameters, if any) or `'never'` (always a new run).
   */
  resume?: string;
  /** Reuse the k-shot prefix's KV cache on the engine (default true; false for benchmarks). */
  reusePrefix?: boolean;
  /** Called after each answer (and once before the first). */
  onProgress?: (progress: MmluProgress) => void;
  signal?: AbortSignal;
}

/** How far a run is. */
export interface MmluProgress {
  done: number;
  total: number;
  /** Answers stored by an earlier, interrupted attempt of the same run. */
  resumed: number;
}

/** A finished run: its results and how they were obtained. */
export interface MmluReport extends MmluResults {
  runId: string;
  model: string;
  target: string;
  method: ScoringMethod;
  shots: number;
  split: MmluSplit;
  /** Questions answered by an earlier attempt of this run and not asked again. */
  resumedAnswers: number;
}

/** Runs (or resumes) an MMLU evaluation of `options.model` and stores every answer. */
export async function runMmlu(
  gateway: Gateway,
  db: Kysely<Database>,
  options: MmluOptions,
): Promise<MmluReport> {
  const split = options.split ?? 'test';
  const shots = options.shots ?? defaultShots;
  const concurrency = options.concurrency ?? defaultConcurrency;
  checkNumbers(shots, options.limit, concurrency);
  if (!gateway.listModels().some((route) => route.name === options.model)) {
    throw modelNotFound(options.model);
  }
  const subjects = await chooseSubjects(options.dataDir, split, options.subjects);
  const { questions, shotsBySubject } = await loadAll(
    options.dataDir,
    subjects,
    split,
    shots,
    options.limit,
  );
  const parameters: MmluRunParameters = {
    model: options.model,
    split,
    shots,
    subjects,
    limit: options.limit,
    dataDigest: digest(questions, shotsBySubject),
  };
  const run = await openRun(db, parameters, questions.length, options.resume ?? 'auto');
  const stored = await listAnswers(db, run.id);
  const answered = new Set(stored.map((answer) => `${answer.subject}\n${answer.questionIndex}`));
  const pending = questions.filter(
    (question) => !answered.has(`${question.subject}\n${question.index}`),
  );
  const progress: MmluProgress = {
    done: stored.length,
    total: questions.length,
    resumed: stored.length,
  };
  options.onProgress?.({ ...progress });

  const writer = new AnswerWriter(db, run.id);
  let method = run.method;
  let target = run.target;
  if (pending.length > 0) {
    const first = pending[0]!;
    const chosen = await chooseScorer(
      gateway,
      options.model,
      { question: first, shots: shotsBySubject.get(first.subject)! },
      { method, target, reusePrefix: options.reusePrefix, signal: options.signal },
    );
    if (chosen.scorer.method !== method || chosen.target !== target) {
      method = chosen.scorer.method;
      target = chosen.target;
      await setRunMethod(db, run.id, method, target);
    }
    let queue = pending;
    if (chosen.firstAnswer) {
      writer.add(chosen.firstAnswer);
      progress.done++;
      options.onProgress?.({ ...progress });
      queue = pending.slice(1);
    }
    await askAll(queue, concurrency, options.signal, async (question, signal) => {
      const answer = await answerQuestion(
        question,
        shotsBySubject.get(question.subject)!,
        chosen.scorer,
        signal,
      );
      writer.add(answer);
      progress.done++;
      options.onProgress?.({ ...progress });
    }).finally(() => writer.flush().catch(() => undefined));
  }
  await writer.flush();
  const results = summarize(await listAnswers(db, run.id));
  await finishRun(db, run.id, results);
  return {
    ...results,
    runId: run.id,
    model: options.model,
    target: target ?? '',
    method: method!,
    shots,
    split,
    resumedAnswers: progress.resumed,
  };
}

function checkNumbers(shots: number, limit: number | undefined, concurrency: number): void {
  if (!Number.isInteger(shots) || shots < 0 || shots > 5) {
    throw badRequest('--shots must be a whole number from 0 to 5 (dev has 5 rows)', 'shots');
  }
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) {
    throw badRequest(
      '--limit must be a whole number of questions per subject, at least 1',
      'limit',
    );
  }
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256) {
    throw badRequest('--concurrency must be a whole number from 1 to 256', 'concurrency');
  }
}

/** The subjects asked for, each checked against the split's files (all of them by default). */
async function chooseSubjects(
  dataDir: string,
  split: MmluSplit,
  wanted: string[] | undefined,
): Promise<string[]> {
  const available = await listSubjects(dataDir, split);
  if (available.length === 0) throw badRequest(`${dataDir}/${split} holds no *_${split}.csv file`);
  if (!wanted || wanted.length === 0) return available;
  const unknown = wanted.filter((subject) => !available.includes(subject));
  if (unknown.length > 0) {
    throw badRequest(
      `unknown subject${unknown.length > 1 ? 's' : ''} ${unknown.map((s) => `'${s}'`).join(', ')} ` +
        `(the ${split} split has ${available.length}, e.g. ${available.slice(0, 3).join(', ')})`,
      'subjects',
    );
  }
  return [...new Set(wanted)];
}

async function loadAll(
  dataDir: string,
  subjects: readonly string[],
  split: MmluSplit,
  shots: number,
  limit: number | undefined,
): Promise<{ questions: MmluQuestion[]; shotsBySubject: Map<string, MmluQuestion[]> }> {
  const questions: MmluQuestion[] = [];
  const shotsBySubject = new Map<string, MmluQuestion[]>();
  for (const subject of subjects) {
    const dev = await loadQuestions(dataDir, subject, 'dev');
    if (dev.length < shots) {
      throw badRequest(`${subject}: dev has ${dev.length} rows, fewer than --shots ${shots}`);
    }
    shotsBySubject.set(subject, dev.slice(0, shots));
    const asked = await loadQuestions(dataDir, subject, split);
    questions.push(...(limit === undefined ? asked : asked.slice(0, limit)));
  }
  return { questions, shotsBySubject };
}

/** The run to continue, or a new one. */
async function openRun(
  db: Kysely<Database>,
  parameters: MmluRunParameters,
  questionCount: number,
  resume: string,
): Promise<MmluRun> {
  if (resume !== 'auto' && resume !== 'never') {
    const run = await getRun(db, resume);
    if (!run) throw notFound(`no MMLU run with id '${resume}'`, 'run_not_found', 'resume');
    if (run.status === 'finished')
      throw badRequest(`run '${resume}' has already finished`, 'resume');
    if (parametersKey(parameters) !== parametersKey({ ...run, limit: run.limit ?? undefined })) {
      throw badRequest(
        `run '${resume}' was started with other parameters (model ${run.model}, split ` +
          `${run.split}, ${run.shots} shots, subjects ${run.subjects.join(',')}, limit ` +
          `${run.limit ?? 'none'}, or another copy of the data): give the same flags`,
        'resume',
      );
    }
    return run;
  }
  const unfinished = resume === 'auto' ? await findUnfinishedRun(db, parameters) : undefined;
  return unfinished ?? createRun(db, parameters, questionCount);
}

/** Identifies the questions and shots asked, so that another copy of the data is a new run. */
function digest(questions: readonly MmluQuestion[], shots: Map<string, MmluQuestion[]>): string {
  const hash = createHash('sha256');
  for (const [subject, rows] of shots) hash.update(JSON.stringify([subject, rows]));
  for (const question of questions) hash.update(JSON.stringify(question));
  return hash.digest('hex');
}

/**
 * Runs `ask` on every question, `concurrency` at a time, in order; the first failure stops the
 * others (the run stays unfinished, to be resumed) and is thrown.
 */
async function askAll(
  questions: readonly MmluQuestion[],
  concurrency: number,
  signal: AbortSignal | undefined,
  ask: (question: MmluQuestion, signal: AbortSignal) => Promise<void>,
): Promise<void> {
  const stop = new AbortController();
  const onAbort = () => stop.abort(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (!failure && !stop.signal.aborted && next < questions.length) {
      const question = questions[next++]!;
      try {
        await ask(question, stop.signal);
      } catch (error) {
        failure ??= { error };
        stop.abort(error);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, questions.length) }, worker));
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  if (failure) throw failure.error;
  if (signal?.aborted) throw signal.reason;
}
