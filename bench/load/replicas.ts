// Requests per second through one replica and through two: a fixed number of non-streaming
// requests in flight for a fixed time, each sent to the next replica in turn (round-robin, as a
// load balancer would), with the CPU each process used over the same time.
import { processCpuMicros, type BenchProcess } from '../gateway/processes.js';
import type { LoadClient, Target } from '../gateway/load.js';

/** One measured block. */
export interface RateBlock {
  requests: number;
  failed: number;
  /** The first failure's message. */
  failure?: string;
  elapsedMs: number;
  /** Every successful request's time, ms. */
  latencies: number[];
  /** CPU time each process used over the block, µs (NaN where /proc is missing). */
  cpu: { client: number; mock: number; replicas: number[] };
}

/**
 * `concurrency` loops sending requests back to back, round-robin over `targets`, until
 * `seconds` have passed. A failed request is counted and the loop goes on.
 */
export async function measureRate(
  client: LoadClient,
  targets: readonly Target[],
  concurrency: number,
  seconds: number,
  processes: { mock: BenchProcess; replicas: readonly BenchProcess[] },
): Promise<RateBlock> {
  const pids = [processes.mock.pid, ...processes.replicas.map((replica) => replica.pid)];
  const cpuBefore = await Promise.all(pids.map(processCpuMicros));
  const clientBefore = process.cpuUsage();
  const latencies: number[] = [];
  let failed = 0;
  let failure: string | undefined;
  let turn = 0;
  const startedAt = performance.now();
  const deadline = startedAt + seconds * 1000;
  const worker = async () => {
    while (performance.now() < deadline) {
      const target = targets[turn++ % targets.length]!;
      try {
        latencies.push((await client.send(target, 'json')).total);
      } catch (error) {
        failed++;
        failure ??= `${target.name}: ${error instanceof Error ? error.message : String(error)}`;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  // Requests started before the deadline end after it: the rate counts their time too.
  const elapsedMs = performance.now() - startedAt;
  const clientCpu = process.cpuUsage(clientBefore);
  const cpuAfter = await Promise.all(pids.map(processCpuMicros));
  const used = pids.map((_, index) => {
    const before = cpuBefore[index];
    const after = cpuAfter[index];
    return before === undefined || after === undefined ? NaN : after - before;
  });
  return {
    requests: latencies.length,
    failed,
    failure,
    elapsedMs,
    latencies,
    cpu: { client: clientCpu.user + clientCpu.system, mock: used[0]!, replicas: used.slice(1) },
  };
}
