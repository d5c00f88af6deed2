// Following a run for its owner: the bus log and then live events while the log exists; once a
// finished run's log has been dropped, the same events rebuilt from the message row.
import type { Kysely } from 'kysely';
import type { RunBus, RunEvent } from '../bus/bus.js';
import { followRun } from '../bus/follow.js';
import type { Usage } from '../gateway/types.js';
import type { Database } from '../store/database.js';
import type { Message } from './message-record.js';
import { getOwnedRun } from './messages.js';
import { errorEvent, finishEvent, isLastRunEvent, textDeltaEvent } from './run-events.js';

/** Whose run to follow, and from where. */
export interface FollowInput {
  userId: string;
  runId: string;
  /** The last sequence number the client has (0 for all). */
  after: number;
  /** Aborts when the client goes away. */
  signal: AbortSignal;
}

/** The events a finished message stands for: its whole text at once, then how it ended. */
export function eventsFromMessage(message: Message, usage: Usage | null): RunEvent[] {
  const events = message.content ? [textDeltaEvent(message.content)] : [];
  if (message.status === 'complete') events.push(finishEvent('stop', usage));
  else if (message.status === 'stopped') events.push(finishEvent('abort', usage));
  else events.push(errorEvent(message.error ?? 'The reply was interrupted.'));
  return events.map((event, index) => ({ ...event, seq: index + 1 }));
}

// How often a follower whose run lost its log checks the row for the run's end.
const lostLogPollMs = 1_000;

/**
 * Checks the caller owns the run (404 otherwise, before anything is streamed), then returns its
 * events numbered above `after`, ending with `finish` or `error`.
 */
export async function followRunEvents(
  deps: { db: Kysely<Database>; bus: RunBus },
  input: FollowInput,
): Promise<AsyncIterable<RunEvent> | Iterable<RunEvent>> {
  let { message, usage } = await getOwnedRun(deps.db, input.userId, input.runId);
  // Whether the bus still has the run's log up to the client's last event (read from that one
  // on: a client past a finished log's end gets the end rebuilt from the row too).
  let logged = message.status !== 'streaming' || input.after > 0;
  if (logged) logged = (await deps.bus.read(input.runId, Math.max(0, input.after - 1))).length > 0;
  if (message.status === 'streaming' && input.after > 0 && !logged) {
    // The client saw events this bus never had (an in-process bus that restarted): the run's
    // owner is gone, and the sweep for abandoned runs ends it; its end is then read from the row.
    while (message.status === 'streaming' && !input.signal.aborted) {
      await new Promise((resolve) => setTimeout(resolve, lostLogPollMs));
      ({ message, usage } = await getOwnedRun(deps.db, input.userId, input.runId));
    }
  }
  if (message.status !== 'streaming' && !logged) {
    const events = eventsFromMessage(message, usage);
    const rest = events.filter((event) => event.seq > input.after);
    // Numbers from a dropped log cannot be matched to the rebuilt ones; a client resuming past
    // them gets the end of the run, so it knows to reload the message.
    return rest.length ? rest : [{ ...events.at(-1)!, seq: input.after + 1 }];
  }
  return followRun(deps.bus, input.runId, {
    after: input.after,
    isLast: isLastRunEvent,
    signal: input.signal,
  });
}
