// Where the leaderboard reads the MMLU runs measured on this server. The harness's store
// (migration 0007, src/evals/mmlu) plugs in here; until it has landed there are none.
import type { MmluRunSummary } from '../evals/leaderboard/leaderboard.js';
import type { Store } from '../store/create-database.js';

/** The finished MMLU runs, as the leaderboard shows them. */
export async function listMmluRuns(_store: Store): Promise<MmluRunSummary[]> {
  return [];
}
