import type { Kysely } from 'kysely';
import type { Gateway } from '../gateway/gateway.js';
import type { Database } from '../store/database.js';
import type { RunStart } from './run-manager.js';

/** What the commands that start replies work with. */
export interface ChatDeps {
  db: Kysely<Database>;
  gateway: Gateway;
  runs: { start(run: RunStart): void };
}
