// A Redis server of the test's own (`redis-server` on a free port, nothing saved), for suites
// that pause or disturb Redis: `CLIENT PAUSE` on the shared server would stall every other suite
// using it at the time. It also keeps the suite's keys, counters and channels apart.
import { spawn, spawnSync } from 'node:child_process';
import { Redis } from 'ioredis';
import { freePort } from './free-port.js';
import { canRun } from './shared-files.js';

const binary = process.env.SALON_TEST_REDIS_SERVER ?? 'redis-server';

/** True when `redis-server` can be run here; loud skip otherwise (a failure in CI). */
export function hasRedisServer(suite: string): boolean {
  const probe = spawnSync(binary, ['--version'], { encoding: 'utf8' });
  return canRun(
    `${suite} (a Redis server of its own)`,
    probe.status === 0,
    `cannot run ${binary} (set SALON_TEST_REDIS_SERVER)`,
  );
}

/** A private Redis server. */
export interface RedisServer {
  url: string;
  /** A new client of it; the caller quits it. */
  client(): Redis;
  /** Stops the server; safe to call twice. */
  close(): Promise<void>;
}

/** Starts `redis-server` on a free port and waits until it answers PING. */
export async function startRedisServer(): Promise<RedisServer> {
  const port = await freePort();
  const child = spawn(
    binary,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `redis://127.0.0.1:${port}`;
  const client = () => new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  };
  const deadline = performance.now() + 10_000;
  for (;;) {
    const probe = client();
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      await probe.ping();
      return { url, client, close };
    } catch (error) {
      if (child.exitCode !== null || performance.now() > deadline) {
        await close();
        throw new Error(`redis-server on port ${port} did not start:\n${output}`, {
          cause: error,
        });
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      probe.disconnect();
    }
  }
}
