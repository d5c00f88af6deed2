/* eslint-disable @typescript-eslint/no-explicit-any -- frozen: must not depend on today's types */
// Run leases, so that several replicas can share one database. A streaming reply records which
// replica generates it (`run_owner`) and when that replica last said it still does
// (`run_heartbeat_at`, renewed every few seconds). A run whose heartbeat is too old belongs to a
// replica that died: any replica may then mark it interrupted. Start-up no longer marks every
// streaming reply, which would have cut the live runs of the other replicas. The sweep reads
// streaming rows only, through 0002's partial index `messages_streaming`.
import type { Kysely } from 'kysely';

/** Adds the run owner and heartbeat columns. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('messages').addColumn('run_owner', 'text').execute();
  await db.schema.alterTable('messages').addColumn('run_heartbeat_at', 'text').execute();
}

/** Drops the columns. */
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('messages').dropColumn('run_heartbeat_at').execute();
  await db.schema.alterTable('messages').dropColumn('run_owner').execute();
}
