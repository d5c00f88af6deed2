// Stopping every reply a user has streaming, wherever it runs: when their access ends (SCIM
// deactivation or deletion), a reply already generating must end too. Each run gets the same
// bus cancel signal as the Stop button, so followers' SSE streams end with a final `finish` event.
import type { Kysely } from 'kysely';
import type { RunBus } from '../bus/bus.js';
import type { Database } from '../store/database.js';

/** Cancels the user's streaming runs; returns their ids. */
export async function stopUserRuns(
  deps: { db: Kysely<Database>; bus: Pick<RunBus, 'cancel'> },
  userId: string,
): Promise<string[]> {
  const rows = await deps.db
    .selectFrom('messages')
    .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
    .select('messages.run_id')
    .where('conversations.user_id', '=', userId)
    .where('messages.status', '=', 'streaming')
    .where('messages.run_id', 'is not', null)
    .execute();
  const runIds = rows.map((row) => row.run_id!);
  await Promise.all(runIds.map((runId) => deps.bus.cancel(runId)));
  return runIds;
}
