// The finished MMLU runs as the leaderboard shows them: headline accuracies with their 95%
// intervals and the per-subject accuracies the chart draws.
import type { Kysely } from 'kysely';
import type { Database } from '../../store/database.js';
import { listRuns, type MmluRun } from '../mmlu/run-store.js';

/** One MMLU run measured on this server (accuracies as fractions). */
export interface MmluRunSummary {
  id: string;
  model: string;
  /** Accuracy over questions (the paper's headline). */
  micro: number;
  /** Mean of the per-subject accuracies. */
  macro: number;
  /** 95% interval of `micro`. */
  microLower: number;
  microUpper: number;
  /** Questions answered. */
  n: number;
  shots: number;
  split: string;
  /** First N questions per subject, or null for all: runs with a limit are samples. */
  limit: number | null;
  /** How answers were scored (see src/evals/mmlu/scoring-method.ts). */
  method: string;
  finishedAt: string;
  subjects: Record<string, { acc: number; n: number }>;
}

/** A finished run's summary; undefined for a run without results. */
export function summarizeRun(run: MmluRun): MmluRunSummary | undefined {
  const results = run.results;
  if (!results || !run.finishedAt) return undefined;
  return {
    id: run.id,
    model: run.model,
    micro: results.micro.acc,
    macro: results.macro.acc,
    microLower: results.micro.ci[0],
    microUpper: results.micro.ci[1],
    n: results.n,
    shots: run.shots,
    split: run.split,
    limit: run.limit,
    method: run.method ?? 'unknown',
    finishedAt: run.finishedAt,
    subjects: Object.fromEntries(
      Object.entries(results.subjects).map(([subject, accuracy]) => [
        subject,
        { acc: accuracy.acc, n: accuracy.n },
      ]),
    ),
  };
}

/** Every finished MMLU run, best micro accuracy first. */
export async function listMmluRunSummaries(db: Kysely<Database>): Promise<MmluRunSummary[]> {
  const runs = await listRuns(db);
  return runs
    .map(summarizeRun)
    .filter((run): run is MmluRunSummary => run !== undefined)
    .sort((x, y) => y.micro - x.micro);
}
