// Admission and metering for every generation, /v1 and web chat alike: may this caller use this
// model now (key expiry, the key's allow-list, the organisation's model access rules, rates and
// budgets of the key, the user, their teams and their organisation), and what did it use (one
// usage ledger row, and its tokens and cost added to the caller's counters). The /v1 routes reach
// it through server/v1-governance.ts (rate-limit headers), the chat through its ChatDeps.
//
// Status codes, chosen for what OpenAI-style clients already handle:
// - expired key: 401 `expired_api_key` (the key no longer authenticates);
// - model outside the key's allow-list or the caller's teams: 403 `model_not_allowed`, naming the
//   model. Not 404: the model exists, and "not found" would send the caller looking for a typo
//   instead of asking for access; OpenAI's SDKs raise PermissionDeniedError and do not retry it;
// - rate limit: 429 `rate_limit_exceeded` with Retry-After;
// - spent budget: 429 `budget_exceeded`, not 402: OpenAI itself answers an exhausted quota with
//   429 (`insufficient_quota`), so clients surface it as a RateLimitError they already handle,
//   where 402 is outside OpenAI's vocabulary. Retry-After says when the period renews.
import type { LimitsConfig, PriceConfig } from '../config/schema.js';
import { keyAllowsModel, type VerifiedApiKey } from '../identity/api-keys.js';
import { forbidden, unauthorized, type SalonError } from '../lib/errors.js';
import { costUsd, type TokenCounts } from './cost.js';
import { limitScopes } from './limit-scopes.js';
import { refusalError } from './limit-messages.js';
import type { LimitDecision, Limiter } from './limiter.js';
import { modelOpenTo } from './model-access.js';
import type { OrgPolicy, OrgPolicyCache, UserStanding } from './org-policy.js';
import type { UsageLedger } from './usage-ledger.js';

/** Who asks for a generation. */
export interface GovernedCaller {
  /** The user the request acts for; defaults to the key's owner. */
  userId?: string | null;
  apiKey?: VerifiedApiKey;
}

/** One generation to admit: which model, through which endpoint (the ledger's `endpoint`). */
export interface Requested {
  model: string;
  /** `/v1/chat/completions`, …, `chat` for a web chat reply, `arena` for a battle's reply. */
  endpoint: string;
}

/** A generation let through by `admit`; hand it to `settle` once it has ended. */
export interface Admission {
  readonly startedAt: Date;
  readonly userId: string | null;
  readonly apiKeyId: string | null;
  readonly orgId: string | null;
  /** The user's primary team (earliest joined), for the ledger. */
  readonly teamId: string | null;
  readonly model: string;
  readonly endpoint: string;
  /** Undefined for a request refused before the limits were counted. */
  readonly decision?: LimitDecision;
  settled: boolean;
}

/** How a generation ended. Token counts are the upstream's usage. */
export interface UsageOutcome {
  /** The target that served; none when no target answered. */
  target?: string;
  /** The price of that target, for the cost column and USD budgets. */
  price?: PriceConfig;
  promptTokens?: number;
  completionTokens?: number;
  latencyMs: number;
  /** Milliseconds from the request to the first token. */
  ttftMs?: number;
  /** The HTTP status sent (200 for a stream that started, even if it ended in an error). */
  status: number;
  /** The error's code when the generation failed (`upstream_error`, `client_closed`, …). */
  errorCode?: string;
}

/** A route a model list shows. */
export interface ListedModel {
  name: string;
  aliasOf?: string;
}

/** What Governance is built from. */
export interface GovernanceOptions {
  ledger: UsageLedger;
  limiter: Limiter;
  /** salon.yaml's `limits:` section. */
  limits: LimitsConfig;
  /** Quotas, model access and teams; without it only keys and `limits.per_user` apply. */
  policies?: OrgPolicyCache;
  /** The model a name is an alias of, so that an allow-list may name either. */
  aliasOf?: (model: string) => string | undefined;
  /** Closes what the limiter counts in (a Redis connection). */
  closeCounters?: () => Promise<void>;
  now?: () => Date;
  log?: (message: string) => void;
}

/** What admission knows of a caller once resolved. */
interface Resolved {
  userId: string | null;
  apiKey?: VerifiedApiKey;
  standing?: UserStanding;
  policy?: OrgPolicy;
}

/** Admission and metering for every generation. */
export class Governance {
  readonly #ledger: UsageLedger;
  readonly #limiter: Limiter;
  #limits: LimitsConfig;
  readonly #aliasOf: (model: string) => string | undefined;
  readonly #closeCounters: () => Promise<void>;
  readonly #now: () => Date;
  readonly #log: (message: string) => void;
  /** Quotas, model access and teams, cached; invalidate after changing them. */
  readonly policies?: OrgPolicyCache;
  // Counter updates still running, awaited by close().
  readonly #settling = new Set<Promise<void>>();

  constructor(options: GovernanceOptions) {
    this.#ledger = options.ledger;
    this.#limiter = options.limiter;
    this.#limits = options.limits;
    this.policies = options.policies;
    this.#aliasOf = options.aliasOf ?? (() => undefined);
    this.#closeCounters = options.closeCounters ?? (async () => undefined);
    this.#now = options.now ?? (() => new Date());
    this.#log = options.log ?? ((message) => console.error(`salon: ${message}`));
  }

  /**
   * Admits the generations one action needs (one per chat reply, two for an arena battle) as a
   * whole: expiry, allowed models, then rates and budgets, counting each as one request. Calls
   * `onDecision` with the limits' decision, refused or not (rate-limit headers). Throws a
   * SalonError (401, 403 or 429 with `retryAfter`) after writing the refused rows; the caller
   * must not settle them.
   */
  async admit(
    caller: GovernedCaller,
    requested: readonly Requested[],
    onDecision?: (decision: LimitDecision) => void,
  ): Promise<Admission[]> {
    const startedAt = this.#now();
    const resolved = await this.#resolve(caller);
    const key = resolved.apiKey;
    const admissions = requested.map((item): Admission => ({
      startedAt,
      userId: resolved.userId,
      apiKeyId: key?.id ?? null,
      orgId: resolved.standing?.orgId ?? resolved.policy?.org.id ?? key?.orgId ?? null,
      teamId: resolved.standing?.teams[0]?.id ?? null,
      model: item.model,
      endpoint: item.endpoint,
      settled: false,
    }));
    if (key?.expiresAt && Date.parse(key.expiresAt) <= startedAt.getTime()) {
      this.#refuse(admissions, unauthorized('This API key has expired.', 'expired_api_key'));
    }
    for (const { model } of requested) {
      const denied = this.#accessError(resolved, model);
      if (denied) this.#refuse(admissions, denied);
    }
    const scopes = limitScopes(
      {
        userId: resolved.userId,
        apiKey: key,
        org: resolved.policy?.org,
        teams: resolved.standing?.teams,
        quotas: resolved.policy?.quotas,
      },
      this.#limits,
    );
    const decision = await this.#limiter.admit(scopes, requested.length);
    onDecision?.(decision);
    // Each field written out rather than spread: copying by spread took ~2 µs a request.
    const admitted = admissions.map((admission): Admission => ({
      startedAt: admission.startedAt,
      userId: admission.userId,
      apiKeyId: admission.apiKeyId,
      orgId: admission.orgId,
      teamId: admission.teamId,
      model: admission.model,
      endpoint: admission.endpoint,
      decision,
      settled: admission.settled,
    }));
    if (decision.refusal) this.#refuse(admitted, refusalError(decision.refusal, decision.at));
    return admitted;
  }

  /** The models of `routes` the caller may use (the key's allow-list and the teams' access). */
  async allowedModels<T extends ListedModel>(
    caller: GovernedCaller,
    routes: readonly T[],
  ): Promise<T[]> {
    const resolved = await this.#resolve(caller);
    return routes.filter((route) => !this.#accessError(resolved, route.name, route.aliasOf));
  }

  /**
   * After the generation has ended, however it ended: writes the ledger row and adds the tokens
   * and cost to the caller's counters. Never throws; a second call is ignored.
   */
  settle(admission: Admission, outcome: UsageOutcome): void {
    if (admission.settled) return;
    admission.settled = true;
    try {
      const tokens = {
        promptTokens: outcome.promptTokens ?? 0,
        completionTokens: outcome.completionTokens ?? 0,
      };
      const cost = costUsd(outcome.price, tokens);
      this.#record(admission, outcome, tokens, cost);
      // Nothing to count for a caller no limit applies to: no promise chain per request.
      if (!admission.decision?.scopes.length) return;
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

  /** Writes the usage ledger's queued rows now (erasure anonymises the user's rows right after). */
  flushUsage(): Promise<void> {
    return this.#ledger.flush();
  }

  /** Waits for counter updates, writes the ledger's queue and closes the counters. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.#settling]);
    await this.#ledger.close();
    await this.#closeCounters();
  }

  async #resolve(caller: GovernedCaller): Promise<Resolved> {
    const key = caller.apiKey;
    const userId = caller.userId ?? key?.userId ?? null;
    const standing = userId ? await this.policies?.standing(userId) : undefined;
    const orgId = standing?.orgId ?? key?.orgId ?? null;
    const policy = orgId ? await this.policies?.policy(orgId) : undefined;
    return { userId, apiKey: key, standing, policy };
  }

  #accessError(
    resolved: Resolved,
    model: string,
    aliasOf = this.#aliasOf(model),
  ): SalonError | undefined {
    const key = resolved.apiKey;
    if (key && !keyAllowsModel(key.limits, model, aliasOf)) {
      const allowed = key.limits.models?.join(', ');
      const message = `This API key may not use the model '${model}' (it may use: ${allowed}).`;
      return forbidden(message, 'model_not_allowed');
    }
    const { policy, standing } = resolved;
    if (!policy) return undefined;
    // A key without a user is the organisation's own, like its admins (docs/quotas.md); a user
    // the store no longer knows gets a member's rights, never more.
    const caller = {
      role: standing?.role ?? (resolved.userId ? 'member' : null),
      teamIds: standing?.teams.map((t) => t.id) ?? [],
    };
    if (modelOpenTo(policy.modelAccess, caller, model, aliasOf)) return undefined;
    return forbidden(
      `The model '${model}' is open only to some teams of ${policy.org.name}, and you are in none ` +
        'of them: ask an owner or admin of your organisation for access.',
      'model_not_allowed',
    );
  }

  #refuse(admissions: Admission[], error: SalonError): never {
    for (const admission of admissions) {
      admission.settled = true;
      const latencyMs = this.#now().getTime() - admission.startedAt.getTime();
      this.#record(admission, { latencyMs, status: error.status, errorCode: error.code });
    }
    throw error;
  }

  /** The ledger row; `tokens` and `cost` replace the outcome's counts where given. */
  #record(
    admission: Admission,
    outcome: UsageOutcome,
    tokens?: TokenCounts,
    cost: number | null = null,
  ): void {
    this.#ledger.record({
      createdAt: admission.startedAt,
      userId: admission.userId,
      apiKeyId: admission.apiKeyId,
      orgId: admission.orgId,
      teamId: admission.teamId,
      endpoint: admission.endpoint,
      model: admission.model,
      target: outcome.target ?? null,
      promptTokens: tokens ? tokens.promptTokens : outcome.promptTokens,
      completionTokens: tokens ? tokens.completionTokens : outcome.completionTokens,
      costUsd: cost,
      latencyMs: outcome.latencyMs,
      ttftMs: outcome.ttftMs ?? null,
      status: outcome.status,
      errorCode: outcome.errorCode ?? null,
    });
  }
}
