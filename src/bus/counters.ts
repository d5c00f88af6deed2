// Windowed counters for rate limits and budgets. A counter's window opens with its first count
// and lasts `windowMs`; when it ends the counter is back at zero. `counters.memory.ts` serves one
// process; `counters.redis.ts` is shared by every replica, so that limits hold across them.

/** Which counter, and how long a window it opens when it starts counting. */
export interface CounterSpec {
  /** Unique across the instance, e.g. `rpm:key:key-abc`. */
  name: string;
  /** The window a first count opens, in milliseconds. */
  windowMs: number;
}

/** A counter as it stands. */
export interface CounterState {
  value: number;
  /** Milliseconds until the window ends and the counter is back at zero; 0 when none is open. */
  resetMs: number;
}

/** One counter of an all-or-nothing `take`. */
export interface CounterCheck extends CounterSpec {
  /** Admitted only while the counter is below this. */
  limit: number;
  /** Added when every counter of the take admits; 0 only checks. */
  amount: number;
}

/** The outcome of a `take`: the states are after the change (unchanged when refused). */
export interface TakeResult {
  allowed: boolean;
  /** One per check, in the same order. */
  states: CounterState[];
}

/** Integer counters with windows; every operation is atomic. */
export interface Counters {
  /**
   * When every counter is below its limit, adds each amount and reports `allowed`; otherwise
   * changes nothing. Atomic across replicas: two takes never both see the last free slot.
   */
  take(checks: readonly CounterCheck[]): Promise<TakeResult>;
  /** Adds `amount`, opening a window if none is open. */
  add(spec: CounterSpec, amount: number): Promise<CounterState>;
  /** Starts the counter at `value` unless its window is already open (then leaves it as is). */
  seed(spec: CounterSpec, value: number): Promise<CounterState>;
  /** Releases timers and connections. */
  close(): Promise<void>;
}
