// What the /v1 handlers ask before and after a generation: may this caller use this model now
// (key expiry, the key's allowed models, rates and budgets), and what did the request use (one
// ledger row, and its tokens and cost added to the caller's counters).
//
// Status codes, chosen for what OpenAI-style clients already handle:
// - expired key: 401 `expired_api_key` (the key no longer authenticates);
// - model outside the key's allow-list: 403 `model_not_allowed`, naming the model. Not 404: the
//   model exists, and "not found" would send the key's holder looking for a typo instead of
//   asking for access; OpenAI's SDKs raise PermissionDeniedError and do not retry it;
// - rate limit: 429 `rate_limit_exceeded` with Retry-After (seconds) and retry-after-ms, which
//   the SDKs honour when they retry;
// - spent budget: 429 `budget_exceeded`, not 402: OpenAI itself answers an exhausted quota with
//   429 (`insufficient_quota`), so clients surface it as a RateLimitError they already handle,
//   where 402 is outside OpenAI's vocabulary and reaches them as an unknown APIError.
//   Retry-After says when the period renews.
import type { FastifyReply } from 'fastify';
import type { LimitsConfig, PriceConfig } from '../config/schema.js';
import { costUsd } from '../governance/cost.js';
import { limitScopes, type LimitScope } from '../governance/limit-scopes.js';
import type { LimitDecision, Limiter, Refusal } from '../governance/limiter.js';
import type { UsageLedger } from '../governance/usage-ledger.js';
import { keyAllowsModel, type VerifiedApiKey } from '../identity/api-keys.js';
import { forbidden, rateLimited, unauthorized, type SalonError } from '../lib/errors.js';
import { setRateLimitHeaders } from './rate-limit-headers.js';

/** Who sends a /v1 request. */
export interface V1Caller {
  /** The user the request acts for; defaults to the key's owner. */
  userId?: string | null;
  apiKey?: VerifiedApiKey;
}

/** A request let through by `admit`; hand it to `settle` once the response has ended. */
export interface Admission {
  readonly startedAt: Date;
  readonly userId: string | null;
  readonly apiKeyId: string | null;
  readonly model: string;
  readonly endpoint: string;
  /** Undefined for a request refused before the limits were counted. */
  readonly decision?: LimitDecision;
  settled: boolean;
}

/** How a request ended, as the handler knows it. Token counts are the upstream's usage. */
export interface V1Outcome {
  /** The target that served (`x-salon-target`); none when no target answered. */
  target?: string;
  /** The price of that target, for the cost column and USD budgets. */
  price?: PriceConfig;
  promptTokens?: number;
  completionTokens?: number;
  latencyMs: number;
  /** Milliseconds from the request to the first token. */
  ttftMs?: number;
  /** The HTTP status sent (200 for a stream that started, even if it ended in an error event). */
  status: number;
  /** The error's code when the request failed (`upstream_error`, `client_closed`, …). */
  errorCode?: string;
}

/** What V1Governance is built from (see `openV1Governance`). */
export interface V1GovernanceOptions {
  ledger: UsageLedger;
  limiter: Limiter;
  /** salon.yaml's `limits:` section. */
  limits: LimitsConfig;
  /** The model a name is an alias of, so that an allow-list may name either. */
  aliasOf?: (model: string) => string | undefined;
  /** Closes what the limiter counts in (a Redis connection). */
  closeCounters?: () => Promise<void>;
  now?: () => Date;
  log?: (message: string) => void;
}

/** Admission and metering for the OpenAI-compatible routes. */
export class V1Governance {
  readonly #ledger: UsageLedger;
  readonly #limiter: Limiter;
  #limits: LimitsConfig;
  readonly #aliasOf: (model: string) => string | undefined;
  readonly #closeCounters: () => Promise<void>;
  readonly #now: () => Date;
  readonly #log: (message: string) => void;
  // Counter updates still running, awaited by close().
  readonly #settling = new Set<Promise<void>>();

  constructor(options: V1GovernanceOptions) {
    this.#ledger = options.ledger;
    this.#limiter = options.limiter;
    this.#limits = options.limits;
    this.#aliasOf = options.aliasOf ?? (() => undefined);
    this.#closeCounters = options.closeCounters ?? (async () => undefined);
    this.#now = options.now ?? (() => new Date());
    this.#log = options.log ?? ((message) => console.error(`salon: ${message}`));
  }

  /**
   * Before routing: expiry, the key's allowed models, then rates and budgets (counting this
   * request). Sets the x-ratelimit-* headers on `reply`. Throws a SalonError (401, 403 or 429 with
   * `retryAfter`) after writing the refused request's ledger row; the caller must not settle it.
   */
  async admit(
    reply: FastifyReply,
    caller: V1Caller,
    model: string,
    endpoint: string,
  ): Promise<Admission> {
    const key = caller.apiKey;
    const admission: Admission = {
      startedAt: this.#now(),
      userId: caller.userId ?? key?.userId ?? null,
      apiKeyId: key?.id ?? null,
      model,
      endpoint,
      settled: false,
    };
    if (key?.expiresAt && Date.parse(key.expiresAt) <= admission.startedAt.getTime()) {
      this.#refuse(admission, unauthorized('This API key has expired.', 'expired_api_key'));
    }
    if (key && !keyAllowsModel(key.limits, model, this.#aliasOf(model))) {
      const allowed = key.limits.models?.join(', ');
      const message = `This API key may not use the model '${model}' (it may use: ${allowed}).`;
      this.#refuse(admission, forbidden(message, 'model_not_allowed'));
    }
    const scopes = limitScopes({ userId: admission.userId, apiKey: key }, this.#limits);
    const decision = await this.#limiter.admit(scopes);
    const admitted = { ...admission, decision };
    setRateLimitHeaders(reply, decision);
    if (decision.refusal) {
      reply.header('retry-after-ms', String(Math.max(0, Math.ceil(decision.refusal.retryAfterMs))));
      this.#refuse(admitted, limitError(decision.refusal));
    }
    return admitted;
  }

  /**
   * After the response has ended, streamed or not, successful or not: writes the ledger row and
   * adds the tokens and cost to the caller's counters. Never throws; a second call is ignored.
   */
  settle(admission: Admission, outcome: V1Outcome): void {
    if (admission.settled) return;
    admission.settled = true;
    try {
      const tokens = {
        promptTokens: outcome.promptTokens ?? 0,
        completionTokens: outcome.completionTokens ?? 0,
      };
      const cost = costUsd(outcome.price, tokens);
      this.#record(admission, { ...outcome, ...tokens, costUsd: cost });
      if (!admission.decision) return;
      const counting = this.#limiter
        .settle(admission.decision, {
          tokens: tokens.promptTokens + tokens.completionTokens,
          costUsd: cost,
        })
        .catch((error: unknown) => this.#log(`usage not counted: ${String(error)}`))
        .finally(() => this.#settling.delete(counting));
      this.#settling.add(counting);
    } catch (error) {
      this.#log(`usage not recorded: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Applies a reloaded salon.yaml's `limits:` to the requests admitted from now on. */
  setLimits(limits: LimitsConfig): void {
    this.#limits = limits;
  }

  /** Waits for counter updates, writes the ledger's queue and closes the counters. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.#settling]);
    await this.#ledger.close();
    await this.#closeCounters();
  }

  #refuse(admission: Admission, error: SalonError): never {
    admission.settled = true;
    const latencyMs = this.#now().getTime() - admission.startedAt.getTime();
    this.#record(admission, { latencyMs, status: error.status, errorCode: error.code });
    throw error;
  }

  #record(admission: Admission, outcome: V1Outcome & { costUsd?: number | null }): void {
    this.#ledger.record({
      createdAt: admission.startedAt,
      userId: admission.userId,
      apiKeyId: admission.apiKeyId,
      endpoint: admission.endpoint,
      model: admission.model,
      target: outcome.target ?? null,
      promptTokens: outcome.promptTokens,
      completionTokens: outcome.completionTokens,
      costUsd: outcome.costUsd ?? null,
      latencyMs: outcome.latencyMs,
      ttftMs: outcome.ttftMs ?? null,
      status: outcome.status,
      errorCode: outcome.errorCode ?? null,
    });
  }
}

function limitError(refusal: Refusal): SalonError {
  const seconds = Math.max(1, Math.ceil(refusal.retryAfterMs / 1_000));
  const whose = describeScope(refusal.scope);
  const period = refusal.scope.budget?.period === 'day' ? 'day' : 'month';
  switch (refusal.kind) {
    case 'requests':
      return rateLimited(
        `Rate limit reached for ${whose}: ${refusal.limit} requests per minute. Try again in ${seconds} s.`,
        seconds,
      );
    case 'tokens':
      return rateLimited(
        `Rate limit reached for ${whose}: ${refusal.limit} tokens per minute. Try again in ${seconds} s.`,
        seconds,
      );
    case 'budget-tokens':
      return rateLimited(
        `Budget spent for ${whose}: ${refusal.limit} tokens per ${period} (UTC). It renews in ${seconds} s.`,
        seconds,
        'budget_exceeded',
      );
    case 'budget-usd':
      return rateLimited(
        `Budget spent for ${whose}: $${refusal.limit} per ${period} (UTC). It renews in ${seconds} s.`,
        seconds,
        'budget_exceeded',
      );
  }
}

function describeScope(scope: LimitScope): string {
  return scope.kind === 'key' ? 'this API key' : 'your account';
}
