// Run leases across replicas (docs/scale-out.md, "Leases"): two real `salon serve` processes on
// one database (one SQLite file, or one PostgreSQL schema) and one Redis. Replica A is killed
// mid-reply; B marks A's reply interrupted within seconds of A's last heartbeat, text kept, and a
// client following it on B gets a final event; B's own reply, streaming all along, is never
// touched and completes. And in process: a replica that was taken over while it still ran (its
// renewals stalled) stops that run and writes nothing over the take-over.
import { afterAll, describe, expect, it } from 'vitest';
import { abandonedRunMessage, interruptAbandonedRuns } from '../src/chat/run-leases.js';
import type { Store } from '../src/store/create-database.js';
import { openChatTestApp, startConversation } from './helpers/chat-app.js';
import { startFakeOpenAI, type FakeUpstream } from './helpers/fake-openai.js';
import { hasRedis, redisTestUrl } from './helpers/redis.js';
import { fetchRunEvents, injectRunEvents, joinedText } from './helpers/run-events.js';
import { openReplicaSet, type ReplicaSet } from './helpers/replicas.js';
import {
  onReplica,
  signInOwner,
  startRun,
  storyOf,
  writeSalonYaml,
} from './helpers/salon-session.js';
import { signIn } from './helpers/sign-in.js';
import { storeTargets } from './helpers/stores.js';

const targets = await storeTargets('run leases across replicas');
const redis = await hasRedis('run leases across replicas');
const heartbeatSeconds = 0.5;
const story = storyOf(80);

describe.runIf(redis).each(targets)('run leases on $dialect', (target) => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  });

  it('takes over a killed replica’s reply within seconds and never touches a live one', async () => {
    const chat: FakeUpstream = await startFakeOpenAI([
      { kind: 'reply', text: story, chunks: 80, chunkDelayMs: 100 },
    ]);
    const titles = await startFakeOpenAI([{ kind: 'reply', text: 'A story' }]);
    cleanups.push(
      () => chat.close(),
      () => titles.close(),
    );
    const set: ReplicaSet = await openReplicaSet({
      database: await target.createDatabase(),
      redisUrl: redisTestUrl,
      env: { SALON_RUN_HEARTBEAT: String(heartbeatSeconds) },
      writeConfig: (dataDir) => writeSalonYaml(dataDir, chat, titles),
    });
    cleanups.push(() => set.dispose());
    const a = await set.start();
    const b = await set.start();
    for (const replica of [a, b]) {
      expect(replica.replicaId).toMatch(/^replica_/);
      expect(replica.stderr()).toContain(`as ${replica.replicaId}`);
    }
    const [replicaA, replicaB] = [a.replicaId, b.replicaId];
    expect(replicaB).not.toBe(replicaA);

    // The test reads rows directly; on SQLite its connection waits its turn like a third process.
    const store: Store = await set.store();
    const row = (messageId: string) =>
      store.db
        .selectFrom('messages')
        .select(['status', 'content', 'error', 'run_owner', 'run_heartbeat_at'])
        .where('id', '=', messageId)
        .executeTakeFirstOrThrow();

    const onA = await signInOwner(a.url);
    const onB = onReplica(onA, b.url);
    const live = await startRun(onB);
    const doomed = await startRun(onA);
    // A client follows A's reply through B (the Redis bus carries A's events).
    const followed = fetchRunEvents(b.url, doomed.runId, onB.headers);

    await expect
      .poll(async () => (await row(doomed.messageId)).content.split(' ').length, {
        timeout: 15_000,
        interval: 100,
      })
      .toBeGreaterThan(8);
    expect(await row(doomed.messageId)).toMatchObject({ status: 'streaming', run_owner: replicaA });
    expect(await row(live.messageId)).toMatchObject({ status: 'streaming', run_owner: replicaB });

    expect(await a.stop('SIGKILL')).toBeNull();
    const killedAt = performance.now();
    const flushed = (await row(doomed.messageId)).content;
    await expect
      .poll(async () => (await row(doomed.messageId)).status, { timeout: 15_000, interval: 50 })
      .toBe('interrupted');
    const takeoverMs = performance.now() - killedAt;
    console.info(
      `run leases on ${target.dialect}: A's reply interrupted ${Math.round(takeoverMs)} ms after the kill (heartbeat ${heartbeatSeconds * 1000} ms, expiry ×3)`,
    );
    // Three heartbeats plus the sweep's own period, with room for a loaded machine.
    expect(takeoverMs).toBeLessThan(heartbeatSeconds * 1000 * 3 + 3_000);
    const interrupted = await row(doomed.messageId);
    expect(interrupted.error).toBe(abandonedRunMessage);
    // Kept: what was flushed, and what the run's log had beyond it (followers saw that much).
    expect(interrupted.content.startsWith(flushed)).toBe(true);
    expect(interrupted.content.length).toBeGreaterThan(0);
    expect(story.startsWith(interrupted.content)).toBe(true);
    // B logs the take-over once its sweep is done, a moment after the row changed.
    await expect
      .poll(() => b.stderr(), { timeout: 5_000, interval: 50 })
      .toMatch(new RegExp(`marked 1 reply of ${replicaA} interrupted`));

    // The follower on B ended cleanly with the final event, after the text it had seen.
    const events = await followed;
    expect(events.at(-1)).toMatchObject({ event: 'error', data: { message: abandonedRunMessage } });
    expect(events.map((event) => event.id)).toEqual(events.map((_, index) => index + 1));
    expect(joinedText(events)).toBe(interrupted.content);

    // B's own reply was renewed throughout and runs to its end.
    const stillLive = await row(live.messageId);
    expect(stillLive).toMatchObject({ status: 'streaming', run_owner: replicaB });
    expect(Date.parse(stillLive.run_heartbeat_at!)).toBeGreaterThan(Date.now() - 3_000);
    await expect
      .poll(async () => (await row(live.messageId)).status, { timeout: 30_000, interval: 200 })
      .toBe('complete');
    expect((await row(live.messageId)).content).toBe(story);
  }, 120_000);
});

describe.each(targets)('a run taken over while its replica lives, on $dialect', (target) => {
  it('stops generating it and leaves the take-over as it is', async () => {
    const t = await openChatTestApp(target, { env: { SALON_RUN_HEARTBEAT: '0.2' } });
    try {
      const ada = await signIn(t.runtime.store.db);
      t.chat.script = [{ kind: 'reply', text: story, chunks: 80, chunkDelayMs: 50 }];
      const run = await startConversation(t.app, ada.headers, 'Tell me a long story');
      const row = () =>
        t.runtime.store.db
          .selectFrom('messages')
          .select(['status', 'content', 'error', 'run_owner'])
          .where('id', '=', run.assistantMessage.id)
          .executeTakeFirstOrThrow();
      await expect
        .poll(async () => (await row()).content.length, { interval: 50 })
        .toBeGreaterThan(0);
      expect((await row()).run_owner).toBe(t.runtime.runs.replicaId);
      // Another replica's sweep, as if this one had missed its renewals for a minute.
      const swept = await interruptAbandonedRuns(
        { db: t.runtime.store.db, bus: t.runtime.bus },
        new Date(Date.now() + 60_000),
      );
      expect(swept).toEqual([
        { messageId: run.assistantMessage.id, runId: run.runId, owner: t.runtime.runs.replicaId },
      ]);
      const takenOver = await row();
      // The next renewal finds the run gone and stops it.
      await expect.poll(() => t.runtime.runs.activeCount, { timeout: 5_000 }).toBe(0);
      expect(await row()).toEqual({
        ...takenOver,
        status: 'interrupted',
        error: abandonedRunMessage,
      });
      const { events } = await injectRunEvents(t.app, run.runId, ada.headers);
      const last = events.filter((event) => event.event !== 'text-delta');
      expect(last).toEqual([
        { id: events.length, event: 'error', data: { message: abandonedRunMessage } },
      ]);
      // A second sweep finds nothing: exactly one replica wins each run.
      expect(
        await interruptAbandonedRuns(
          { db: t.runtime.store.db, bus: t.runtime.bus },
          new Date(Date.now() + 60_000),
        ),
      ).toEqual([]);
    } finally {
      await t.dispose();
    }
  }, 60_000);
});
