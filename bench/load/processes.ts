// The servers of bench/load, each its own process: the paced mock upstream, and Salon as one
// replica (SQLite, or PostgreSQL with Redis) or as several replicas sharing one PostgreSQL
// schema and one Redis, as a scale-out deployment runs them. Also what the bench reads about
// a server while it runs: its resident memory (/proc) and its V8 heap (/metrics).
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { DialectName } from '../../src/store/store-dialect.js';
import { createTestSchema } from '../../tests/helpers/postgres.js';
import { redisTestUrl } from '../../tests/helpers/redis.js';
import {
  createBenchKey,
  mockProviderYaml,
  salonModel,
  startMockScript,
  startSalonServe,
  type BenchProcess,
} from '../gateway/processes.js';

/** Starts the paced mock upstream (one chunk every `intervalMs`) and waits for its port. */
export function startPacedMock(intervalMs: number): Promise<BenchProcess> {
  return startMockScript('bench/load/mock-upstream.ts', ['--interval-ms', String(intervalMs)]);
}

/** Salon's replicas, the key clients send and the model they ask for. */
export interface Deployment {
  replicas: BenchProcess[];
  apiKey: string;
  model: string;
  /** The store the replicas share. */
  dialect: DialectName;
  stop(): Promise<void>;
}

/**
 * Starts `replicas` `salon serve` processes over one fresh store with one `openai` provider
 * pointing at the mock, and creates an API key with `salon keys create`. PostgreSQL comes with
 * Redis (the bus and the rate-limit counters), as several replicas need; SQLite serves one
 * replica with the in-process bus. With `profileDir`, each replica writes a V8 CPU profile
 * there when it stops.
 */
export async function startDeployment(
  mockOrigin: string,
  dialect: DialectName,
  replicas: number,
  profileDir?: string,
): Promise<Deployment> {
  if (dialect === 'sqlite' && replicas > 1) {
    throw new Error('several replicas share PostgreSQL and Redis, not SQLite');
  }
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'salon-bench-load-'));
  const schema = dialect === 'postgres' ? await createTestSchema() : undefined;
  const cleanups: (() => Promise<unknown>)[] = [
    () => rm(dataDir, { recursive: true, force: true }),
  ];
  if (schema) cleanups.push(() => schema.drop());
  const started: BenchProcess[] = [];
  const stopAll = async () => {
    await Promise.all(started.splice(0).map((replica) => replica.stop()));
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  };
  try {
    const config = path.join(dataDir, 'salon.yaml');
    await writeFile(config, mockProviderYaml(mockOrigin));
    const env: Record<string, string> = schema
      ? { DATABASE_URL: schema.url, REDIS_URL: redisTestUrl }
      : {};
    // Creating the key migrates the store, so the replicas never race to do it.
    const apiKey = createBenchKey(dataDir, env);
    for (let index = 0; index < replicas; index++) {
      started.push(await startSalonServe(config, dataDir, env, profileDir));
    }
    return { replicas: [...started], apiKey, model: salonModel, dialect, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** A process's resident set size in bytes (VmRSS), or undefined where /proc is missing. */
export async function residentBytes(pid: number): Promise<number | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kilobytes = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
    return kilobytes === undefined ? undefined : Number(kilobytes) * 1024;
  } catch {
    return undefined;
  }
}

/** The V8 heap in use, from Salon's /metrics (prom-client's default metrics). */
export async function heapUsedBytes(origin: string): Promise<number | undefined> {
  try {
    const response = await fetch(`${origin}/metrics`, { signal: AbortSignal.timeout(5_000) });
    const text = await response.text();
    const value = /^nodejs_heap_size_used_bytes (\S+)$/m.exec(text)?.[1];
    return value === undefined ? undefined : Number(value);
  } catch {
    return undefined;
  }
}
