// What the /v1 handlers ask before and after a generation, over the Governance the web chat
// shares (governance/governance.ts: key expiry, allowed models, rates, budgets and quotas, and
// the usage ledger). This adapter adds what only HTTP has: the x-ratelimit-* headers on every
// admitted or refused request, and Retry-After / retry-after-ms (which OpenAI's SDKs honour when
// they retry) on a 429.
import type { FastifyReply } from 'fastify';
import {
  Governance,
  type Admission,
  type GovernanceOptions,
  type GovernedCaller,
  type UsageOutcome,
} from '../governance/governance.js';
import type { Counters } from '../bus/counters.js';
import { MemoryCounters } from '../bus/counters.memory.js';
import type { LimitsConfig } from '../config/schema.js';
import { setRateLimitHeaders } from './rate-limit-headers.js';

export type { Admission } from '../governance/governance.js';

/** Who sends a /v1 request. */
export type V1Caller = GovernedCaller;

/** How a request ended, as the handler knows it. */
export type V1Outcome = UsageOutcome;

/** What V1Governance is built from (see `openV1Governance`). */
export type V1GovernanceOptions = GovernanceOptions & {
  /** The limiter's counters, shared with the per-address limits of the sign-in routes. */
  counters?: Counters;
};

/** Admission and metering for the OpenAI-compatible routes. */
export class V1Governance {
  /** The admission and metering the web chat shares with /v1. */
  readonly core: Governance;

  /** Windowed counters across replicas (Redis when configured), for other HTTP limits. */
  readonly counters: Counters;

  constructor(options: V1GovernanceOptions) {
    this.core = new Governance(options);
    this.counters = options.counters ?? new MemoryCounters();
  }

  /**
   * Before routing: expiry, allowed models, then rates, budgets and quotas (counting this
   * request). Sets the x-ratelimit-* headers on `reply`. Throws a SalonError (401, 403 or 429
   * with `retryAfter`) after writing the refused request's ledger row; the caller must not
   * settle it.
   */
  async admit(
    reply: FastifyReply,
    caller: V1Caller,
    model: string,
    endpoint: string,
  ): Promise<Admission> {
    const [admission] = await this.core.admit(caller, [{ model, endpoint }], (decision) => {
      setRateLimitHeaders(reply, decision);
      if (decision.refusal) {
        const ms = Math.max(0, Math.ceil(decision.refusal.retryAfterMs));
        reply.header('retry-after-ms', String(ms));
      }
    });
    return admission!;
  }

  /** Writes the ledger row and counts the usage; never throws; a second call is ignored. */
  settle(admission: Admission, outcome: V1Outcome): void {
    this.core.settle(admission, outcome);
  }

  /** Applies a reloaded salon.yaml's `limits:` to the requests admitted from now on. */
  setLimits(limits: LimitsConfig): void {
    this.core.setLimits(limits);
  }

  /** Waits for counter updates, writes the ledger's queue and closes the counters. */
  close(): Promise<void> {
    return this.core.close();
  }
}
