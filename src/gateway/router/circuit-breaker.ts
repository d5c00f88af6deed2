// One target's circuit breaker. After `failures` consecutive failures the target gets no
// traffic for `cooldownMs` (open); then one trial request at a time may pass (half-open): its
// success closes the breaker, its failure opens it again with the cool-down restarted.
//
// Results of requests let through before the latest open/close are ignored: a slow request
// that started while the target was healthy says nothing about it now, and must neither close
// an open breaker nor restart its cool-down.

/** Where a breaker stands. */
export type BreakerState = 'closed' | 'open' | 'half-open';

/** How a breaker behaves (from `router.breaker`). */
export interface BreakerOptions {
  /** Consecutive failures that open the breaker. */
  failures: number;
  /** How long an open breaker refuses requests before letting a trial through, in ms. */
  cooldownMs: number;
  /** The clock, in ms. */
  now: () => number;
}

/** A breaker's state as plain JSON, for the admin view. */
export interface BreakerSnapshot {
  state: BreakerState;
  consecutiveFailures: number;
  /** When the breaker last opened (ms on the breaker's clock); null while closed. */
  openedAt: number | null;
  /** When the open breaker lets a trial through (in the past once half-open); null while closed. */
  retryAt: number | null;
  /** A half-open trial request is in flight. */
  trialInFlight: boolean;
}

/** A request the breaker let through. The first of its three calls counts; later ones do nothing. */
export interface BreakerPass {
  /** The target served the request. */
  succeeded(): void;
  /** The target failed the request. */
  failed(): void;
  /** Neither (the client left, or the request itself was at fault): only frees a trial slot. */
  released(): void;
}

type PassKind = 'normal' | 'trial' | 'forced';

/** A circuit breaker for one target. */
export class CircuitBreaker {
  private consecutiveFailures = 0;
  private openedAt: number | null = null;
  /** The trial in flight while half-open, to tell it from stale passes. */
  private trial: object | null = null;
  /** Bumped on every open and close: passes from an earlier epoch are stale. */
  private epoch = 0;

  constructor(private readonly options: BreakerOptions) {}

  /** The state now (an open breaker turns half-open by itself once its cool-down is over). */
  get state(): BreakerState {
    if (this.openedAt === null) return 'closed';
    return this.options.now() >= this.openedAt + this.options.cooldownMs ? 'half-open' : 'open';
  }

  /** True when `tryPass` would let a request through now. */
  get canPass(): boolean {
    const state = this.state;
    return state === 'closed' || (state === 'half-open' && this.trial === null);
  }

  /** When an open breaker will let a trial through; now when it already would. */
  get availableAt(): number {
    return this.openedAt === null
      ? this.options.now()
      : Math.max(this.options.now(), this.openedAt + this.options.cooldownMs);
  }

  /** Lets a request through when the breaker allows one (half-open: it becomes the one trial). */
  tryPass(): BreakerPass | undefined {
    const state = this.state;
    if (state === 'closed') return this.pass('normal');
    if (state === 'half-open' && this.trial === null) return this.pass('trial');
    return undefined;
  }

  /**
   * Lets a request through whatever the state: the router's last resort when no target of a
   * request can pass. Its result counts like a trial's (success closes, failure reopens).
   */
  forcePass(): BreakerPass {
    return this.tryPass() ?? this.pass('forced');
  }

  /** The state as plain JSON. */
  snapshot(): BreakerSnapshot {
    return {
      state: this.state,
      consecutiveFailures: this.consecutiveFailures,
      openedAt: this.openedAt,
      retryAt: this.openedAt === null ? null : this.openedAt + this.options.cooldownMs,
      trialInFlight: this.trial !== null,
    };
  }

  private pass(kind: PassKind): BreakerPass {
    const epoch = this.epoch;
    const token = {};
    if (kind === 'trial') this.trial = token;
    let settled = false;
    const settle = (outcome: 'success' | 'failure' | 'release') => {
      if (settled) return;
      settled = true;
      this.settle(kind, epoch, token, outcome);
    };
    return {
      succeeded: () => settle('success'),
      failed: () => settle('failure'),
      released: () => settle('release'),
    };
  }

  private settle(
    kind: PassKind,
    epoch: number,
    token: object,
    outcome: 'success' | 'failure' | 'release',
  ): void {
    if (kind === 'trial') {
      if (this.trial !== token) return; // the breaker moved on without this trial
      this.trial = null;
    } else if (epoch !== this.epoch) {
      return;
    }
    if (outcome === 'release') return;
    if (outcome === 'success') {
      if (kind !== 'normal') return this.close();
      this.consecutiveFailures = 0;
      return;
    }
    this.consecutiveFailures += 1;
    if (kind !== 'normal' || this.consecutiveFailures >= this.options.failures) this.open();
  }

  private open(): void {
    this.openedAt = this.options.now();
    this.trial = null;
    this.epoch += 1;
  }

  private close(): void {
    this.openedAt = null;
    this.consecutiveFailures = 0;
    this.trial = null;
    this.epoch += 1;
  }
}
