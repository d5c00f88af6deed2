// Run leases: with several replicas on one database, each streaming reply is owned by the replica
// generating it (`messages.run_owner`), which renews its claim (`run_heartbeat_at`) for all its
// runs in one statement every few seconds. A reply whose heartbeat is older than a few intervals
// belongs to a replica that died: every replica sweeps for such replies, and one conditional update
// per reply decides which replica marks it `interrupted` (its text kept) and appends the final
// event that ends its followers' streams. A live run is never touched, so start-up no longer
// interrupts every streaming reply.
import { sql, type Kysely } from 'kysely';
import type { RunBus, RunEvent } from '../bus/bus.js';
import { toTimestamp, type Database } from '../store/database.js';
import { errorEvent, textDeltaEvent } from './run-events.js';

/**
 * How often a replica renews its runs' leases. Must stay well above one renewal's duration and
 * the message flush (250 ms); a dead replica's runs are taken over after `expiryIntervals` of it.
 */
export const defaultRunHeartbeatMs = 5_000;

/** Heartbeats missed before a run counts as abandoned: one slow renewal is not a death. */
export const expiryIntervals = 3;

/** What a reply whose replica died says, in its row and in its final event. */
export const abandonedRunMessage = 'The server generating this reply stopped before it finished.';

// Bounds one statement's parameter list (SQLite allows 32766, PostgreSQL 65535).
const renewBatch = 1_000;
// Bounds one sweep; the next sweep takes the rest.
const sweepBatch = 200;

/** One replica's claims on the runs it generates, and its sweep for abandoned ones. */
export class RunLeases {
  readonly #claimed = new Set<string>();

  constructor(
    private readonly db: Kysely<Database>,
    /** This replica's id, written as each claimed run's owner. */
    readonly replicaId: string,
  ) {}

  /** Claims a streaming reply for this replica; false when it is no longer streaming. */
  async claim(messageId: string, now = new Date()): Promise<boolean> {
    const result = await this.db
      .updateTable('messages')
      .set({ run_owner: this.replicaId, run_heartbeat_at: toTimestamp(now) })
      .where('id', '=', messageId)
      .where('status', '=', 'streaming')
      .executeTakeFirst();
    const claimed = Number(result.numUpdatedRows) === 1;
    if (claimed) this.#claimed.add(messageId);
    return claimed;
  }

  /** Stops renewing a run (it is ending here). */
  release(messageId: string): void {
    this.#claimed.delete(messageId);
  }

  /**
   * Renews every claimed run in one statement (per thousand) and returns the ones it could not:
   * another replica judged them abandoned and ended them, so this one must stop generating them.
   */
  async renew(now = new Date()): Promise<string[]> {
    const claimed = [...this.#claimed];
    const renewed = new Set<string>();
    for (let start = 0; start < claimed.length; start += renewBatch) {
      const rows = await this.db
        .updateTable('messages')
        .set({ run_heartbeat_at: toTimestamp(now) })
        .where('id', 'in', claimed.slice(start, start + renewBatch))
        .where('run_owner', '=', this.replicaId)
        .where('status', '=', 'streaming')
        .returning('id')
        .execute();
      for (const row of rows) renewed.add(row.id);
    }
    // A run released while the statement ran is not lost, only over.
    const lost = claimed.filter((id) => !renewed.has(id) && this.#claimed.has(id));
    for (const id of lost) this.#claimed.delete(id);
    return lost;
  }
}

/** A reply one sweep marked interrupted. */
export interface SweptRun {
  messageId: string;
  runId: string | null;
  /** The replica that had owned it; null for a reply never claimed (written before leases). */
  owner: string | null;
}

/**
 * Marks `interrupted` (text kept) the streaming replies whose lease was last renewed before
 * `expiredBefore`, or which no replica ever claimed and were last written before it. Each reply is
 * taken by a conditional update, so when several replicas sweep at once exactly one wins it, and
 * that one appends the final `error` event, so followers on any replica end cleanly.
 *
 * The row and the run's log end with the same text: the dead replica wrote text to the log as it
 * came but to the row only every flush, so the log may be ahead (followers saw text the row lacks:
 * the row takes it), or the row a piece ahead (flushed, not yet appended: the log gets it).
 */
export async function interruptAbandonedRuns(
  deps: { db: Kysely<Database>; bus: Pick<RunBus, 'append' | 'read' | 'end'> },
  expiredBefore: Date,
): Promise<SweptRun[]> {
  const { db, bus } = deps;
  const expired = sql<boolean>`coalesce(run_heartbeat_at, updated_at) < ${toTimestamp(expiredBefore)}`;
  const candidates = await db
    .selectFrom('messages')
    .select(['id', 'run_id', 'run_owner', 'content'])
    .where('status', '=', 'streaming')
    .where(expired)
    .limit(sweepBatch)
    .execute();
  const swept: SweptRun[] = [];
  for (const candidate of candidates) {
    const log = candidate.run_id ? await bus.read(candidate.run_id, 0) : [];
    const logged = loggedText(log);
    const content = logged.startsWith(candidate.content) ? logged : candidate.content;
    const result = await db
      .updateTable('messages')
      .set({
        status: 'interrupted',
        error: abandonedRunMessage,
        content,
        updated_at: toTimestamp(),
      })
      .where('id', '=', candidate.id)
      .where('status', '=', 'streaming')
      .where(expired)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) continue; // another replica won it, or it went on
    swept.push({ messageId: candidate.id, runId: candidate.run_id, owner: candidate.run_owner });
    if (candidate.run_id) await endFollowers(bus, candidate.run_id, content, logged);
  }
  return swept;
}

/** The text of a run's logged `text-delta` events. */
function loggedText(events: RunEvent[]): string {
  return events
    .filter((event) => event.type === 'text-delta')
    .map((event) => String(event.data.text ?? ''))
    .join('');
}

/**
 * Appends what the log lacks of the row's text, then the abandoned run's last event. With no log
 * at all (an in-process bus that restarted) that is the whole text, as a follower replaying a
 * finished run from its row gets it.
 */
async function endFollowers(
  bus: Pick<RunBus, 'append' | 'end'>,
  runId: string,
  content: string,
  logged: string,
): Promise<void> {
  if (content.length > logged.length && content.startsWith(logged)) {
    await bus.append(runId, textDeltaEvent(content.slice(logged.length)));
  }
  await bus.append(runId, errorEvent(abandonedRunMessage));
  await bus.end(runId);
}
