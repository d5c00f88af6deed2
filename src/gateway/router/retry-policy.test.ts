import { describe, expect, it } from 'vitest';
import { configSchema } from '../../config/schema.js';
import { badRequest, rateLimited, SalonError, upstreamError } from '../../lib/errors.js';
import { backoffDelay, isRetryableStatus, judgeFailure, retryPolicyFrom } from './retry-policy.js';

describe('retry policy', () => {
  it('reads router: with its defaults', () => {
    const defaults = configSchema.parse({}).router;
    expect(retryPolicyFrom(defaults)).toEqual({ retries: 2, initialMs: 100, maxMs: 5000 });
    const custom = configSchema.parse({
      router: { retries: 4, backoff: { initial_ms: 50, max_ms: 800 } },
    }).router;
    expect(retryPolicyFrom(custom)).toEqual({ retries: 4, initialMs: 50, maxMs: 800 });
  });

  it('retries 408, 409, 429 and 5xx, not other client errors', () => {
    expect([408, 409, 429, 500, 502, 503, 504].every(isRetryableStatus)).toBe(true);
    expect([400, 401, 403, 404, 413, 422].some(isRetryableStatus)).toBe(false);
  });

  it('retries retryable upstream errors and blames the target, with their Retry-After', () => {
    expect(judgeFailure(upstreamError('down', true))).toEqual({
      retry: true,
      blameTarget: true,
      retryAfterMs: undefined,
    });
    expect(judgeFailure(rateLimited('slow down', 2.5))).toEqual({
      retry: true,
      blameTarget: true,
      retryAfterMs: 2500,
    });
  });

  it('neither retries nor blames the target for a bad request', () => {
    expect(judgeFailure(badRequest('bad field', 'messages'))).toEqual({
      retry: false,
      blameTarget: false,
    });
  });

  it('moves on from a target that cannot serve the request without blaming it', () => {
    const unsupported = new SalonError('unsupported', "provider 'x' cannot serve this request", {
      status: 400,
      type: 'invalid_request_error',
      isRetryable: true,
    });
    expect(judgeFailure(unsupported)).toEqual({
      retry: true,
      blameTarget: false,
      retryAfterMs: undefined,
    });
  });

  it('blames the target for a non-retryable 5xx without retrying it', () => {
    const broken = new SalonError('upstream_error', 'in-stream error', {
      status: 502,
      type: 'upstream_error',
    });
    expect(judgeFailure(broken)).toEqual({ retry: false, blameTarget: true });
  });

  it('retries raw connection errors and timeouts, also when wrapped', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(judgeFailure(refused).retry).toBe(true);
    const wrapped = new Error('fetch failed', {
      cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }),
    });
    expect(judgeFailure(wrapped).retry).toBe(true);
    // What AbortSignal.timeout() rejects with.
    expect(judgeFailure(new DOMException('timed out', 'TimeoutError')).retry).toBe(true);
  });

  it('does not retry a programming error, nor anything once the client went away', () => {
    expect(judgeFailure(new TypeError('x is undefined'))).toEqual({
      retry: false,
      blameTarget: false,
    });
    const controller = new AbortController();
    controller.abort();
    expect(judgeFailure(upstreamError('down', true), controller.signal)).toEqual({
      retry: false,
      blameTarget: false,
    });
  });

  it('backs off with full jitter, doubling up to the maximum', () => {
    const policy = { initialMs: 100, maxMs: 1000 };
    const ceilings = [0, 1, 2, 3, 4, 10].map((index) =>
      backoffDelay(index, policy, () => 0.999999),
    );
    expect(ceilings).toEqual([99, 199, 399, 799, 999, 999]);
    expect(backoffDelay(3, policy, () => 0)).toBe(0);
    expect(backoffDelay(1, policy, () => 0.5)).toBe(100);
  });
});
