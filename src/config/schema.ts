// The shape of salon.yaml (DESIGN.md, "Contracts"). Provider types are checked by hand
// before zod so that an unknown type gets a message naming the valid ones.
import { z } from 'zod';
import { parseUpstreamAllowEntry } from '../lib/upstream-allow-list.js';

/** Provider types Salon can talk to. */
export const providerTypes = ['openai', 'azure-openai', 'llama'] as const;

/** A provider type name. */
export type ProviderType = (typeof providerTypes)[number];

const seconds = z.number().positive();

/** Per-request time limits for an HTTP upstream, in seconds. */
const timeoutsSchema = z.strictObject({
  /** To open the connection. */
  connect: seconds.optional(),
  /** From sending the request to the response headers (for a stream, its first byte). */
  first_token: seconds.optional(),
  /** Between two chunks of a streamed response. */
  idle: seconds.optional(),
});

const httpProviderFields = {
  base_url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
  api_key: z.string().optional(),
  headers: z.record(z.string(), z.string()).optional(),
  /** Seconds to wait for the upstream's response headers (same as timeouts.first_token). */
  timeout: seconds.optional(),
  timeouts: timeoutsSchema.optional(),
  /**
   * Allow link-local and cloud-metadata addresses (169.254.0.0/16, fd00:ec2::254, …), which
   * Salon otherwise refuses on every connection and redirect.
   */
  allow_link_local: z.boolean().optional(),
};

const openaiProvider = z.strictObject({
  type: z.literal('openai'),
  ...httpProviderFields,
});

const azureOpenaiProvider = z.strictObject({
  type: z.literal('azure-openai'),
  /** The resource endpoint, e.g. https://my-resource.openai.azure.com */
  ...httpProviderFields,
  api_version: z.string().min(1).default('2024-10-21'),
  /** Model name (a target's `model`) → deployment name; unlisted models use their own name. */
  deployments: z.record(z.string(), z.string().min(1)).optional(),
});

const llamaProvider = z.strictObject({
  type: z.literal('llama'),
  model_path: z.string().min(1),
  context_size: z.number().int().positive().optional(),
  sequences: z.number().int().min(1).max(64).optional(),
  threads: z.number().int().min(1).optional(),
  gpu: z.union([z.literal('auto'), z.literal(false)]).optional(),
  /** Requests that may wait for a busy sequence; more get a 503 at once (default 16). */
  queue: z.number().int().min(0).max(10_000).optional(),
});

/** One provider entry under `providers:`. */
export const providerSchema = z.discriminatedUnion('type', [
  openaiProvider,
  azureOpenaiProvider,
  llamaProvider,
]);

/** USD per million tokens, for the usage ledger's cost column. */
const priceSchema = z.strictObject({
  input: z.number().min(0),
  output: z.number().min(0),
});

const targetSchema = z.strictObject({
  provider: z.string().min(1),
  model: z.string().min(1).optional(),
  /** This target's share of first picks under `balance: weighted` (default 1); `latency` ignores it. */
  weight: z.number().positive().optional(),
  price: priceSchema.optional(),
});

const modelSchema = z.strictObject({
  name: z.string().min(1),
  targets: z.array(targetSchema).min(1),
  fallbacks: z.array(z.string().min(1)).optional(),
  /**
   * How a request picks among targets: `latency` (default) prefers the target with the fewest
   * requests in flight weighted by its observed latency; `weighted` spreads by `weight`.
   */
  balance: z.enum(['latency', 'weighted']).optional(),
  /** Price for targets that do not give their own. */
  price: priceSchema.optional(),
});

/** How the router retries and when it stops sending to a failing target. */
const routerSchema = z.strictObject({
  /** Further attempts after the first, across targets and fallbacks. */
  retries: z.number().int().min(0).max(10).default(2),
  backoff: z
    .strictObject({
      /** First wait before a retry, doubled on each further one. */
      initial_ms: z.number().int().min(0).default(100),
      /** Longest wait, Retry-After included; a longer Retry-After skips the target instead. */
      max_ms: z.number().int().min(0).default(5000),
    })
    .prefault({}),
  breaker: z
    .strictObject({
      /** Consecutive failures that open a target's breaker. */
      failures: z.number().int().min(1).default(5),
      /** Seconds an open breaker waits before letting one trial request through. */
      cooldown: seconds.default(30),
    })
    .prefault({}),
  /** Defaults for every HTTP provider that does not set its own. */
  timeouts: timeoutsSchema.optional(),
});

const positiveCount = z.number().int().positive().max(2_147_483_647);

/** Tokens and/or US dollars a caller may spend per UTC day or calendar month. */
const budgetSchema = z
  .strictObject({
    tokens: positiveCount.optional(),
    usd: z.number().positive().optional(),
    /** When the budget starts over, in UTC. */
    period: z.enum(['day', 'month']).default('month'),
  })
  .refine((budget) => budget.tokens !== undefined || budget.usd !== undefined, {
    error: 'give tokens, usd or both',
  });

/** Rates and a budget; anything left out is unlimited. */
const callerLimitsSchema = z.strictObject({
  /** Requests per minute. */
  rpm: positiveCount.optional(),
  /** Tokens (prompt + completion) per minute. */
  tpm: positiveCount.optional(),
  budget: budgetSchema.optional(),
});

/** Attempts per client address in a window (sign-in, sign-up, invitations, SSO start). */
const perIpSchema = z.strictObject({
  requests: positiveCount,
  window_seconds: z.number().int().min(1).max(86_400),
});

/**
 * Limits on /v1 callers (a key's own limits, `salon keys create --rpm …`, apply as well) and on
 * what any request may ask for. Defaults: src/server/request-limits.ts.
 */
const limitsSchema = z.strictObject({
  /** Applied to each user, over all of their API keys. */
  per_user: callerLimitsSchema.optional(),
  /** Largest max_tokens / max_completion_tokens (default 32768, or the model's context if smaller). */
  max_tokens: positiveCount.optional(),
  /** Largest n, choices per request (default 8). */
  n: z.number().int().min(1).max(128).optional(),
  /** Per client address, over sign-in, sign-up, invitation accept and SSO start (default 60 / 10 min). */
  sign_in_per_ip: perIpSchema.optional(),
  /** Seconds a stream may wait on a client that does not read before dropping it (default 30). */
  stream_stall_seconds: seconds.optional(),
});

/** The retention job: deletes conversations past their organisation's policy, and idle temporary chats. */
const retentionSchema = z.strictObject({
  /** A temporary chat is deleted by the first run after it has been idle this long. */
  temporary_idle_minutes: z.number().int().min(1).max(525_600).default(60),
  /** Minutes between two runs of the job in `salon serve` (the first runs shortly after start). */
  interval_minutes: z.number().int().min(1).max(1440).default(10),
});

/** An IP address, CIDR range or host name, optionally with `:port` (lib/upstream-allow-list.ts). */
const upstreamAllowEntry = z.string().superRefine((entry, context) => {
  try {
    parseUpstreamAllowEntry(entry);
  } catch (error) {
    context.addIssue({ code: 'custom', message: (error as Error).message });
  }
});

/** Outbound connections to URLs typed into the web UI (docs/security.md, "Upstream URLs"). */
const securitySchema = z.strictObject({
  /**
   * The loopback and private addresses that providers connected from the web UI and single
   * sign-on issuers may reach (salon.yaml providers reach them without being listed).
   * SALON_UPSTREAM_ALLOW adds entries.
   */
  upstream_allow: z.array(upstreamAllowEntry).default([]),
});

/** The whole salon.yaml. */
export const configSchema = z.strictObject({
  providers: z.record(z.string(), providerSchema).default({}),
  models: z.array(modelSchema).default([]),
  router: routerSchema.prefault({}),
  limits: limitsSchema.prefault({}),
  retention: retentionSchema.prefault({}),
  security: securitySchema.prefault({}),
});

/** The config when there is no salon.yaml. */
export function emptyConfig(): SalonConfig {
  return configSchema.parse({});
}

/** salon.yaml after validation. */
export type SalonConfig = z.infer<typeof configSchema>;
/** One validated provider entry. */
export type ProviderConfig = z.infer<typeof providerSchema>;
/** A provider entry of type `openai`. */
export type OpenAIProviderConfig = z.infer<typeof openaiProvider>;
/** A provider entry of type `azure-openai`. */
export type AzureOpenAIProviderConfig = z.infer<typeof azureOpenaiProvider>;
/** A provider entry of type `llama`. */
export type LlamaProviderConfig = z.infer<typeof llamaProvider>;
/** One model entry under `models:`. */
export type ModelConfig = z.infer<typeof modelSchema>;
/** One target of a model. */
export type TargetConfig = z.infer<typeof targetSchema>;
/** The `router:` section with defaults filled in. */
export type RouterConfig = z.infer<typeof routerSchema>;
/** Time limits for an HTTP upstream, in seconds. */
export type TimeoutsConfig = z.infer<typeof timeoutsSchema>;
/** USD per million input and output tokens. */
export type PriceConfig = z.infer<typeof priceSchema>;
/** The `limits:` section. */
export type LimitsConfig = z.infer<typeof limitsSchema>;
/** The `retention:` section with defaults filled in. */
export type RetentionConfig = z.infer<typeof retentionSchema>;
/** The `security:` section with defaults filled in. */
export type SecurityConfig = z.infer<typeof securitySchema>;
/** Rates and a budget for one kind of caller (`limits.per_user`). */
export type CallerLimitsConfig = z.infer<typeof callerLimitsSchema>;
