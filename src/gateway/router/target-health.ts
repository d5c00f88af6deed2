// What the router knows about one target: requests in flight, how fast it answers, how often
// it fails, whether it asked for a pause (Retry-After), and its circuit breaker. Every request
// holds a lease from `begin`; the lease's first outcome frees its in-flight slot, so a
// double report can't make the count drift.
import { CircuitBreaker, type BreakerOptions, type BreakerSnapshot } from './circuit-breaker.js';

// Weight of the newest sample in the moving averages: the last five or so answers dominate, so
// a target that slows down loses traffic within a few requests, and one slow answer does not.
const newestSampleWeight = 0.3;

/** How a target's health is kept. */
export interface TargetHealthOptions {
  breaker: Omit<BreakerOptions, 'now'>;
  /** The clock, in ms. */
  now: () => number;
}

/** One target's health as plain JSON, for the admin view. */
export interface TargetHealthSnapshot {
  /** `provider` or `provider/model`. */
  target: string;
  inFlight: number;
  /** Requests begun, failed (the target's fault) and served to the end. */
  requests: number;
  failures: number;
  successes: number;
  /** Moving average of the time until the upstream answered (headers and first event), ms. */
  latencyMs: number | null;
  /** Moving average of the time until the first generated token, ms. */
  firstTokenMs: number | null;
  /** Until when the upstream asked not to be sent anything (ISO 8601), if that is still ahead. */
  pausedUntil: string | null;
  breaker: Omit<BreakerSnapshot, 'openedAt' | 'retryAt'> & {
    openedAt: string | null;
    retryAt: string | null;
  };
}

/** One request's hold on a target. The first of `succeeded`, `failed`, `released` ends it. */
export interface TargetLease {
  /** True when the lease went through an open breaker as a last resort. */
  readonly forced: boolean;
  /** The upstream answered (response headers and first event, or the whole JSON body). */
  answered(): void;
  /** The first generated token arrived (counted once). */
  firstToken(): void;
  /** The response was served to its end. */
  succeeded(): void;
  /** The target failed the request; `retryAfterMs` pauses it for every request. */
  failed(retryAfterMs?: number): void;
  /** Ended without a verdict on the target (the client left, or the request was at fault). */
  released(): void;
}

/** The health of one target. */
export class TargetHealth {
  readonly breaker: CircuitBreaker;
  private inFlightCount = 0;
  private requests = 0;
  private failures = 0;
  private successes = 0;
  private latency: number | undefined;
  private firstTokenLatency: number | undefined;
  private pausedUntil = 0;

  constructor(
    /** `provider` or `provider/model`. */
    readonly target: string,
    private readonly options: TargetHealthOptions,
  ) {
    this.breaker = new CircuitBreaker({ ...options.breaker, now: options.now });
  }

  /** Requests holding a lease now. */
  get inFlight(): number {
    return this.inFlightCount;
  }

  /** Moving average of the time to answer in ms; undefined before the first answer. */
  get latencyMs(): number | undefined {
    return this.latency;
  }

  /** True when a request may be sent now: the breaker lets it and no pause is running. */
  get available(): boolean {
    return this.breaker.canPass && this.options.now() >= this.pausedUntil;
  }

  /** When the target will take requests again (now when it does). */
  get availableAt(): number {
    return Math.max(this.breaker.availableAt, this.pausedUntil, this.options.now());
  }

  /** How long the upstream's pause has still to run, in ms (0 when none). */
  get pauseRemainingMs(): number {
    return Math.max(0, this.pausedUntil - this.options.now());
  }

  /**
   * Starts a request when the breaker lets one through, or regardless of it with `force` (the
   * router's last resort); undefined otherwise. A running pause does not refuse the lease: the
   * router decides whether to wait for it.
   */
  begin(options: { force?: boolean } = {}): TargetLease | undefined {
    const forced = options.force === true && !this.breaker.canPass;
    const pass = forced ? this.breaker.forcePass() : this.breaker.tryPass();
    if (!pass) return undefined;
    const startedAt = this.options.now();
    this.requests += 1;
    this.inFlightCount += 1;
    let ended = false;
    let answered = false;
    let sawFirstToken = false;
    const end = (): boolean => {
      if (ended) return false;
      ended = true;
      this.inFlightCount -= 1;
      return true;
    };
    return {
      forced,
      answered: () => {
        if (ended || answered) return;
        answered = true;
        this.latency = average(this.latency, this.options.now() - startedAt);
      },
      firstToken: () => {
        if (ended || sawFirstToken) return;
        sawFirstToken = true;
        this.firstTokenLatency = average(this.firstTokenLatency, this.options.now() - startedAt);
      },
      succeeded: () => {
        if (!end()) return;
        this.successes += 1;
        pass.succeeded();
      },
      failed: (retryAfterMs) => {
        if (!end()) return;
        this.failures += 1;
        if (retryAfterMs !== undefined && retryAfterMs > 0) {
          this.pausedUntil = Math.max(this.pausedUntil, this.options.now() + retryAfterMs);
        }
        pass.failed();
      },
      released: () => {
        if (end()) pass.released();
      },
    };
  }

  /** The health as plain JSON. */
  snapshot(): TargetHealthSnapshot {
    const breaker = this.breaker.snapshot();
    return {
      target: this.target,
      inFlight: this.inFlightCount,
      requests: this.requests,
      failures: this.failures,
      successes: this.successes,
      latencyMs: round(this.latency),
      firstTokenMs: round(this.firstTokenLatency),
      pausedUntil: this.pauseRemainingMs > 0 ? iso(this.pausedUntil) : null,
      breaker: { ...breaker, openedAt: iso(breaker.openedAt), retryAt: iso(breaker.retryAt) },
    };
  }
}

function average(previous: number | undefined, sample: number): number {
  return previous === undefined ? sample : previous + newestSampleWeight * (sample - previous);
}

function round(value: number | undefined): number | null {
  return value === undefined ? null : Math.round(value * 10) / 10;
}

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}
