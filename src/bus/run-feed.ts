// The live events of one run on one replica, handed to its listeners in order and once each.
// Announcements arrive over pub/sub, which drops what is sent while the connection is down: a
// number past the next one means some were missed, and the feed reads them from the log
// before going on. Shared by every listener of the run in this process.
import type { RunEvent } from './bus.js';

const bySeq = (a: RunEvent, b: RunEvent) => a.seq - b.seq;

/** One run's live events for the listeners of this process. */
export class RunFeed {
  /** Called with each event, in order. */
  readonly listeners = new Set<(event: RunEvent) => void>();
  /** The last number delivered; undefined until `start`. */
  #last: number | undefined;
  /** Events received but not yet delivered (before `start`, or behind a gap). */
  #held: RunEvent[] = [];
  #catchingUp = false;
  /** A catch-up was asked for while one was reading: the read may predate what it is for. */
  #again = false;

  constructor(
    /** Reads the run's stored events numbered above `after`. */
    private readonly readAfter: (after: number) => Promise<RunEvent[]>,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Delivers the events numbered above `last` from now on (and those already held). */
  start(last: number): void {
    this.#last = last;
    this.#flush(false);
  }

  /** Takes one announced event. */
  receive(event: RunEvent): void {
    this.#held.push(event);
    if (this.#last !== undefined && !this.#catchingUp) this.#flush(false);
  }

  /** Reads from the log whatever came after the last delivered event (after a reconnect). */
  async catchUp(): Promise<void> {
    if (this.#last === undefined) return;
    if (this.#catchingUp) {
      this.#again = true;
      return;
    }
    this.#catchingUp = true;
    let read = false;
    try {
      do {
        this.#again = false;
        this.#held.push(...(await this.readAfter(this.#last)));
      } while (this.#again);
      read = true;
    } catch (error) {
      this.onError(error);
    } finally {
      this.#catchingUp = false;
    }
    // Once the log has been read, a gap left is one the log no longer has (it was dropped):
    // deliver past it, and followers, which check numbers, report the loss.
    if (read) this.#flush(true);
  }

  #flush(acrossGaps: boolean): void {
    const held = this.#held.splice(0).sort(bySeq);
    for (const [index, event] of held.entries()) {
      const last = this.#last!;
      if (event.seq <= last) continue;
      if (event.seq > last + 1 && !acrossGaps) {
        this.#held = held.slice(index);
        void this.catchUp();
        return;
      }
      this.#last = event.seq;
      for (const listener of [...this.listeners]) listener(event);
    }
  }
}
