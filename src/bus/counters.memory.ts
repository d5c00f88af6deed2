// Counters inside one process: a map of values and window ends. Limits hold for this process
// only; several replicas need `counters.redis.ts`.
import type { CounterCheck, CounterSpec, CounterState, Counters, TakeResult } from './counters.js';

interface Entry {
  value: number;
  endsAt: number;
}

/** Options for MemoryCounters. */
export interface MemoryCountersOptions {
  /** The clock, in milliseconds (tests move it by hand). */
  now?: () => number;
  /** How often ended windows are dropped from memory. */
  sweepIntervalMs?: number;
}

/** Counters for one process. */
export class MemoryCounters implements Counters {
  readonly #entries = new Map<string, Entry>();
  readonly #now: () => number;
  readonly #sweep: NodeJS.Timeout;

  constructor(options: MemoryCountersOptions = {}) {
    this.#now = options.now ?? Date.now;
    // Reads drop an ended window too; the sweep bounds memory for counters nobody reads again.
    this.#sweep = setInterval(() => this.#dropEnded(), options.sweepIntervalMs ?? 60_000);
    this.#sweep.unref();
  }

  async take(checks: readonly CounterCheck[]): Promise<TakeResult> {
    const now = this.#now();
    const allowed = checks.every(
      (check) => (this.#open(check.name, now)?.value ?? 0) < check.limit,
    );
    const states = checks.map((check) =>
      allowed && check.amount > 0
        ? this.#add(check, check.amount, now)
        : this.#state(this.#open(check.name, now), now),
    );
    return { allowed, states };
  }

  async add(spec: CounterSpec, amount: number): Promise<CounterState> {
    return this.#add(spec, amount, this.#now());
  }

  async seed(spec: CounterSpec, value: number): Promise<CounterState> {
    const now = this.#now();
    let entry = this.#open(spec.name, now);
    if (!entry) this.#entries.set(spec.name, (entry = { value, endsAt: now + spec.windowMs }));
    return this.#state(entry, now);
  }

  async close(): Promise<void> {
    clearInterval(this.#sweep);
  }

  #add(spec: CounterSpec, amount: number, now: number): CounterState {
    let entry = this.#open(spec.name, now);
    if (!entry) this.#entries.set(spec.name, (entry = { value: 0, endsAt: now + spec.windowMs }));
    entry.value += amount;
    return this.#state(entry, now);
  }

  #open(name: string, now: number): Entry | undefined {
    const entry = this.#entries.get(name);
    if (entry && entry.endsAt > now) return entry;
    if (entry) this.#entries.delete(name);
    return undefined;
  }

  #state(entry: Entry | undefined, now: number): CounterState {
    return entry ? { value: entry.value, resetMs: entry.endsAt - now } : { value: 0, resetMs: 0 };
  }

  #dropEnded(): void {
    const now = this.#now();
    for (const [name, entry] of this.#entries) if (entry.endsAt <= now) this.#entries.delete(name);
  }
}
