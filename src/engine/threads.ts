// How many CPU threads llama.cpp gets. More is not better: llama.cpp's threads spin-wait on
// each other at every matrix product, so a thread that has to share its core with the
// Node.js event loop (or with another thread) stalls all the others.
//
// Measured on the 2-core dev machine (tiny llama, greedy, 1 sequence, other work running):
//   1 thread                                        → ~1,500–1,950 tok/s
//   2 threads                                       →    ~25–105 tok/s
//   4 threads (node-llama-cpp's default on 2 cores) →      ~4–10 tok/s
// Leaving one core to the event loop is what keeps generation from collapsing.
import { readFileSync } from 'node:fs';
import os from 'node:os';

/** Past this many threads a CPU decode gains little and contends for memory bandwidth. */
export const maxCpuThreads = 8;

/** Threads for llama.cpp on CPU: one core left for Node.js, at least 1, at most `maxCpuThreads`. */
export function chooseThreads(cores: number = machineCores()): number {
  const usable = Number.isFinite(cores) ? Math.floor(cores) - 1 : 1;
  return Math.min(maxCpuThreads, Math.max(1, usable));
}

/**
 * The cores this process may really use: the CPUs it sees, or fewer when its container has a
 * CPU quota. Node 20 counts the host's CPUs inside a container limited to 2 of 64, and 63
 * threads on 2 CPUs is the collapse measured above.
 */
export function machineCores(readQuota: () => number | undefined = cgroupCpuQuota): number {
  const visible = os.availableParallelism();
  const quota = readQuota();
  return quota === undefined ? visible : Math.min(visible, quota);
}

/** Whole CPUs granted by the cgroup v2 `cpu.max` or v1 CFS quota files, or undefined if none. */
export function cgroupCpuQuota(read: (file: string) => string = readSysFile): number | undefined {
  const v2 = parseQuota(read('/sys/fs/cgroup/cpu.max').split(/\s+/));
  if (v2 !== undefined) return v2;
  return parseQuota([
    read('/sys/fs/cgroup/cpu/cpu.cfs_quota_us'),
    read('/sys/fs/cgroup/cpu/cpu.cfs_period_us'),
  ]);
}

// [quota, period] in µs; "max" (v2) or -1 (v1) mean no quota. A fraction of a CPU counts as 1.
function parseQuota([quota, period]: string[]): number | undefined {
  const allowed = Number(quota);
  const length = Number(period);
  if (!(allowed > 0) || !(length > 0)) return undefined;
  return Math.max(1, Math.floor(allowed / length));
}

function readSysFile(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return ''; // absent outside Linux or without that cgroup version
  }
}
