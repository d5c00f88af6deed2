// Ends an attempt with the stream it produced: the router learns whether a target served a
// response to its end or died mid-stream, and the target's in-flight slot is freed when the
// stream stops for any reason.
import type { Attempt } from './attempt-plan.js';

/** The outcome calls of an attempt that a stream reports. */
export type StreamOutcome = Pick<
  Attempt<unknown, unknown>,
  'firstToken' | 'succeeded' | 'failed' | 'released'
>;

/**
 * Passes `stream` through. Its end marks the attempt succeeded; an error marks it failed (and
 * is rethrown); the consumer stopping early (`return`, a `break` in `for await`) releases it
 * without a verdict. The first item for which `isContent` holds marks the first token.
 * Consume or `return()` the result: a stream nobody reads holds its slot until the request's
 * signal aborts.
 */
export function trackStream<T>(
  stream: AsyncIterable<T>,
  attempt: StreamOutcome,
  isContent: (item: T) => boolean = () => true,
): AsyncGenerator<T, void, undefined> {
  return trackStarted(undefined, stream[Symbol.asyncIterator](), attempt, isContent);
}

/**
 * As `trackStream`, over a stream whose first result was already read (`first`, to commit to
 * its target) from `iterator`: one generator rather than a second one to put it back.
 */
export async function* trackStarted<T>(
  first: IteratorResult<T> | undefined,
  iterator: AsyncIterator<T>,
  attempt: StreamOutcome,
  isContent: (item: T) => boolean = () => true,
): AsyncGenerator<T, void, undefined> {
  let ended = false;
  let sawContent = false;
  let pending = first;
  try {
    for (;;) {
      let next: IteratorResult<T>;
      if (pending) {
        next = pending;
        pending = undefined;
      } else {
        try {
          next = await iterator.next();
        } catch (error) {
          // Only the upstream's own errors blame the target, not one thrown into this generator.
          ended = true;
          attempt.failed(error);
          throw error;
        }
      }
      if (next.done) {
        ended = true;
        attempt.succeeded();
        return;
      }
      if (!sawContent && isContent(next.value)) {
        sawContent = true;
        attempt.firstToken();
      }
      yield next.value;
    }
  } finally {
    if (!ended) {
      attempt.released();
      await iterator.return?.();
    }
  }
}
