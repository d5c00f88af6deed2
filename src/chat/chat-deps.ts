import type { Kysely } from 'kysely';
import type { Gateway } from '../gateway/gateway.js';
import type { Governance } from '../governance/governance.js';
import type { Database } from '../store/database.js';
import type { RunStart } from './run-manager.js';

/** What the commands that start replies work with. */
export interface ChatDeps {
  db: Kysely<Database>;
  gateway: Gateway;
  /**
   * Admits each reply before anything is stored (model access, quotas; a refusal stores
   * nothing) and settles it once its run has ended (the run manager does).
   */
  governance: Pick<Governance, 'admit' | 'allowedModels' | 'settle'>;
  runs: { start(run: RunStart): void };
}
