// The bus carries what a run needs beyond the process that runs it: its numbered event log
// (so any replica can replay and follow it) and cancel signals (so Stop works from any
// replica), and short notices to every replica (broadcasts.ts). `memory.ts` serves one process;
// a Redis backend implements the same interface.
import type { Broadcasts } from './broadcasts.js';

/** One event of a run: a type from the stream vocabulary and its JSON payload. */
export interface RunEvent {
  /** 1 for a run's first event, then each next integer, with no gap. */
  seq: number;
  type: string;
  data: Record<string, unknown>;
}

/** An event before the bus numbers it. */
export type NewRunEvent = Omit<RunEvent, 'seq'>;

/** Stops a subscription. */
export type Unsubscribe = () => void;

/** A run event log with live subscriptions and cancel signals, and broadcasts to every replica. */
export interface RunBus extends Broadcasts {
  /** Appends to the run's log; resolves with the event's sequence number. */
  append(runId: string, event: NewRunEvent): Promise<number>;
  /** The stored events numbered above `after`, in order; none once the log was dropped. */
  read(runId: string, after: number): Promise<RunEvent[]>;
  /** Calls `listener` for each event appended once this resolves; it never replays the log. */
  subscribe(runId: string, listener: (event: RunEvent) => void): Promise<Unsubscribe>;
  /** Asks whoever runs `runId`, on any replica, to stop it. */
  cancel(runId: string): Promise<void>;
  /** Calls `listener` once when the run is cancelled; at once when it already was. */
  onCancel(runId: string, listener: () => void): Promise<Unsubscribe>;
  /** Marks the run over: its log and cancel state are dropped after the grace period. */
  end(runId: string): Promise<void>;
  /** Releases timers and connections. */
  close(): Promise<void>;
}

/** The code of the error a bus call fails with when its backend did not answer in time. */
export const busUnavailableCode = 'bus_unavailable';

/** Options every backend takes. */
export interface RunBusOptions {
  /** How long a finished run's log stays readable (resuming clients replay from it). */
  graceMs?: number;
}

/** Five minutes: a client that lost its connection has that long to resume from the log. */
export const defaultGraceMs = 5 * 60_000;
