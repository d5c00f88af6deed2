// Works around a race between node-llama-cpp 3.21 and llama.cpp that swaps logits between
// sequences decoded in the same batch.
//
// llama.cpp may decode a multi-sequence batch in another order than it was submitted; it then
// puts the output rows back in order lazily, on the first logits read after the decode
// (`output_reorder()`, which applies and then clears a list of row swaps). node-llama-cpp reads
// the logits of every sequence of a batch from parallel worker threads, so two reads can apply
// the same swaps twice, and a sequence samples its next token from another sequence's logits:
// concurrent requests then leak into each other's output (measured: 22 runs out of 24 with four
// concurrent sequences on this machine; 0 with this guard). Letting the first read after each
// decode finish before the others start restores correctness; later reads stay parallel.
import type { LlamaContext } from 'node-llama-cpp';

/** The two methods of node-llama-cpp's native context object this guard wraps. */
interface NativeContext {
  decodeBatch(...args: unknown[]): Promise<unknown>;
  sampleToken(...args: unknown[]): Promise<unknown>;
}

/** Makes the first token sampling after each batch decode run alone; false if not applicable. */
export function guardOutputReorder(context: LlamaContext): boolean {
  const native = (context as unknown as { _ctx?: Partial<NativeContext> })._ctx;
  if (typeof native?.decodeBatch !== 'function' || typeof native.sampleToken !== 'function') {
    return false;
  }
  const decodeBatch = native.decodeBatch.bind(native);
  const sampleToken = native.sampleToken.bind(native);
  let reorderPending = false;
  let firstSample: Promise<unknown> | undefined;
  // The native methods are read-only prototype properties: shadow them on the instance.
  Object.defineProperty(native, 'decodeBatch', {
    value: (...args: unknown[]) =>
      decodeBatch(...args).then((result) => {
        reorderPending = true;
        firstSample = undefined;
        return result;
      }),
  });
  Object.defineProperty(native, 'sampleToken', {
    value: (...args: unknown[]) => {
      if (reorderPending) {
        reorderPending = false;
        const first = sampleToken(...args);
        const settled = () => {
          if (firstSample === first) firstSample = undefined;
        };
        first.then(settled, settled);
        firstSample = first;
        return first;
      }
      if (!firstSample) return sampleToken(...args);
      const run = () => sampleToken(...args);
      return firstSample.then(run, run);
    },
  });
  return true;
}
