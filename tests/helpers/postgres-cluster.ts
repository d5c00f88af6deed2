// A throwaway PostgreSQL server of the test's own (initdb in a temp dir, its own port), for
// suites that stop and restart the database: doing that to the shared server would break every
// other suite using it at the time. The same binaries as the machine's cluster.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port.js';
import { canRun } from './shared-files.js';
import { testDatabase, type TestDatabase } from './stores.js';

const run = promisify(execFile);

/** The server binaries: SALON_TEST_PG_BINDIR, else the newest /usr/lib/postgresql/<version>/bin. */
function binDir(): string | undefined {
  if (process.env.SALON_TEST_PG_BINDIR) return process.env.SALON_TEST_PG_BINDIR;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((name) => existsSync(path.join(root, name, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] && path.join(root, versions[0], 'bin');
}

/** True when a private server can be made here; loud skip otherwise (a failure in CI). */
export function hasPostgresServer(suite: string): boolean {
  const dir = binDir();
  return canRun(
    `${suite} (a PostgreSQL server of its own)`,
    dir !== undefined && existsSync(path.join(dir, 'pg_ctl')),
    'no PostgreSQL server binaries (initdb, pg_ctl) found (set SALON_TEST_PG_BINDIR)',
  );
}

/** A private PostgreSQL server. */
export interface PostgresServer {
  /** Its `postgres` database, as the superuser (trust auth on 127.0.0.1). */
  url: string;
  /** Stops it the way an operator's restart does (`-m fast`: sessions are cut). */
  stop(): Promise<void>;
  /** Starts it again and waits until it accepts connections. */
  start(): Promise<void>;
  /** The database on it, for a replica set (dropping it stops the server and deletes its files). */
  database(): TestDatabase;
  /** Stops it at once and deletes its files; safe to call twice. */
  destroy(): Promise<void>;
}

/** Creates and starts a PostgreSQL server in a temp dir (about a second). */
export async function startPostgresServer(): Promise<PostgresServer> {
  const bin = binDir()!;
  const home = await mkdtemp(path.join(os.tmpdir(), 'salon-pg-'));
  const data = path.join(home, 'data');
  const port = await freePort();
  // initdb refuses to run as root: as root, the server runs as the `postgres` system user.
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    await chown(home, Number(stdout.trim()), 0);
  }
  const pg = (tool: string, args: string[]) => {
    const command = path.join(bin, tool);
    return asRoot ? run('runuser', ['-u', 'postgres', '--', command, ...args]) : run(command, args);
  };
  const options = [
    `-p ${port}`,
    `-k ${home}`,
    '-c listen_addresses=127.0.0.1',
    // A test server: durability is not what is being tested, speed on a loaded machine is.
    '-c fsync=off',
    '-c synchronous_commit=off',
    '-c full_page_writes=off',
  ].join(' ');
  const start = () => pg('pg_ctl', ['-D', data, '-o', options, '-l', `${home}/log`, '-w', 'start']);
  await pg('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8']);
  await start();
  let destroyed = false;
  const destroy = async () => {
    if (destroyed) return;
    destroyed = true;
    await pg('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
    await rm(home, { recursive: true, force: true });
  };
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  return {
    url,
    stop: async () => void (await pg('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop'])),
    start: async () => void (await start()),
    database: () => testDatabase({ databaseUrl: url, dataDir: '/nonexistent' }, () => destroy()),
    destroy,
  };
}
