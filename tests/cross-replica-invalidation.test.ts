// Changes made on one replica apply on another at its very next request, not when its caches
// expire 5 s later (docs/scale-out.md, "Changes reach every replica at once"): a revoked key, the
// key of a user deactivated through SCIM, a model access rule, a quota, and a key revoked with
// `salon keys revoke` from beside the servers. Two Salons in this process
// on one PostgreSQL schema and one Redis, each with its own caches and bus connections, as two
// `salon serve` replicas have. Each test first makes B cache the state before the change (B
// answers with it), then changes it on A and asks B at once: without the broadcast B would
// answer from its cache for up to 5 s.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisBus } from '../src/bus/redis.js';
import { resolveSettings } from '../src/config/settings.js';
import { apiKeyEvictionsTopic } from '../src/identity/api-key-evictions.js';
import { createApiKey } from '../src/identity/api-keys.js';
import { OrgScope } from '../src/identity/org-scope.js';
import { createScimToken } from '../src/identity/scim-token.js';
import { createTeam } from '../src/identity/teams.js';
import { createUser, type User } from '../src/identity/users.js';
import { buildApp } from '../src/server/app.js';
import { openRuntime } from '../src/server/runtime.js';
import { startFakeOpenAI, type FakeUpstream } from './helpers/fake-openai.js';
import { createTestSchema, hasPostgres } from './helpers/postgres.js';
import { hasRedis, redisTestUrl } from './helpers/redis.js';
import { spawnSalon } from './helpers/salon-process.js';
import { signIn, type SignedIn } from './helpers/sign-in.js';

const available =
  (await hasPostgres('cross-replica invalidation')) &&
  (await hasRedis('cross-replica invalidation'));

// Far below the caches' 5 s: what B answers right after the change did not come from expiry.
const atOnceMs = 1_000;

interface Replica {
  app: FastifyInstance;
  runtime: Awaited<ReturnType<typeof openRuntime>>;
  dataDir: string;
}

async function startReplica(databaseUrl: string, upstream: FakeUpstream): Promise<Replica> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'salon-invalidation-'));
  const config = path.join(dataDir, 'salon.yaml');
  await writeFile(
    config,
    [
      'providers:',
      `  fake: { type: openai, base_url: "${upstream.url}", timeout: 10 }`,
      'models:',
      '  - { name: chat, targets: [{ provider: fake, model: fake-chat }] }',
      '',
    ].join('\n'),
  );
  const settings = resolveSettings(
    { dataDir, config },
    { DATABASE_URL: databaseUrl, REDIS_URL: redisTestUrl },
  );
  const runtime = await openRuntime(settings);
  const app = await buildApp(runtime);
  await app.ready();
  return { app, runtime, dataDir };
}

describe.runIf(available)('Changes on replica A apply on replica B at once', () => {
  let schema: Awaited<ReturnType<typeof createTestSchema>>;
  let upstream: FakeUpstream;
  let a: Replica;
  let b: Replica;
  let admin: SignedIn;

  beforeAll(async () => {
    schema = await createTestSchema();
    upstream = await startFakeOpenAI([{ kind: 'reply', text: 'Bonjour' }]);
    a = await startReplica(schema.url, upstream);
    b = await startReplica(schema.url, upstream);
    admin = await signIn(a.runtime.store.db, { role: 'admin' });
  });
  afterAll(async () => {
    for (const replica of [a, b]) {
      if (!replica) continue;
      await replica.app.close();
      await replica.runtime.close();
      await rm(replica.dataDir, { recursive: true, force: true });
    }
    await upstream?.close();
    await schema?.drop();
  });

  const db = () => a.runtime.store.db;
  /** A new member of the admin's organisation and an API key of theirs. */
  const member = async (): Promise<{ user: User; key: string; keyId: string }> => {
    const email = `member-${Math.random().toString(36).slice(2)}@example.com`;
    const user = await createUser(db(), { email, role: 'member', orgId: admin.user.orgId });
    const { key, record } = await createApiKey(db(), { name: 'own', userId: user.id });
    return { user, key, keyId: record.id };
  };
  const asAdmin = (replica: Replica, options: InjectOptions) =>
    replica.app.inject({ ...options, headers: { ...admin.headers, ...options.headers } });
  const models = (replica: Replica, key: string) =>
    replica.app.inject({
      method: 'GET',
      url: '/v1/models',
      headers: { authorization: `Bearer ${key}` },
    });
  const complete = (replica: Replica, key: string) =>
    replica.app.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      headers: { authorization: `Bearer ${key}` },
      payload: { model: 'chat', messages: [{ role: 'user', content: 'Hi' }] },
    });
  const listed = (response: { json: () => unknown }) =>
    (response.json() as { data: { id: string }[] }).data.map((model) => model.id);
  /** Runs `change` on A, then `next` on B at once; B's answer and how long after the change. */
  const afterChange = async <T>(change: () => Promise<void>, next: () => Promise<T>) => {
    await change();
    const changedAt = performance.now();
    const answer = await next();
    return { answer, afterMs: performance.now() - changedAt };
  };

  it('refuses on B a key revoked on A, at its very next request', async () => {
    const { key, keyId } = await member();
    expect((await models(b, key)).statusCode).toBe(200); // B now holds the key in its cache
    const { answer, afterMs } = await afterChange(
      async () => {
        const revoked = await asAdmin(a, { method: 'DELETE', url: `/api/admin/keys/${keyId}` });
        expect(revoked.statusCode, revoked.body).toBe(200);
      },
      () => models(b, key),
    );
    expect(answer.statusCode, answer.body).toBe(401);
    expect(answer.json()).toMatchObject({ error: { type: expect.any(String) } });
    expect(afterMs).toBeLessThan(atOnceMs);
  });

  it('refuses on B the key of a user deactivated through SCIM on A, at once', async () => {
    const { user, key } = await member();
    const scimToken = await createScimToken(db(), admin.user.orgId);
    expect((await models(b, key)).statusCode).toBe(200);
    const { answer, afterMs } = await afterChange(
      async () => {
        const deactivated = await a.app.inject({
          method: 'PATCH',
          url: `/scim/v2/Users/${user.id}`,
          headers: {
            authorization: `Bearer ${scimToken}`,
            'content-type': 'application/scim+json',
          },
          payload: JSON.stringify({
            schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
            Operations: [{ op: 'replace', path: 'active', value: false }],
          }),
        });
        expect(deactivated.statusCode, deactivated.body).toBe(200);
      },
      () => models(b, key),
    );
    expect(answer.statusCode, answer.body).toBe(401);
    expect(afterMs).toBeLessThan(atOnceMs);
  });

  it('hides on B a model that A just restricted to a team the user is not in', async () => {
    const { key } = await member();
    const team = await createTeam(new OrgScope(db(), admin.user.orgId), { name: 'Research' });
    expect(listed(await models(b, key))).toContain('chat'); // B caches the open policy
    const { answer, afterMs } = await afterChange(
      async () => {
        const restricted = await asAdmin(a, {
          method: 'PUT',
          url: '/api/admin/model-access/chat',
          payload: { teamIds: [team.id] },
        });
        expect(restricted.statusCode, restricted.body).toBe(200);
      },
      async () => ({ list: await models(b, key), call: await complete(b, key) }),
    );
    expect(listed(answer.list)).not.toContain('chat');
    expect(answer.call.statusCode, answer.call.body).toBe(403);
    expect(afterMs).toBeLessThan(atOnceMs);
    // The rule applies to no one else: lifted on B, A serves the model again at once.
    const lifted = await asAdmin(b, {
      method: 'PUT',
      url: '/api/admin/model-access/chat',
      payload: { teamIds: [] },
    });
    expect(lifted.statusCode, lifted.body).toBe(200);
    expect(listed(await models(a, key))).toContain('chat');
  });

  it('applies on B a quota set on A to the user’s next requests', async () => {
    const { user, key } = await member();
    // Two calls with no quota: B caches the organisation's policy without one.
    for (let i = 0; i < 2; i++) expect((await complete(b, key)).statusCode).toBe(200);
    const { answer, afterMs } = await afterChange(
      async () => {
        const set = await asAdmin(a, {
          method: 'PUT',
          url: '/api/admin/quotas',
          payload: { scope: 'user', subjectId: user.id, rpm: 1 },
        });
        expect(set.statusCode, set.body).toBe(200);
      },
      async () => [await complete(b, key), await complete(b, key)],
    );
    const [first, second] = answer;
    expect(first!.statusCode, first!.body).toBe(200);
    expect(second!.statusCode, second!.body).toBe(429);
    expect(second!.json()).toMatchObject({ error: { code: expect.stringMatching(/rate|quota/) } });
    expect(afterMs).toBeLessThan(atOnceMs);
  });

  it('refuses on B a key revoked with `salon keys revoke` on the same database and Redis', async () => {
    const { key, keyId } = await member();
    // What the command sends is what replicas act on: watch it the way they do.
    const watcher = await RedisBus.connect(redisTestUrl);
    try {
      const notices: unknown[] = [];
      await watcher.onBroadcast(apiKeyEvictionsTopic, (message) =>
        notices.push(JSON.parse(message)),
      );
      expect((await models(b, key)).statusCode).toBe(200);
      const revoke = spawnSalon(['keys', 'revoke', keyId, '--data-dir', a.dataDir], {
        DATABASE_URL: schema.url,
        REDIS_URL: redisTestUrl,
      });
      const exit = await revoke.exit;
      expect(exit.status, exit.stderr).toBe(0);
      await expect.poll(() => notices, { timeout: 2_000, interval: 5 }).toContainEqual([keyId]);
      expect((await models(b, key)).statusCode).toBe(401);
    } finally {
      await watcher.close();
    }
  });
});
