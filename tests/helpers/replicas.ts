// Several real `salon serve` processes on one database (one SQLite data dir or one PostgreSQL
// schema) and, when given, one Redis: the set-up of the suites that kill, stop or disturb
// replicas (run leases, graceful shutdown, the fault suite in tests/chaos).
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type Store } from '../../src/store/create-database.js';
import { runSalon, startSalon, type SalonServer } from './salon-process.js';
import { ownerEnv } from './salon-session.js';
import type { TestDatabase } from './stores.js';

/** One running replica and the id it gave itself (`GET /readyz`). */
export interface Replica extends SalonServer {
  replicaId: string;
}

/** What every replica of a set shares. */
export interface ReplicaSetOptions {
  /** Where they store; the set drops it on dispose. */
  database: TestDatabase;
  /** Their shared bus and counters; without it each replica has its own in-process bus. */
  redisUrl?: string;
  /** More environment for every replica (SALON_RUN_HEARTBEAT, SALON_SHUTDOWN_TIMEOUT, …). */
  env?: Record<string, string>;
  /** Writes salon.yaml into the data dir and returns its path. */
  writeConfig(dataDir: string): string;
}

/** Replicas of one Salon, started one by one, and a way to look at their database. */
export interface ReplicaSet {
  dataDir: string;
  /** Every replica's environment (the owner account, DATABASE_URL, REDIS_URL, `env`). */
  env: NodeJS.ProcessEnv;
  /** Replicas in start order, killed ones included. */
  replicas: Replica[];
  /** Starts one more replica and waits until it listens. */
  start(): Promise<Replica>;
  /** Runs `salon …args` on the same database, e.g. `keys create`. */
  cli(args: string[]): ReturnType<typeof runSalon>;
  /** A connection of the test's own to the database (opened once, closed by dispose). */
  store(): Promise<Store>;
  /** Kills every replica, closes the store, deletes the data dir and the database. */
  dispose(): Promise<void>;
}

/** Prepares a replica set; start replicas with `start()`. */
export async function openReplicaSet(options: ReplicaSetOptions): Promise<ReplicaSet> {
  const { database } = options;
  const databaseUrl = database.options.databaseUrl;
  // On PostgreSQL the data dir holds only salon.yaml; on SQLite it is the database.
  const dataDir = databaseUrl
    ? await mkdtemp(path.join(os.tmpdir(), 'salon-replicas-'))
    : database.options.dataDir;
  const configFile = options.writeConfig(dataDir);
  const env: NodeJS.ProcessEnv = {
    ...ownerEnv,
    ...(databaseUrl && { DATABASE_URL: databaseUrl }),
    ...(options.redisUrl && { REDIS_URL: options.redisUrl }),
    ...options.env,
  };
  const replicas: Replica[] = [];
  let store: Promise<Store> | undefined;
  return {
    dataDir,
    env,
    replicas,
    async start() {
      const server = await startSalon(['--data-dir', dataDir, '--config', configFile], env);
      try {
        const ready = await fetch(`${server.url}/readyz`);
        const { replica } = (await ready.json()) as { replica: string };
        const started = Object.assign(server, { replicaId: replica });
        replicas.push(started);
        return started;
      } catch (error) {
        await server.stop('SIGKILL');
        throw error;
      }
    },
    cli: (args) => runSalon([...args, '--data-dir', dataDir], env),
    store: () => (store ??= openDatabase(database.options)),
    async dispose() {
      await Promise.all(replicas.map((replica) => replica.stop('SIGKILL')));
      if (store) await (await store.catch(() => undefined))?.close();
      if (databaseUrl) await rm(dataDir, { recursive: true, force: true });
      await database.drop();
    },
  };
}
