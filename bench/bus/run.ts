// The run bus: appends per second (one run, one append at a time as a run makes them; and many
// runs at once) and follow latency (append on one replica to delivery on another), on the
// in-process bus (the baseline) and on Redis, with the ratio.
// node --import tsx bench/bus/run.ts [--redis URL] [--appends N] [--runs N] [--json]
import { parseArgs } from 'node:util';
import type { RunBus } from '../../src/bus/bus.js';
import { MemoryBus } from '../../src/bus/memory.js';
import { RedisBus } from '../../src/bus/redis.js';
import { randomToken } from '../../src/lib/ids.js';
import { loadAverage, machine } from '../machine.js';

const { values } = parseArgs({
  options: {
    redis: { type: 'string', default: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' },
    appends: { type: 'string', default: '5000' },
    runs: { type: 'string', default: '50' },
    json: { type: 'boolean', default: false },
  },
});
const appends = Number(values.appends);
const runs = Number(values.runs);
const delta = { type: 'text-delta', data: { text: 'token ' } };
const prefix = `bench-${randomToken(8)}:`;
let runCounter = 0;
const newRunId = () => `bench-run-${++runCounter}`;

/** What one backend achieved. */
interface Figures {
  sequentialPerSecond: number;
  concurrentPerSecond: number;
  followP50Us: number;
  followP99Us: number;
}

async function perSecond(count: number, work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return Math.round(count / ((performance.now() - started) / 1000));
}

/** The p-th latency of `sorted` (milliseconds), in microseconds to 0.1. */
function percentile(sorted: number[], p: number): number {
  const ms = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
  return Math.round(ms * 10_000) / 10;
}

async function measure(writer: RunBus, reader: RunBus): Promise<Figures> {
  const one = newRunId();
  const sequentialPerSecond = await perSecond(appends, async () => {
    for (let i = 0; i < appends; i++) await writer.append(one, delta);
  });
  const perRun = Math.ceil(appends / runs);
  const concurrentPerSecond = await perSecond(perRun * runs, () =>
    Promise.all(
      Array.from({ length: runs }, async () => {
        const runId = newRunId();
        for (let i = 0; i < perRun; i++) await writer.append(runId, delta);
      }),
    ),
  );
  // Follow latency: one event in flight at a time, from the append call to the listener.
  const followed = newRunId();
  const latencies: number[] = [];
  let sentAt = 0;
  let delivered: (() => void) | undefined;
  const unsubscribe = await reader.subscribe(followed, () => {
    latencies.push(performance.now() - sentAt);
    delivered?.();
  });
  for (let i = 0; i < Math.min(appends, 2_000); i++) {
    const arrived = new Promise<void>((resolve) => (delivered = resolve));
    sentAt = performance.now();
    await writer.append(followed, delta);
    await arrived;
  }
  unsubscribe();
  for (let i = 1; i <= runCounter; i++) await writer.end(`bench-run-${i}`);
  latencies.sort((a, b) => a - b);
  return {
    sequentialPerSecond,
    concurrentPerSecond,
    followP50Us: percentile(latencies, 0.5),
    followP99Us: percentile(latencies, 0.99),
  };
}

const memoryBus = new MemoryBus({ graceMs: 1_000 });
const memory = await measure(memoryBus, memoryBus);
await memoryBus.close();
const [writer, reader] = await Promise.all(
  [0, 1].map(() => RedisBus.connect(values.redis, { keyPrefix: prefix, graceMs: 1_000 })),
);
const redis = await measure(writer!, reader!);
await Promise.all([writer!.close(), reader!.close()]);

const ratio = (key: keyof Figures) =>
  memory[key] ? Math.round((redis[key] / memory[key]) * 100) / 100 : null;
const report = {
  machine: machine(),
  loadAverage: loadAverage(),
  appends,
  runs,
  memory,
  redis,
  redisOverMemory: {
    sequentialPerSecond: ratio('sequentialPerSecond'),
    concurrentPerSecond: ratio('concurrentPerSecond'),
    followP50Us: ratio('followP50Us'),
    followP99Us: ratio('followP99Us'),
  },
};
if (values.json) {
  console.log(JSON.stringify(report));
} else {
  const { cpus, cpuModel, node } = report.machine;
  console.log(`run bus: ${cpus} × ${cpuModel}, Node ${node}, load ${report.loadAverage}`);
  console.log(`${appends} appends; concurrent over ${runs} runs; follow latency over 2,000 events`);
  console.log('                         memory      redis   redis/memory');
  for (const key of Object.keys(memory) as (keyof Figures)[]) {
    const row = [memory[key], redis[key]].map((value) => String(value).padStart(10));
    console.log(`${key.padEnd(22)} ${row.join(' ')}   ${String(ratio(key) ?? '-').padStart(8)}`);
  }
}
