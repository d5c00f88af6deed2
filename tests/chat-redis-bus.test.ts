// Two Salon replicas sharing durable runs (DESIGN.md, "Durable runs"; docs/scale-out.md): two
// runtimes with their own apps, pools and Redis connections over one PostgreSQL schema and one
// Redis. A reply generated on A is followed, resumed and stopped through B.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisBus } from '../src/bus/redis.js';
import { buildApp } from '../src/server/app.js';
import { openRuntime } from '../src/server/runtime.js';
import { openChatTestApp, startConversation, type ChatTestApp } from './helpers/chat-app.js';
import { hasRedis, redisTestUrl } from './helpers/redis.js';
import { fetchRunEvents, joinedText, type ClientEvent } from './helpers/run-events.js';
import { signIn, type SignedIn } from './helpers/sign-in.js';
import { storeTargets } from './helpers/stores.js';

const postgres = (await storeTargets('chat on two replicas')).find(
  (target) => target.dialect === 'postgres',
);
const redis = await hasRedis('chat on two replicas');

describe.runIf(postgres && redis)('chat on two replicas sharing Redis and PostgreSQL', () => {
  let a: ChatTestApp;
  let b: { app: FastifyInstance; runtime: Awaited<ReturnType<typeof openRuntime>> };
  let ada: SignedIn;
  let urlA: string;
  let urlB: string;

  beforeAll(async () => {
    a = await openChatTestApp(postgres!, { env: { REDIS_URL: redisTestUrl } });
    // Replica B: the same settings (database, Redis, salon.yaml), its own process state.
    const runtime = await openRuntime(a.runtime.settings);
    b = { runtime, app: await buildApp(runtime, { forceCloseConnections: true }) };
    urlA = await a.app.listen({ port: 0, host: '127.0.0.1' });
    urlB = await b.app.listen({ port: 0, host: '127.0.0.1' });
    ada = await signIn(a.runtime.store.db);
  });
  afterAll(async () => {
    await b?.app.close();
    await b?.runtime.close();
    await a?.dispose();
  });

  // Twelve pieces of equal length, so the fake sends exactly one per chunk.
  const story = Array.from({ length: 12 }, (_, i) => `w${String(i).padStart(2, '0')} `).join('');
  const slowStory = (chunkDelayMs: number) => {
    a.chat.script = [{ kind: 'reply', text: story, chunks: 12, chunkDelayMs }];
  };
  const startOnA = () => startConversation(a.app, ada.headers, 'Tell me a story');
  const row = (messageId: string) =>
    b.runtime.store.db
      .selectFrom('messages')
      .select(['content', 'status'])
      .where('id', '=', messageId)
      .executeTakeFirstOrThrow();
  const expectNumbered = (events: ClientEvent[], from = 1) =>
    expect(events.map((event) => event.id)).toEqual(events.map((_, index) => from + index));

  it('follows on B, to the end and with the same text, a reply generated on A', async () => {
    slowStory(40);
    expect([a.runtime.bus, b.runtime.bus].map((bus) => bus instanceof RedisBus)).toEqual([
      true,
      true,
    ]);
    const run = await startOnA();
    expect(a.runtime.runs.activeCount).toBe(1);
    expect(b.runtime.runs.activeCount).toBe(0);
    const [onB, onA] = await Promise.all([
      fetchRunEvents(urlB, run.runId, ada.headers),
      fetchRunEvents(urlA, run.runId, ada.headers),
    ]);
    expectNumbered(onB);
    expect(onB.at(-1)).toMatchObject({ event: 'finish', data: { finishReason: 'stop' } });
    expect(joinedText(onB)).toBe(story);
    expect(onB).toEqual(onA);
    expect(await row(run.assistantMessage.id)).toEqual({ content: story, status: 'complete' });
  });

  it('resumes on B from a Last-Event-ID seen on A, with no gap and no duplicate', async () => {
    slowStory(60);
    const run = await startOnA();
    const first = await fetchRunEvents(urlA, run.runId, ada.headers, { take: 5 });
    expectNumbered(first);
    const rest = await fetchRunEvents(urlB, run.runId, {
      ...ada.headers,
      'last-event-id': String(first.at(-1)!.id),
    });
    expectNumbered(rest, 6);
    const all = [...first, ...rest];
    expect(all.filter((event) => event.event === 'text-delta')).toHaveLength(12);
    expect(all.at(-1)!.event).toBe('finish');
    expect(joinedText(all)).toBe(story);
  });

  it('stops from B a reply generated on A, keeping the text produced so far', async () => {
    slowStory(150);
    const run = await startOnA();
    let stop: Promise<number> | undefined;
    const events = await fetchRunEvents(urlA, run.runId, ada.headers, {
      onEvent: (event) => {
        if (event.id === 3) {
          stop ??= fetch(`${urlB}/api/runs/${run.runId}/stop`, {
            method: 'POST',
            headers: ada.headers,
          }).then((response) => response.status);
        }
      },
    });
    expect(await stop).toBe(204);
    expectNumbered(events);
    expect(events.at(-1)).toMatchObject({ event: 'finish', data: { finishReason: 'abort' } });
    const text = joinedText(events);
    expect(text.length).toBeGreaterThan(0);
    expect(text.length).toBeLessThan(story.length);
    expect(await row(run.assistantMessage.id)).toEqual({ content: text, status: 'stopped' });
    // B replays the same ended run from the shared log.
    expect(await fetchRunEvents(urlB, run.runId, ada.headers)).toEqual(events);
  });
});
