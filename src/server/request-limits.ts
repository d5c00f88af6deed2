// What any single request may ask of Salon, whoever sends it: how many tokens and choices a
// generation may request, how many sign-in attempts one address may make, and how long a
// stream waits on a client that stopped reading. salon.yaml's `limits:` sets them; these are
// the defaults (docs/security.md, "Protections").
import type { LimitsConfig } from '../config/schema.js';
import type { Gateway } from '../gateway/gateway.js';
import { badRequest } from '../lib/errors.js';

/** The protections in force, with defaults filled in. */
export interface RequestLimits {
  /** Largest max_tokens / max_completion_tokens. */
  maxTokens: number;
  /** Largest n. */
  n: number;
  /** Attempts per client address over the sign-in routes, per window. */
  signInPerIp: { requests: number; windowMs: number };
  /** How long a stream waits for a client to read before dropping it. */
  streamStallMs: number;
}

/** Defaults: generous for any real use, small enough that one request cannot hog a model. */
export const defaultRequestLimits: RequestLimits = {
  maxTokens: 32_768,
  n: 8,
  signInPerIp: { requests: 60, windowMs: 10 * 60_000 },
  streamStallMs: 30_000,
};

/** `limits:` of salon.yaml with defaults for what it leaves out. */
export function requestLimits(limits: LimitsConfig): RequestLimits {
  const perIp = limits.sign_in_per_ip;
  return {
    maxTokens: limits.max_tokens ?? defaultRequestLimits.maxTokens,
    n: limits.n ?? defaultRequestLimits.n,
    signInPerIp: perIp
      ? { requests: perIp.requests, windowMs: perIp.window_seconds * 1000 }
      : defaultRequestLimits.signInPerIp,
    streamStallMs:
      limits.stream_stall_seconds !== undefined
        ? limits.stream_stall_seconds * 1000
        : defaultRequestLimits.streamStallMs,
  };
}

/**
 * The max_tokens cap for `model`: the configured one, or the model's context when every target
 * is the embedded engine with a smaller `context_size` (it could never produce more).
 */
export function maxTokensFor(gateway: Gateway, model: string, configured: number): number {
  // Looked up by name, not through listModels() and listProviders(), which build and sort
  // arrays of every model and provider: this runs on every /v1 request.
  const route = gateway.modelRoute(model);
  if (!route) return configured;
  let largestContext = 0;
  for (const target of route.targets) {
    const config = gateway.providerConfig(target.provider);
    if (config?.type !== 'llama' || config.context_size === undefined) return configured;
    largestContext = Math.max(largestContext, config.context_size);
  }
  return largestContext > 0 ? Math.min(configured, largestContext) : configured;
}

/**
 * Checks `max_tokens`, `max_completion_tokens` and `n` of a generation body: each, when given,
 * a positive integer within its cap. Throws a 400 naming the parameter.
 */
export function checkGenerationCaps(
  body: Record<string, unknown>,
  caps: { maxTokens: number; n: number },
): void {
  for (const param of ['max_tokens', 'max_completion_tokens'] as const) {
    checkCount(body[param], param, caps.maxTokens);
  }
  checkCount(body.n, 'n', caps.n);
}

function checkCount(value: unknown, param: string, cap: number): void {
  if (value === undefined || value === null) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw badRequest(`${param} must be a positive integer.`, param, 'invalid_value');
  }
  if (value > cap) {
    throw badRequest(
      `${param} is ${value}; this server allows at most ${cap}.`,
      param,
      'limit_exceeded',
    );
  }
}
