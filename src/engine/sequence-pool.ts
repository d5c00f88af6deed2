// Hands the context's sequences to requests: a free one at once, preferring the sequence whose
// cached tokens share the longest prefix with the new prompt; otherwise a place in a FIFO queue,
// waited on for a bounded time. The queue itself is bounded too: past `maxQueue` waiting
// requests a new one is refused at once (503 with Retry-After), so a flood of requests costs
// memory and latency for nobody but the refused.
import type { Token } from 'node-llama-cpp';
import { unavailable } from '../lib/errors.js';

/** What the pool needs of a sequence: how far its cached tokens match a prompt. */
export interface PooledSequence {
  compareContextTokens(tokens: Token[]): { firstDifferentIndex: number };
}

interface Waiter<S> {
  resolve(sequence: S | undefined): void;
  reject(error: unknown): void;
}

/** A fixed set of sequences shared by concurrent requests. */
export class SequencePool<S extends PooledSequence> {
  private readonly free: S[];
  private readonly waiters: Waiter<S>[] = [];
  private closed = false;

  constructor(
    sequences: readonly S[],
    /** How long a request waits for a sequence before failing with a retryable 503. */
    private readonly timeoutMs: number,
    /** Most requests waiting at once; one more is refused with a retryable 503. */
    private readonly maxQueue = Infinity,
  ) {
    this.free = [...sequences];
  }

  /** Requests waiting for a sequence (for backpressure). */
  get queueLength(): number {
    return this.waiters.length;
  }

  /** Sequences free right now. */
  get available(): number {
    return this.free.length;
  }

  /** A sequence for this prompt; undefined when `signal` aborts the wait. */
  acquire(prompt: Token[], signal?: AbortSignal): Promise<S | undefined> {
    if (this.closed) return Promise.reject(unavailable('The model is closed.'));
    if (signal?.aborted) return Promise.resolve(undefined);
    const sequence = this.takeBestFor(prompt);
    if (sequence) return Promise.resolve(sequence);
    if (this.waiters.length >= this.maxQueue) {
      return Promise.reject(
        unavailable(
          `All sequences of the model are busy and ${this.waiters.length} requests are waiting: retry shortly.`,
          1,
          'engine_overloaded',
        ),
      );
    }
    return new Promise<S | undefined>((resolve, reject) => {
      const onAbort = () => settle(() => resolve(undefined));
      const timer = setTimeout(
        () =>
          settle(() =>
            reject(
              unavailable(
                `All sequences of the model stayed busy for ${Math.round(this.timeoutMs / 1000)} s.`,
                1,
                'engine_busy',
              ),
            ),
          ),
        this.timeoutMs,
      );
      const waiter: Waiter<S> = {
        resolve: (value) => settle(() => resolve(value)),
        reject: (error) => settle(() => reject(error)),
      };
      const settle = (finish: () => void) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        const index = this.waiters.indexOf(waiter);
        if (index >= 0) this.waiters.splice(index, 1);
        finish();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  /** Gives a sequence back: to the longest-waiting request, or to the free list. */
  release(sequence: S): void {
    const waiter = this.waiters[0];
    if (waiter && !this.closed) waiter.resolve(sequence);
    else this.free.push(sequence);
  }

  /** Fails every waiting request; later acquires fail too. */
  close(): void {
    this.closed = true;
    for (const waiter of [...this.waiters]) waiter.reject(unavailable('The model was closed.'));
  }

  private takeBestFor(prompt: Token[]): S | undefined {
    let bestIndex = -1;
    let bestLength = -1;
    for (let index = 0; index < this.free.length; index++) {
      const shared = this.free[index]!.compareContextTokens(prompt).firstDifferentIndex;
      if (shared > bestLength) {
        bestLength = shared;
        bestIndex = index;
      }
    }
    return bestIndex < 0 ? undefined : this.free.splice(bestIndex, 1)[0];
  }
}
