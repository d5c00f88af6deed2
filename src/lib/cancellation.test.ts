import { describe, expect, it } from 'vitest';
import { Canceller, toAbortSignal } from './cancellation.js';

describe('Canceller', () => {
  it('calls each listener still added once, with an AbortError as the reason', () => {
    const canceller = new Canceller();
    const calls: string[] = [];
    const removed = () => calls.push('removed');
    canceller.addEventListener('abort', () => calls.push('kept'));
    canceller.addEventListener('abort', removed);
    canceller.removeEventListener('abort', removed);
    canceller.abort();
    canceller.abort();
    expect(calls).toEqual(['kept']);
    expect(canceller.aborted).toBe(true);
    expect((canceller.reason as DOMException).name).toBe('AbortError');
  });

  it('gives a real AbortSignal that aborts with it, made before or after', () => {
    const early = new Canceller();
    const signal = early.signal;
    expect(signal.aborted).toBe(false);
    early.abort();
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe(early.reason);
    const late = new Canceller();
    late.abort();
    expect(late.signal.aborted).toBe(true);
  });
});

describe('toAbortSignal', () => {
  it('passes an AbortSignal through and follows any other cancellation', () => {
    const controller = new AbortController();
    expect(toAbortSignal(controller.signal)).toBe(controller.signal);
    expect(toAbortSignal(undefined)).toBeUndefined();
    const canceller = new Canceller();
    const signal = toAbortSignal(canceller)!;
    canceller.abort();
    expect(signal.aborted).toBe(true);
  });
});
