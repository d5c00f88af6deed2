// OpenAI's rate-limit headers, on every /v1 answer a limit applies to (successes included), so
// clients can pace themselves before they meet a 429:
//   x-ratelimit-{limit,remaining,reset}-{requests,tokens}
// Resets are durations in OpenAI's (Go's) notation: `12ms`, `1s`, `6m0s`, `1h2m3.5s`.
import type { FastifyReply } from 'fastify';
import type { LimitDecision, RateStatus } from '../governance/limiter.js';

/** Sets the headers of each rate that limits the request's caller. */
export function setRateLimitHeaders(reply: FastifyReply, decision: LimitDecision): void {
  setRate(reply, 'requests', decision.requests);
  setRate(reply, 'tokens', decision.tokens);
}

function setRate(reply: FastifyReply, unit: 'requests' | 'tokens', status?: RateStatus): void {
  if (!status) return;
  reply.header(`x-ratelimit-limit-${unit}`, String(status.limit));
  reply.header(`x-ratelimit-remaining-${unit}`, String(status.remaining));
  reply.header(`x-ratelimit-reset-${unit}`, formatDuration(status.resetMs));
}

/** A duration as OpenAI writes it: `0s`, `250ms`, `1.5s`, `6m0s`, `2h0m0s`. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms));
  if (total === 0) return '0s';
  if (total < 1_000) return `${total}ms`;
  const hours = Math.floor(total / 3_600_000);
  const minutes = Math.floor((total % 3_600_000) / 60_000);
  const seconds = `${Number(((total % 60_000) / 1_000).toFixed(3))}s`;
  if (hours) return `${hours}h${minutes}m${seconds}`;
  return minutes ? `${minutes}m${seconds}` : seconds;
}
