// How many CPU threads llama.cpp gets. More is not better: llama.cpp's threads spin-wait on
// each other at every matrix product, so a thread that has to share its core with the
// Node.js event loop (or with another thread) stalls all the others.
//
// Measured on the 2-core dev machine (tiny llama, greedy, 1 sequence, other work running):
//   1 thread                                        → ~1,500–1,950 tok/s
//   2 threads                                       →    ~25–105 tok/s
//   4 threads (node-llama-cpp's default on 2 cores) →      ~4–10 tok/s
// Leaving one core to the event loop is what keeps generation from collapsing.
import os from 'node:os';

/** Past this many threads a CPU decode gains little and contends for memory bandwidth. */
export const maxCpuThreads = 8;

/** Threads for llama.cpp on CPU: one core left for Node.js, at least 1, at most `maxCpuThreads`. */
export function chooseThreads(cores: number = os.availableParallelism()): number {
  const usable = Number.isFinite(cores) ? Math.floor(cores) - 1 : 1;
  return Math.min(maxCpuThreads, Math.max(1, usable));
}
