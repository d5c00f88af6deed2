// What the router does after a failed attempt: whether another target (or the same one later)
// may help, whether the failure is the target's fault, and how long to wait.
import type { RouterConfig } from '../../config/schema.js';
import type { Cancellation } from '../../lib/cancellation.js';
import { isSalonError } from '../../lib/errors.js';

/** The retry settings of `router:`, in the units the router uses. */
export interface RetryPolicy {
  /** Further attempts after the first, across targets and fallbacks. */
  retries: number;
  /** The first backoff's upper bound, doubled on each further one. */
  initialMs: number;
  /** The longest wait; a longer Retry-After skips the target for the request instead. */
  maxMs: number;
}

/** The retry policy a validated `router:` section describes. */
export function retryPolicyFrom(config: Pick<RouterConfig, 'retries' | 'backoff'>): RetryPolicy {
  return {
    retries: config.retries,
    initialMs: config.backoff.initial_ms,
    maxMs: config.backoff.max_ms,
  };
}

/** What one failed attempt means for the request and for the target. */
export interface FailureVerdict {
  /** Another attempt (another target, or this one later) may succeed. */
  retry: boolean;
  /** The target is at fault: it counts towards its breaker and failure count. */
  blameTarget: boolean;
  /** The upstream asked not to be sent anything for this long. */
  retryAfterMs?: number;
}

/** HTTP statuses from an upstream that another attempt may get past (as OpenAI's SDKs retry). */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

// Transport failures: the request may never have reached the upstream, or the upstream died.
const networkCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/**
 * Judges a failed attempt. The client going away ends the request and blames nobody. A
 * SalonError follows its `isRetryable` (the provider decided from the status: 408, 409, 429,
 * 5xx, connect errors and timeouts are retryable) and blames the target for those statuses
 * only: another 4xx is the request's fault, or a target that can't serve this kind of request
 * (retryable, so the next target gets it, but no reason to cut the target off). Raw transport
 * errors and timeouts are retryable. Anything else is a bug somewhere: not retried, so it is
 * not hidden.
 */
export function judgeFailure(error: unknown, signal?: Cancellation): FailureVerdict {
  if (signal?.aborted) return { retry: false, blameTarget: false };
  if (isSalonError(error)) {
    const blameTarget = error.status >= 500 || isRetryableStatus(error.status);
    if (!error.isRetryable) return { retry: false, blameTarget };
    const retryAfterMs = error.retryAfter === undefined ? undefined : error.retryAfter * 1000;
    return { retry: true, blameTarget, retryAfterMs };
  }
  if (isTransportFailure(error)) return { retry: true, blameTarget: true };
  return { retry: false, blameTarget: false };
}

function isTransportFailure(error: unknown): boolean {
  for (let cause = error, depth = 0; cause && depth < 4; depth++) {
    const { code, name } = cause as { code?: unknown; name?: unknown };
    if (typeof code === 'string' && networkCodes.has(code)) return true;
    if (name === 'TimeoutError') return true;
    cause = (cause as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * The wait before the `retryIndex`-th backoff (0 for the first): "full jitter", uniformly
 * random between 0 and min(maxMs, initialMs × 2^retryIndex), so that clients that failed
 * together do not come back together.
 */
export function backoffDelay(
  retryIndex: number,
  policy: Pick<RetryPolicy, 'initialMs' | 'maxMs'>,
  random: () => number,
): number {
  const ceiling = Math.min(policy.maxMs, policy.initialMs * 2 ** retryIndex);
  return Math.floor(random() * ceiling);
}
