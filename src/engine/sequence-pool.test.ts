import type { Token } from 'node-llama-cpp';
import { describe, expect, it } from 'vitest';
import { isSalonError } from '../lib/errors.js';
import { SequencePool } from './sequence-pool.js';

/** A stand-in sequence whose cache holds `cached`. */
function fakeSequence(name: string, cached: number[] = []) {
  return {
    name,
    compareContextTokens(tokens: Token[]) {
      let index = 0;
      while (index < cached.length && cached[index] === tokens[index]) index++;
      return { firstDifferentIndex: index };
    },
  };
}

const tokens = (...values: number[]) => values as Token[];

describe('SequencePool', () => {
  it('hands out the free sequence whose cache shares the longest prefix', async () => {
    const pool = new SequencePool(
      [fakeSequence('empty'), fakeSequence('long', [1, 2, 3, 4]), fakeSequence('short', [1, 2])],
      1000,
    );
    expect((await pool.acquire(tokens(1, 2, 3, 9)))?.name).toBe('long');
    expect((await pool.acquire(tokens(1, 2, 3, 9)))?.name).toBe('short');
    expect(pool.available).toBe(1);
  });

  it('queues requests in order when every sequence is busy', async () => {
    const only = fakeSequence('only');
    const pool = new SequencePool([only], 1000);
    const held = await pool.acquire(tokens(1));
    const order: string[] = [];
    const first = pool.acquire(tokens(1)).then(() => order.push('first'));
    const second = pool.acquire(tokens(1)).then(() => order.push('second'));
    expect(pool.queueLength).toBe(2);
    pool.release(held!);
    await first;
    expect(pool.queueLength).toBe(1);
    pool.release(only);
    await second;
    expect(order).toEqual(['first', 'second']);
    expect(pool.queueLength).toBe(0);
  });

  it('leaves the queue with undefined when the wait is aborted', async () => {
    const pool = new SequencePool([fakeSequence('only')], 1000);
    const held = await pool.acquire(tokens(1));
    const controller = new AbortController();
    const waiting = pool.acquire(tokens(1), controller.signal);
    controller.abort();
    await expect(waiting).resolves.toBeUndefined();
    expect(pool.queueLength).toBe(0);
    pool.release(held!);
    expect(pool.available).toBe(1);
  });

  it('refuses at once, with a retryable 503, a request past the bounded queue', async () => {
    const only = fakeSequence('only');
    const pool = new SequencePool([only], 60_000, 1);
    const held = await pool.acquire(tokens(1));
    const waiting = pool.acquire(tokens(1));
    const refused = await pool.acquire(tokens(1)).catch((error: unknown) => error);
    expect(isSalonError(refused) && refused).toMatchObject({
      status: 503,
      code: 'engine_overloaded',
      retryAfter: 1,
      isRetryable: true,
    });
    expect(pool.queueLength).toBe(1);
    pool.release(held!);
    expect((await waiting)?.name).toBe('only');
  });

  it('fails a long wait with a retryable 503', async () => {
    const pool = new SequencePool([fakeSequence('only')], 20);
    await pool.acquire(tokens(1));
    const error = await pool.acquire(tokens(1)).catch((caught: unknown) => caught);
    expect(isSalonError(error) && error.status === 503 && error.isRetryable).toBe(true);
    expect(pool.queueLength).toBe(0);
  });

  it('fails waiting and later requests once closed', async () => {
    const pool = new SequencePool([fakeSequence('only')], 1000);
    await pool.acquire(tokens(1));
    const waiting = pool.acquire(tokens(1));
    pool.close();
    await expect(waiting).rejects.toMatchObject({ status: 503 });
    await expect(pool.acquire(tokens(1))).rejects.toMatchObject({ status: 503 });
  });
});
