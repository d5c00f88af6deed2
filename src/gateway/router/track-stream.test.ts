import { describe, expect, it } from 'vitest';
import { upstreamError } from '../../lib/errors.js';
import { trackStream, type StreamOutcome } from './track-stream.js';

function recorder() {
  const calls: string[] = [];
  const outcome: StreamOutcome = {
    firstToken: () => calls.push('firstToken'),
    succeeded: () => calls.push('succeeded'),
    failed: (error) => {
      calls.push(`failed: ${(error as Error).message}`);
      return false;
    },
    released: () => calls.push('released'),
  };
  return { calls, outcome };
}

async function* upstream(items: string[], failAfter?: Error): AsyncGenerator<string> {
  try {
    yield* items;
    if (failAfter) throw failAfter;
  } finally {
    closed.push(items.join(''));
  }
}
const closed: string[] = [];

async function drain(stream: AsyncIterable<string>): Promise<string[]> {
  const seen: string[] = [];
  for await (const item of stream) seen.push(item);
  return seen;
}

describe('trackStream', () => {
  it('passes items through and marks the attempt succeeded at the end', async () => {
    const { calls, outcome } = recorder();
    const items = await drain(trackStream(upstream(['', 'Bon', 'jour']), outcome, Boolean));
    expect(items).toEqual(['', 'Bon', 'jour']);
    // The empty first item (a role-only chunk) is not the first token.
    expect(calls).toEqual(['firstToken', 'succeeded']);
  });

  it('marks the attempt failed when the upstream dies mid-stream, and rethrows', async () => {
    const { calls, outcome } = recorder();
    const cut = upstreamError('provider closed the connection', true);
    await expect(drain(trackStream(upstream(['a'], cut), outcome))).rejects.toBe(cut);
    expect(calls).toEqual(['firstToken', 'failed: provider closed the connection']);
  });

  it('releases the attempt and closes the upstream when the consumer stops early', async () => {
    const { calls, outcome } = recorder();
    for await (const item of trackStream(upstream(['x', 'y', 'z']), outcome)) {
      if (item === 'x') break;
    }
    expect(calls).toEqual(['firstToken', 'released']);
    expect(closed).toContain('xyz');
  });

  it('does not blame the upstream for an error thrown into the stream by its consumer', async () => {
    const { calls, outcome } = recorder();
    const stream = trackStream(upstream(['x', 'y']), outcome);
    await stream.next();
    await expect(stream.throw(new Error('consumer bug'))).rejects.toThrow('consumer bug');
    expect(calls).toEqual(['firstToken', 'released']);
  });
});
