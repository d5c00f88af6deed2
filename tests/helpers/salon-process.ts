// Runs the real `salon` command (compiled by the global setup) as a child process.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const bin = path.resolve('bin/salon.js');

/** Environment for a child: the parent's, minus Salon's own variables, plus `env`. */
function childEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('SALON_') && k !== 'DATABASE_URL'),
  );
  return { ...base, SALON_SHARED_DIR: process.env.SALON_SHARED_DIR, ...env };
}

/** Runs `salon …args` to completion. */
export function runSalon(args: string[], env: NodeJS.ProcessEnv = {}, input?: string) {
  const result = spawnSync(process.execPath, [bin, ...args], {
    env: childEnv(env),
    input,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** How a `salon` child ended, with what it wrote. */
export interface SalonExit {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Starts `salon …args` without blocking this process, for commands that talk to a server the
 * test runs itself (runSalon's spawnSync would stop that server from answering).
 */
export function spawnSalon(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): { process: ChildProcess; stderr: () => string; exit: Promise<SalonExit> } {
  const child = spawn(process.execPath, [bin, ...args], {
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk));
  const exit = new Promise<SalonExit>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, stdout, stderr }));
  });
  return { process: child, stderr: () => stderr, exit };
}

/** A running `salon serve`. */
export interface SalonServer {
  url: string;
  process: ChildProcess;
  stderr: () => string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `salon serve --port 0 …args` and waits until it listens. */
export async function startSalon(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<SalonServer> {
  const child = spawn(process.execPath, [bin, 'serve', '--port', '0', ...args], {
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  const url = await new Promise<string>((resolve, reject) => {
    // Generous: a slow start is not what the suites test, and on a loaded shared machine it can
    // take tens of seconds.
    const timer = setTimeout(
      () => reject(new Error(`salon serve did not start within 90 s:\n${stderr}`)),
      90_000,
    );
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(stderr);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`salon serve exited with ${code}:\n${stderr}`));
    });
  });
  return {
    url,
    process: child,
    stderr: () => stderr,
    stop: (signal = 'SIGTERM') =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
        child.once('exit', (code) => resolve(code));
        child.kill(signal);
      }),
  };
}
