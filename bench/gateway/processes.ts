// The three servers of bench/gateway, each in its own process so that none shares an event loop
// with another or with the load generator: the mock upstream, Salon (the real `salon serve`)
// and Portkey's open-source gateway from node_modules.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { runSalon } from '../../tests/helpers/salon-process.js';

/** A server the bench started. */
export interface BenchProcess {
  /** http://127.0.0.1:PORT */
  origin: string;
  pid: number;
  /** What it printed so far (stdout and stderr, capped). */
  output(): string;
  stop(): Promise<void>;
}

/** Salon, with the API key the bench authenticates with. */
export interface SalonProcess extends BenchProcess {
  apiKey: string;
  /** The model name clients send. */
  model: string;
}

/** The name the mock gives its model and Salon's config routes to. */
export const upstreamModel = 'mock-model';
/** The model name clients send to Salon. */
export const salonModel = 'bench';
// Enough to see why a server failed without keeping every line of a long run.
const outputCap = 64 * 1024;

/** Starts the mock upstream and waits for its port. */
export function startMock(): Promise<BenchProcess> {
  return startMockScript('bench/gateway/mock-upstream.ts');
}

/** Runs a mock upstream script (which prints `{"port":N}` once it listens) and waits for its port. */
export async function startMockScript(script: string, args: string[] = []): Promise<BenchProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.resolve(script), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = capture(child);
  const port = Number((await waitFor(child, output, /\{"port":(\d+)\}/, 'mock upstream'))[1]);
  return { origin: `http://127.0.0.1:${port}`, pid: child.pid!, output, stop: () => stop(child) };
}

/** salon.yaml with one `openai` provider, `mock`, and the bench's model routed to it. */
export function mockProviderYaml(mockOrigin: string): string {
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

/** Creates the bench's API key with `salon keys create` (which also migrates the store). */
export function createBenchKey(dataDir: string, env: Record<string, string> = {}): string {
  const created = runSalon(['keys', 'create', '--name', 'bench', '--data-dir', dataDir], env);
  const apiKey = created.stdout.trim();
  if (created.status !== 0 || !apiKey.startsWith('sk-salon-')) {
    throw new Error(`salon keys create failed (${created.status}):\n${created.stderr}`);
  }
  return apiKey;
}

/**
 * Starts `salon serve` on a free port with `config` and `dataDir`, in an environment without the
 * bench's own Salon variables plus `env`. With `profileDir`, it writes a V8 CPU profile there
 * when it stops.
 */
export async function startSalonServe(
  config: string,
  dataDir: string,
  env: Record<string, string> = {},
  profileDir?: string,
): Promise<BenchProcess> {
  // --cpu-prof is refused in NODE_OPTIONS, so Salon is started here rather than through the
  // tests' startSalon, which takes no node flags.
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

/**
 * Starts `salon serve` on a fresh SQLite data dir, with one `openai` provider pointing at the
 * mock, and creates its API key with `salon keys create`. With `profileDir`, Salon writes a V8
 * CPU profile there when it stops.
 */
export async function startSalonGateway(
  mockOrigin: string,
  profileDir?: string,
): Promise<SalonProcess> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'salon-bench-gateway-'));
  try {
    const config = path.join(dataDir, 'salon.yaml');
    await writeFile(config, mockProviderYaml(mockOrigin));
    const apiKey = createBenchKey(dataDir);
    const salon = await startSalonServe(config, dataDir, {}, profileDir);
    return {
      ...salon,
      apiKey,
      model: salonModel,
      stop: async () => {
        await salon.stop();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}

/** This process's environment without Salon's variables, so that the bench's config rules. */
export function withoutSalonVariables(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !name.startsWith('SALON_') && name !== 'DATABASE_URL' && name !== 'REDIS_URL',
    ),
  );
}

/** The script Portkey's package runs as its `bin`. */
export function portkeyEntry(): string {
  const require = createRequire(import.meta.url);
  const manifestPath = require.resolve('@portkey-ai/gateway/package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
    bin: string | Record<string, string>;
  };
  const bin = typeof manifest.bin === 'string' ? manifest.bin : Object.values(manifest.bin)[0]!;
  return path.join(path.dirname(manifestPath), bin);
}

/**
 * Starts Portkey's gateway (`--port=N --headless`) on a free port and waits until `GET /`
 * answers. Its banner only says it started, not that it listens, hence the polling.
 */
export async function startPortkey(): Promise<BenchProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [portkeyEntry(), `--port=${port}`, '--headless'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = capture(child);
  const origin = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`Portkey exited with ${child.exitCode ?? child.signalCode}:\n${output()}`);
    }
    try {
      const response = await fetch(`${origin}/`, { signal: AbortSignal.timeout(1000) });
      await response.text();
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop(child);
      throw new Error(`Portkey did not answer on ${origin} within 30 s:\n${output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { origin, pid: child.pid!, output, stop: () => stop(child) };
}

/** CPU time (user + system) a process has used so far, in µs; undefined where /proc is missing. */
export async function processCpuMicros(pid: number): Promise<number | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may hold spaces: state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return (ticks * 1_000_000) / clockTicksPerSecond;
  } catch {
    return undefined;
  }
}

// USER_HZ: 100 on every Linux build the bench has met; /proc/stat counts in it.
const clockTicksPerSecond = 100;

/** Waits until the child's output matches `pattern`; stops the child if it never does. */
export async function waitFor(
  child: ChildProcess,
  output: () => string,
  pattern: RegExp,
  what: string,
): Promise<RegExpExecArray> {
  try {
    return await new Promise<RegExpExecArray>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${what} did not start:\n${output()}`)),
        30_000,
      );
      const check = () => {
        const match = pattern.exec(output());
        if (match) {
          clearTimeout(timer);
          resolve(match);
        }
      };
      child.stdout?.on('data', check);
      child.stderr?.on('data', check);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${what} exited with ${code}:\n${output()}`));
      });
    });
  } catch (error) {
    await stop(child);
    throw error;
  }
}

/** Keeps the last lines the child printed (stdout and stderr). */
export function capture(child: ChildProcess): () => string {
  let text = '';
  const append = (chunk: Buffer) => {
    text = (text + chunk.toString('utf8')).slice(-outputCap);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  return () => text;
}

/** SIGTERM, then SIGKILL after 10 s; resolves once the child has exited. */
export function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address() as net.AddressInfo;
      server.close(() => resolve(address.port));
    });
  });
}
