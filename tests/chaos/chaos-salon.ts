// One fault scenario's Salon: two (or more) real `salon serve` replicas on one PostgreSQL
// database and a Redis server of the scenario's own (so pausing it disturbs no other suite, and
// its keys and counters start empty), the owner signed in, an API key for /v1.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, onTestFailed } from 'vitest';
import type { Store } from '../../src/store/create-database.js';
import { startFakeOpenAI, type FakeBehaviour, type FakeUpstream } from '../helpers/fake-openai.js';
import { createTestSchema, hasPostgres } from '../helpers/postgres.js';
import { startRedisServer, hasRedisServer, type RedisServer } from '../helpers/redis-server.js';
import { openReplicaSet, type Replica, type ReplicaSet } from '../helpers/replicas.js';
import { chatAndTitlesYaml, signInOwner, type SalonSession } from '../helpers/salon-session.js';
import { testDatabase, type TestDatabase } from '../helpers/stores.js';

/** Whether the fault suite can run here (PostgreSQL reachable, `redis-server` installed). */
export async function canRunFaultSuite(scenario: string): Promise<boolean> {
  const suite = `fault suite: ${scenario}`;
  return (await hasPostgres(suite)) && hasRedisServer(suite);
}

/** A running scenario. */
export interface ChaosSalon {
  set: ReplicaSet;
  replicas: Replica[];
  redis: RedisServer;
  /** The owner, signed in (sessions are rows: valid on every replica). */
  session: SalonSession;
  apiKey: string;
  store: Store;
}

/**
 * Starts `replicas` replicas (2) on `database` (by default a fresh schema of the test PostgreSQL)
 * with salon.yaml made of `yaml` lines; registers what to undo with `cleanup` (replicas first,
 * then Redis and the database).
 */
export async function startChaosSalon(options: {
  database?: TestDatabase;
  yaml: string[];
  env?: Record<string, string>;
  replicas?: number;
  cleanup(undo: () => Promise<unknown>): void;
}): Promise<ChaosSalon> {
  const redis = await startRedisServer();
  options.cleanup(() => redis.close());
  const database = options.database ?? (await freshTestSchema());
  const set = await openReplicaSet({
    database,
    redisUrl: redis.url,
    env: options.env,
    writeConfig: (dataDir) => {
      const file = path.join(dataDir, 'salon.yaml');
      writeFileSync(file, [...options.yaml, ''].join('\n'));
      return file;
    },
  });
  options.cleanup(() => set.dispose());
  const key = set.cli(['keys', 'create', '--name', 'chaos']);
  expect(key.status, key.stderr).toBe(0);
  const replicas: Replica[] = [];
  for (let i = 0; i < (options.replicas ?? 2); i++) replicas.push(await set.start());
  // A failed scenario shows what each replica said (a crash's stack among it).
  onTestFailed(() => {
    for (const replica of replicas) {
      const exit = replica.process.exitCode ?? replica.process.signalCode ?? 'running';
      const tail = replica.stderr().split('\n').slice(-40).join('\n');
      console.error(`--- ${replica.replicaId} (${exit}), last lines of stderr:\n${tail}`);
    }
  });
  return {
    set,
    replicas,
    redis,
    session: await signInOwner(replicas[0]!.url),
    apiKey: key.stdout.trim(),
    store: await set.store(),
  };
}

async function freshTestSchema(): Promise<TestDatabase> {
  const schema = await createTestSchema();
  return testDatabase({ databaseUrl: schema.url, dataDir: '/nonexistent' }, schema.drop);
}

/**
 * The fake upstreams of a scenario's web chat: `chat` follows `script`, `small` answers titles.
 * Both close with `cleanup`; `yaml` is salon.yaml's lines serving them.
 */
export async function startChatUpstreams(
  script: FakeBehaviour[],
  cleanup: (undo: () => Promise<unknown>) => void,
): Promise<{ chat: FakeUpstream; titles: FakeUpstream; yaml: string[] }> {
  const chat = await startFakeOpenAI(script);
  const titles = await startFakeOpenAI([{ kind: 'reply', text: 'A story' }]);
  cleanup(() => chat.close());
  cleanup(() => titles.close());
  return { chat, titles, yaml: chatAndTitlesYaml(chat, titles) };
}

/** Runs `undo` steps in reverse order, each whatever the others did. */
export function cleanupList() {
  const steps: (() => Promise<unknown>)[] = [];
  return {
    add: (undo: () => Promise<unknown>) => void steps.push(undo),
    async run() {
      for (const undo of steps.reverse()) await undo().catch(() => undefined);
      steps.length = 0;
    },
  };
}
