// Rate limits and budgets over shared counters. Tokens are known only once a request ends, so a
// request is admitted on the request count and the tokens already spent, and its tokens (and
// cost) are added when it settles: the last request before a limit may overshoot it.
//
// Windows: requests and tokens per minute count in a window that opens with the first count and
// lasts 60 s; budgets count per UTC day or calendar month. A budget's counter starts from the
// ledger's sum for the period the first time this process uses it, so budgets survive restarts.
import type { CounterCheck, Counters } from '../bus/counters.js';
import { periodBounds, type PeriodBounds } from './budget-period.js';
import { toNanoUsd } from './cost.js';
import type { LimitScope } from './limit-scopes.js';

const minuteMs = 60_000;

/** What a scope has spent: tokens and USD. */
export interface Spend {
  tokens: number;
  usd: number;
}

/** Options for Limiter. */
export interface LimiterOptions {
  counters: Counters;
  /** What the ledger holds for a scope since an instant (to start its budget counters). */
  spentSince(scope: LimitScope, since: Date): Promise<Spend>;
  /** The clock, in milliseconds. */
  now?: () => number;
  log?: (message: string) => void;
}

/** Which limit a count belongs to. */
export type LimitKind = 'requests' | 'tokens' | 'budget-tokens' | 'budget-usd';

/** Where a rate stands for the scope closest to its limit (x-ratelimit-* headers). */
export interface RateStatus {
  limit: number;
  remaining: number;
  /** Milliseconds until the window frees. */
  resetMs: number;
}

/** Why a request was refused. */
export interface Refusal {
  kind: LimitKind;
  scope: LimitScope;
  /** The limit reached, in its own unit (requests, tokens or USD). */
  limit: number;
  /** Milliseconds until every limit reached has room again. */
  retryAfterMs: number;
}

/** The outcome of `admit`, handed back to `settle`. */
export interface LimitDecision {
  allowed: boolean;
  refusal?: Refusal;
  /** Requests per minute; undefined when no scope limits them. */
  requests?: RateStatus;
  /** Tokens per minute; undefined when no scope limits them. */
  tokens?: RateStatus;
  /** When the request was admitted (ms): its tokens count in this instant's budget period. */
  at: number;
  scopes: LimitScope[];
}

interface Counted {
  check: CounterCheck;
  kind: LimitKind;
  scope: LimitScope;
  /** The limit in its own unit (the counter holds nano-dollars for USD). */
  limit: number;
  /** For budgets: until the period ends, whatever the counter says. */
  resetMs?: number;
}

/** Admits requests against their scopes' limits and counts what they used. */
export class Limiter {
  readonly #counters: Counters;
  readonly #spentSince: LimiterOptions['spentSince'];
  readonly #now: () => number;
  readonly #log: (message: string) => void;
  // Per scope, the budget period whose counters this process has started from the ledger.
  readonly #seeded = new Map<string, { label: string; done: Promise<void> }>();
  #countersFailing = false;

  constructor(options: LimiterOptions) {
    this.#counters = options.counters;
    this.#spentSince = options.spentSince;
    this.#now = options.now ?? Date.now;
    this.#log = options.log ?? ((message) => console.error(`salon: ${message}`));
  }

  /**
   * Counts `requests` requests (two for an arena battle) against every scope, or refuses them
   * all; never counts a refusal. Each rate must have room for every one of them.
   */
  async admit(scopes: readonly LimitScope[], requests = 1): Promise<LimitDecision> {
    const at = this.#now();
    const decision: LimitDecision = { allowed: true, at, scopes: [...scopes] };
    if (scopes.length === 0) return decision;
    const counted: Counted[] = [];
    for (const scope of scopes) {
      if (scope.rpm !== null) {
        // Below `rpm - requests + 1` before, so that all of them fit under the limit.
        const limit = scope.rpm - requests + 1;
        const check = { name: `rpm:${scope.id}`, windowMs: minuteMs, limit, amount: requests };
        counted.push({ check, kind: 'requests', scope, limit: scope.rpm });
      }
      if (scope.tpm !== null) {
        const check = { name: `tpm:${scope.id}`, windowMs: minuteMs, limit: scope.tpm, amount: 0 };
        counted.push({ check, kind: 'tokens', scope, limit: scope.tpm });
      }
      counted.push(...(await this.#budgetChecks(scope, at)));
    }
    let result;
    try {
      result = await this.#counters.take(counted.map((item) => item.check));
      this.#recovered();
    } catch (error) {
      // Limits guard the service; they must not take it down with them: admit, and say so.
      this.#failing('admitting without limits', error);
      return decision;
    }
    const states = counted.map((item, i) => ({ ...item, state: result.states[i]! }));
    const status = (kind: LimitKind): RateStatus | undefined =>
      states
        .filter((item) => item.kind === kind)
        .map((item) => ({
          limit: item.limit,
          remaining: Math.max(0, item.check.limit - item.state.value),
          resetMs: item.state.resetMs,
        }))
        // The scope that refuses first: fewest left, then the longest wait.
        .sort((a, b) => a.remaining - b.remaining || b.resetMs - a.resetMs)[0];
    decision.requests = status('requests');
    decision.tokens = status('tokens');
    if (!result.allowed) {
      const reached = states
        .filter((item) => item.state.value >= item.check.limit)
        .map((item) => ({ ...item, wait: item.resetMs ?? item.state.resetMs }));
      // The request fits again only when every limit it reached has room: wait for the last.
      const last = reached.sort((a, b) => b.wait - a.wait)[0]!;
      decision.allowed = false;
      decision.refusal = {
        kind: last.kind,
        scope: last.scope,
        limit: last.limit,
        retryAfterMs: last.wait,
      };
    }
    return decision;
  }

  /** Adds a settled request's tokens and cost to its scopes' counters; never throws. */
  async settle(
    decision: LimitDecision,
    used: { tokens: number; costUsd: number | null },
  ): Promise<void> {
    if (!decision.allowed || decision.scopes.length === 0) return;
    const now = this.#now();
    const additions: Promise<unknown>[] = [];
    const add = (name: string, windowMs: number, amount: number) =>
      amount > 0 && additions.push(this.#counters.add({ name, windowMs }, amount));
    for (const scope of decision.scopes) {
      if (scope.tpm !== null) add(`tpm:${scope.id}`, minuteMs, used.tokens);
      if (!scope.budget) continue;
      const period = periodBounds(scope.budget.period, new Date(decision.at));
      const windowMs = Math.max(1, period.end.getTime() - now);
      if (scope.budget.tokens !== null)
        add(budgetName('tokens', scope, period), windowMs, used.tokens);
      if (scope.budget.usd !== null && used.costUsd !== null) {
        add(budgetName('usd', scope, period), windowMs, toNanoUsd(used.costUsd));
      }
    }
    const results = await Promise.allSettled(additions);
    const failure = results.find((result) => result.status === 'rejected');
    if (failure) this.#failing('usage not counted', failure.reason);
    else if (additions.length) this.#recovered();
  }

  async #budgetChecks(scope: LimitScope, at: number): Promise<Counted[]> {
    const budget = scope.budget;
    if (!budget) return [];
    const period = periodBounds(budget.period, new Date(at));
    await this.#seed(scope, period, at);
    const windowMs = period.end.getTime() - at;
    const checks: Counted[] = [];
    if (budget.tokens !== null) {
      const name = budgetName('tokens', scope, period);
      const check = { name, windowMs, limit: budget.tokens, amount: 0 };
      checks.push({ check, kind: 'budget-tokens', scope, limit: budget.tokens, resetMs: windowMs });
    }
    if (budget.usd !== null) {
      const name = budgetName('usd', scope, period);
      const check = { name, windowMs, limit: toNanoUsd(budget.usd), amount: 0 };
      checks.push({ check, kind: 'budget-usd', scope, limit: budget.usd, resetMs: windowMs });
    }
    return checks;
  }

  // Once per scope, period and budget units in this process, before its first count: a counter
  // that already holds a window (another replica's, in Redis) is left as it is. The units are in
  // the key so that a dollar budget added mid-period to a token budget starts from the ledger too.
  async #seed(scope: LimitScope, period: PeriodBounds, at: number): Promise<void> {
    const seededKey = `${scope.id}|${scope.budget?.tokens != null}|${scope.budget?.usd != null}`;
    const seeded = this.#seeded.get(seededKey);
    if (seeded?.label === period.label) return seeded.done;
    const done = (async () => {
      const spent = await this.#spentSince(scope, period.start);
      const windowMs = period.end.getTime() - at;
      if (scope.budget?.tokens != null) {
        await this.#counters.seed(
          { name: budgetName('tokens', scope, period), windowMs },
          spent.tokens,
        );
      }
      if (scope.budget?.usd != null) {
        const spec = { name: budgetName('usd', scope, period), windowMs };
        await this.#counters.seed(spec, toNanoUsd(spent.usd));
      }
    })();
    this.#seeded.set(seededKey, { label: period.label, done });
    try {
      await done;
    } catch (error) {
      // Tried again on the next request; until then the budget counts from what it holds.
      if (this.#seeded.get(seededKey)?.done === done) this.#seeded.delete(seededKey);
      const reason = error instanceof Error ? error.message : String(error);
      this.#log(`budget of ${scope.id} not started from the ledger: ${reason}`);
    }
  }

  #failing(what: string, error: unknown): void {
    if (this.#countersFailing) return;
    this.#countersFailing = true;
    const reason = error instanceof Error ? error.message : String(error);
    this.#log(`rate-limit counters unavailable, ${what}: ${reason}`);
  }

  #recovered(): void {
    if (!this.#countersFailing) return;
    this.#countersFailing = false;
    this.#log('rate-limit counters available again');
  }
}

function budgetName(unit: 'tokens' | 'usd', scope: LimitScope, period: PeriodBounds): string {
  return `budget-${unit}:${scope.id}:${period.label}`;
}
