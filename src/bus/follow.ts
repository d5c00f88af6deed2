// Following a run: its stored events after N, then live ones, with no gap and no duplicate,
// on any RunBus backend. Subscribing before reading closes the window in which an event could
// be appended between the read and the subscription.
import type { RunBus, RunEvent } from './bus.js';

/** How to follow a run. */
export interface FollowOptions {
  /** The last sequence number the caller already has (0 for all). */
  after: number;
  /** True for the event that ends the run; following stops after yielding it. */
  isLast(event: RunEvent): boolean;
  /** Ends the following early (client gone). */
  signal?: AbortSignal;
}

/** Yields the run's events numbered above `after`, in order, until the last one. */
export async function* followRun(
  bus: RunBus,
  runId: string,
  options: FollowOptions,
): AsyncGenerator<RunEvent> {
  const { signal } = options;
  const live: RunEvent[] = [];
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  const unsubscribe = await bus.subscribe(runId, (event) => {
    live.push(event);
    notify();
  });
  signal?.addEventListener('abort', notify);
  try {
    let last = options.after;
    let batch = await bus.read(runId, last);
    while (!signal?.aborted) {
      let gap = false;
      for (const event of batch) {
        if (event.seq <= last) continue;
        if (event.seq > last + 1) {
          gap = true;
          break;
        }
        last = event.seq;
        yield event;
        if (options.isLast(event)) return;
      }
      if (gap) {
        // A live event past the next number means one was missed: the log has it.
        const stored = await bus.read(runId, last);
        if (stored[0]?.seq !== last + 1) {
          throw new Error(`The events of run ${runId} after ${last} are lost.`);
        }
        batch = [...stored, ...batch, ...live.splice(0)];
        continue;
      }
      if (!live.length) await new Promise<void>((resolve) => (wake = resolve));
      batch = live.splice(0);
    }
  } finally {
    signal?.removeEventListener('abort', notify);
    unsubscribe();
  }
}
