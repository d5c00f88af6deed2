// The attempts of one request, in order. The caller tries each attempt the plan yields and
// reports how it went; the plan decides what comes next:
//
// 1. First pass: every target in the order given (the model's, then its fallbacks'), at once,
//    skipping targets that can't take a request now (breaker open, half-open with its trial
//    taken, or paused by Retry-After). Failing over to another target needs no backoff.
// 2. Retries, while the budget (`router.retries` further attempts) lasts: the target tried
//    least recently among those that can take a request, after a full-jitter backoff, or after
//    its Retry-After when that is longer. A target whose Retry-After is longer than
//    `backoff.max_ms` is skipped for the request instead of waited on.
// 3. When no target could take even a first attempt because every breaker is open, the request
//    still makes one attempt, through the breaker that reopens soonest: failing fast forever
//    would hide a recovery until the cool-down ends, and one attempt per request is little.
//    When every target is paused beyond `max_ms` instead, the plan answers 503 with the
//    shortest Retry-After: the upstreams asked for it.
import type { Cancellation } from '../../lib/cancellation.js';
import { unavailable } from '../../lib/errors.js';
import { backoffDelay, judgeFailure, type RetryPolicy } from './retry-policy.js';
import type { TargetHealth, TargetLease } from './target-health.js';

/** One target of the plan, in the order it is preferred. */
export interface PlannedTarget<T, G> {
  target: T;
  /** The group (model) the target came from, handed back on its attempts. */
  group: G;
  health: TargetHealth;
}

/** One try of one target. Report exactly one outcome; later reports are ignored. */
export interface Attempt<T, G> {
  target: T;
  group: G;
  /** `provider` or `provider/model`. */
  name: string;
  /** 1 for the request's first attempt. */
  number: number;
  /** True when this attempt goes through an open breaker as the request's last resort. */
  forced: boolean;
  /** The upstream answered (first event of a stream, or the whole JSON body). */
  answered(): void;
  /** The first generated token arrived. */
  firstToken(): void;
  /** The response was served to its end. */
  succeeded(): void;
  /**
   * Records a failure, blaming the target when it is at fault. True when another attempt may
   * succeed (the plan then yields one if its budget allows); false when the request should end
   * with this error (a bad request, or the client went away).
   */
  failed(error: unknown): boolean;
  /** Ends the attempt with no verdict on the target. */
  released(): void;
}

/** What the plan needs besides the targets. */
export interface PlanContext {
  policy: RetryPolicy;
  random: () => number;
  /** Waits `ms`, rejecting when `signal` aborts. */
  sleep: (ms: number, signal?: Cancellation) => Promise<void>;
  signal?: Cancellation;
}

/**
 * Yields the attempts of one request. Ends when the budget is spent or no target is left;
 * throws a 503 when no target could be tried at all.
 */
export async function* planAttempts<T, G>(
  targets: ReadonlyArray<PlannedTarget<T, G>>,
  context: PlanContext,
): AsyncGenerator<Attempt<T, G>, void, undefined> {
  const { policy, signal } = context;
  const tried = new Map<TargetHealth, number>(); // target → number of its latest attempt
  // Set once an attempt failed in a way no other attempt can fix (bad request, client gone).
  let hopeless = false;
  let made = 0;
  let backoffs = 0;

  const start = (planned: PlannedTarget<T, G>, lease: TargetLease) => {
    made += 1;
    tried.set(planned.health, made);
    return attemptOf(planned, lease, made, signal, () => (hopeless = true));
  };

  for (const planned of targets) {
    if (made > policy.retries) return;
    if (tried.has(planned.health) || !planned.health.available) continue;
    if (signal?.aborted) throw signal.reason;
    const lease = planned.health.begin();
    if (!lease) continue;
    const attempt = start(planned, lease);
    yield attempt;
    // The caller asked for another attempt: this one is over even if it was not reported.
    attempt.released();
    if (hopeless) return;
  }
  if (made === 0 && !leastRecentlyTried(targets, tried, policy.maxMs)) {
    const lastResort = soonestAvailable(targets, policy.maxMs);
    if (!lastResort) throw everyTargetPaused(targets);
    await wait(lastResort.health.pauseRemainingMs, context);
    const attempt = start(lastResort, lastResort.health.begin({ force: true })!);
    yield attempt;
    attempt.released();
    if (hopeless) return;
  }
  while (made <= policy.retries) {
    const next = leastRecentlyTried(targets, tried, policy.maxMs);
    if (!next) return;
    const delay = backoffDelay(backoffs++, policy, context.random);
    await wait(Math.max(delay, next.health.pauseRemainingMs), context);
    // Another request may have opened the breaker or taken the trial while this one waited.
    const lease = next.health.begin();
    if (!lease) continue;
    const attempt = start(next, lease);
    yield attempt;
    attempt.released();
    if (hopeless) return;
  }
}

function attemptOf<T, G>(
  planned: PlannedTarget<T, G>,
  lease: TargetLease,
  number: number,
  signal: Cancellation | undefined,
  giveUp: () => void,
): Attempt<T, G> {
  // The client leaving ends the attempt even if the caller never reports it.
  const onAbort = () => lease.released();
  signal?.addEventListener('abort', onAbort, { once: true });
  const done = () => signal?.removeEventListener('abort', onAbort);
  return {
    target: planned.target,
    group: planned.group,
    name: planned.health.target,
    number,
    forced: lease.forced,
    answered: () => lease.answered(),
    firstToken: () => lease.firstToken(),
    succeeded: () => {
      done();
      lease.succeeded();
    },
    failed: (error) => {
      done();
      const verdict = judgeFailure(error, signal);
      if (verdict.blameTarget) lease.failed(verdict.retryAfterMs);
      else lease.released();
      if (!verdict.retry) giveUp();
      return verdict.retry;
    },
    released: () => {
      done();
      lease.released();
    },
  };
}

/** The tried target to retry next: the one tried least recently that can take a request. */
function leastRecentlyTried<T, G>(
  targets: ReadonlyArray<PlannedTarget<T, G>>,
  tried: Map<TargetHealth, number>,
  maxMs: number,
): PlannedTarget<T, G> | undefined {
  let best: PlannedTarget<T, G> | undefined;
  for (const planned of targets) {
    const { health } = planned;
    if (!health.breaker.canPass || health.pauseRemainingMs > maxMs) continue;
    // Targets skipped in the first pass (paused briefly) count as tried longest ago.
    if (!best || (tried.get(health) ?? 0) < (tried.get(best.health) ?? 0)) best = planned;
  }
  return best;
}

/** The target whose breaker reopens soonest, among those not paused beyond `maxMs`. */
function soonestAvailable<T, G>(
  targets: ReadonlyArray<PlannedTarget<T, G>>,
  maxMs: number,
): PlannedTarget<T, G> | undefined {
  return targets
    .filter((planned) => planned.health.pauseRemainingMs <= maxMs)
    .sort((a, b) => a.health.breaker.availableAt - b.health.breaker.availableAt)[0];
}

function everyTargetPaused<T, G>(targets: ReadonlyArray<PlannedTarget<T, G>>) {
  const shortest = Math.min(...targets.map((planned) => planned.health.pauseRemainingMs));
  const seconds = Number.isFinite(shortest) ? Math.ceil(shortest / 1000) : 1;
  return unavailable(
    targets.length === 0
      ? 'This model has no target to send the request to.'
      : `Every target of this model asked to wait ${seconds} s or more before the next request.`,
    seconds,
    'upstreams_paused',
  );
}

async function wait(ms: number, context: PlanContext): Promise<void> {
  if (context.signal?.aborted) throw context.signal.reason;
  if (ms > 0) await context.sleep(ms, context.signal);
}
