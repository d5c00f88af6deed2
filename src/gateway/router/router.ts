// The gateway's router: keeps every target's health across requests and plans each request's
// attempts over a model's targets and its fallbacks'. It never calls a provider: the gateway
// tries each attempt and reports back, so the router works the same for every kind of call.
import type { RouterConfig } from '../../config/schema.js';
import type { Cancellation } from '../../lib/cancellation.js';
import { planAttempts, type Attempt, type PlannedTarget } from './attempt-plan.js';
import { retryPolicyFrom, type RetryPolicy } from './retry-policy.js';
import { TargetHealth, type TargetHealthSnapshot } from './target-health.js';
import { orderTargets, type Balance } from './target-order.js';

/** What the router needs of a target (a `TargetConfig` fits). */
export interface RoutedTarget {
  provider: string;
  model?: string;
  weight?: number;
}

/** One model's targets, tried in the order its `balance` gives, before the next group's. */
export interface TargetGroup<T extends RoutedTarget> {
  targets: readonly T[];
  /** Default `latency`. */
  balance?: Balance;
}

/** Test seams: the clock, the random source and how to wait. */
export interface RouterOptions {
  /** Milliseconds; default `Date.now`. */
  now?: () => number;
  /** In [0, 1); default `Math.random`. */
  random?: () => number;
  /** Waits `ms`, rejecting when `signal` aborts; default a timer. */
  sleep?: (ms: number, signal?: Cancellation) => Promise<void>;
}

/** Every target's health as plain JSON, for the admin API. */
export interface RouterSnapshot {
  targets: TargetHealthSnapshot[];
}

/** `provider` or `provider/model`: how the router, the logs and `x-salon-target` name a target. */
export function targetName(target: RoutedTarget): string {
  return target.model ? `${target.provider}/${target.model}` : target.provider;
}

/** Balances, retries and breaks circuits over targets. */
export class Router {
  /** By target name, with the provider it belongs to. */
  private readonly healths = new Map<string, { provider: string; health: TargetHealth }>();
  private readonly policy: RetryPolicy;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly sleep: (ms: number, signal?: Cancellation) => Promise<void>;

  constructor(
    private readonly config: RouterConfig,
    options: RouterOptions = {},
  ) {
    this.policy = retryPolicyFrom(config);
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.sleep = options.sleep ?? sleep;
  }

  /**
   * The attempts of one request over `groups` (a model's targets, then each fallback's).
   * Try each attempt, report its outcome on it, and ask for the next only after a failure
   * for which `attempt.failed(error)` returned true. Throws a 503 SalonError when no target
   * can be tried at all; otherwise simply ends when the budget is spent.
   */
  attempts<T extends RoutedTarget, G extends TargetGroup<T>>(
    groups: readonly G[],
    signal?: Cancellation,
  ): AsyncGenerator<Attempt<T, G>, void, undefined> {
    const planned: Array<PlannedTarget<T, G>> = groups.flatMap((group) => {
      const candidates = group.targets.map((target) => ({
        target,
        load: this.health(target),
      }));
      return orderTargets(candidates, group.balance ?? 'latency', this.random).map((candidate) => ({
        target: candidate.target,
        group,
        health: candidate.load,
      }));
    });
    return planAttempts(planned, {
      policy: this.policy,
      random: this.random,
      sleep: this.sleep,
      signal,
    });
  }

  /** The health kept for a target (created on first use). */
  health(target: RoutedTarget): TargetHealth {
    const name = targetName(target);
    const known = this.healths.get(name);
    if (known) return known.health;
    const health = new TargetHealth(name, {
      breaker: {
        failures: this.config.breaker.failures,
        cooldownMs: this.config.breaker.cooldown * 1000,
      },
      now: this.now,
    });
    this.healths.set(name, { provider: target.provider, health });
    return health;
  }

  /** Drops what is known of a provider's targets (when it is removed). */
  forgetProvider(provider: string): void {
    for (const [name, known] of this.healths) {
      if (known.provider === provider) this.healths.delete(name);
    }
  }

  /** Every target seen so far, by name. */
  snapshot(): RouterSnapshot {
    return {
      targets: [...this.healths.values()]
        .map((known) => known.health.snapshot())
        .sort((a, b) => a.target.localeCompare(b.target)),
    };
  }
}

/** Waits `ms`; rejects with the cancellation's reason when it fires first. */
function sleep(ms: number, signal?: Cancellation): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort);
  });
}
