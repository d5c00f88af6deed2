// A window limit per client address on the routes that create sessions or accounts (sign-in,
// sign-up, invitation accept, SSO start). The per-email limiter (identity/login-limiter.ts)
// stops guessing one account's password; this one stops one address from trying many accounts
// or flooding sign-ups. The counters are the governance's: in Redis when REDIS_URL is set, so
// the limit holds across replicas. Every attempt counts, successful or not.
import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { rateLimited } from '../lib/errors.js';
import type { ServerContext } from './context.js';
import { requestLimits } from './request-limits.js';

/** Counters name prefix: one window per address, shared by every sign-in route. */
const counterPrefix = 'ip:sign-in:';

/** A preHandler that counts the attempt and throws 429 with Retry-After past the limit. */
export function signInPerIpLimit(context: ServerContext) {
  const { requests, windowMs } = requestLimits(context.settings.config.limits).signInPerIp;
  return async (request: FastifyRequest): Promise<void> => {
    // Hashed so that Redis lists no client address.
    const address = createHash('sha256').update(request.ip).digest('base64url').slice(0, 22);
    const result = await context.governance.counters.take([
      { name: counterPrefix + address, limit: requests, amount: 1, windowMs },
    ]);
    if (result.allowed) return;
    const retryAfter = Math.max(1, Math.ceil(result.states[0]!.resetMs / 1000));
    throw rateLimited(
      `Too many sign-in attempts from this address. Try again in ${Math.ceil(retryAfter / 60)} minutes.`,
      retryAfter,
      'too_many_attempts',
    );
  };
}
