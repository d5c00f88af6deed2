// The servers of bench/load, each its own process: the paced mock upstream, and Salon as one
// replica (SQLite, or PostgreSQL with Redis) or as several replicas sharing one PostgreSQL
// schema and one Redis, as a scale-out deployment runs them. Also what the bench reads about
// a server while it runs: its resident memory (/proc) and its V8 heap (/metrics).
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { DialectName } from '../../src/store/store-dialect.js';
import { createTestSchema } from '../../tests/helpers/postgres.js';
import { redisTestUrl } from '../../tests/helpers/redis.js';
import { runSalon } from '../../tests/helpers/salon-process.js';
import {
  capture,
  stop,
  waitFor,
  withoutSalonVariables,
  type BenchProcess,
} from '../gateway/processes.js';

/** The name the mock gives its model and Salon's config routes to. */
export const upstreamModel = 'mock-model';
const salonModel = 'bench';

/** Starts the paced mock upstream (one chunk every `intervalMs`) and waits for its port. */
export async function startPacedMock(intervalMs: number): Promise<BenchProcess> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      path.resolve('bench/load/mock-upstream.ts'),
      '--interval-ms',
      String(intervalMs),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const output = capture(child);
  const port = Number((await waitFor(child, output, /\{"port":(\d+)\}/, 'mock upstream'))[1]);
  return { origin: `http://127.0.0.1:${port}`, pid: child.pid!, output, stop: () => stop(child) };
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
    await writeFile(config, salonYaml(mockOrigin));
    const env: Record<string, string> = schema
      ? { DATABASE_URL: schema.url, REDIS_URL: redisTestUrl }
      : {};
    // Creating the key migrates the store, so the replicas never race to do it.
    const created = runSalon(['keys', 'create', '--name', 'bench', '--data-dir', dataDir], env);
    const apiKey = created.stdout.trim();
    if (created.status !== 0 || !apiKey.startsWith('sk-salon-')) {
      throw new Error(`salon keys create failed (${created.status}):\n${created.stderr}`);
    }
    for (let index = 0; index < replicas; index++) {
      started.push(await startReplica(config, dataDir, env, profileDir));
    }
    return { replicas: [...started], apiKey, model: salonModel, dialect, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

function salonYaml(mockOrigin: string): string {
  return [
    'providers:',
    '  mock:',
    '    type: openai',
    `    base_url: ${mockOrigin}/v1`,
    '    api_key: mock-key',
    'models:',
    `  - name: ${salonModel}`,
    '    targets:',
    `      - { provider: mock, model: ${upstreamModel} }`,
    '',
  ].join('\n');
}

async function startReplica(
  config: string,
  dataDir: string,
  env: Record<string, string>,
  profileDir?: string,
): Promise<BenchProcess> {
  // --cpu-prof is refused in NODE_OPTIONS, hence a node flag.
  const nodeFlags = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const child = spawn(
    process.execPath,
    [
      ...nodeFlags,
      path.resolve('bin/salon.js'),
      'serve',
      '--port',
      '0',
      '--host',
      '127.0.0.1',
      '--config',
      config,
      '--data-dir',
      dataDir,
    ],
    { env: { ...withoutSalonVariables(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const output = capture(child);
  const origin = (await waitFor(child, output, /listening on (http:\/\/\S+)/, 'salon serve'))[1]!;
  return { origin, pid: child.pid!, output, stop: () => stop(child) };
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
