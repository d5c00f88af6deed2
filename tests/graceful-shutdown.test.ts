// A real `salon serve` stopped with SIGTERM mid-reply (docs/scale-out.md, "Graceful shutdown"):
// /readyz answers 503 at once while the server still serves, a short /v1 request in flight
// completes, the client following the reply is told to reconnect, the process exits with 0 within
// SALON_SHUTDOWN_TIMEOUT even though another client hangs mid-request, and nothing is lost: the reply is `interrupted` with at least the text
// its follower saw, and the usage ledger holds both requests.
import net from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeBehaviour } from './helpers/fake-openai.js';
import { fetchRunEvents, joinedText, type ClientEvent } from './helpers/run-events.js';
import { openReplicaSet, type ReplicaSet } from './helpers/replicas.js';
import { signInOwner, startRun, storyOf, writeSalonYaml } from './helpers/salon-session.js';
import { storeTargets } from './helpers/stores.js';

const targets = await storeTargets('graceful shutdown');
const timeoutSeconds = 6;
// 200 words at 100 ms: far longer than the shutdown budget, so the reply must be handed over.
const story = storyOf(200);

describe.each(targets)('graceful shutdown on $dialect', (target) => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  });

  it('drains, finishes short requests, hands the reply over and exits 0 in time', async () => {
    // Streamed chat replies are the long story; a plain /v1 request answers after 1.5 s.
    const respond = (body: Record<string, unknown>): FakeBehaviour =>
      body.stream
        ? { kind: 'reply', text: story, chunks: 200, chunkDelayMs: 100 }
        : { kind: 'slow', delayMs: 1_500, then: { kind: 'reply', text: 'Short answer.' } };
    const chat = await startFakeOpenAI([{ kind: 'respond', to: respond }]);
    const titles = await startFakeOpenAI([{ kind: 'reply', text: 'A story' }]);
    cleanups.push(
      () => chat.close(),
      () => titles.close(),
    );
    const set: ReplicaSet = await openReplicaSet({
      database: await target.createDatabase(),
      env: { SALON_SHUTDOWN_TIMEOUT: String(timeoutSeconds) },
      writeConfig: (dataDir) => writeSalonYaml(dataDir, chat, titles),
    });
    cleanups.push(() => set.dispose());
    const key = set.cli(['keys', 'create', '--name', 'ci']);
    expect(key.status, key.stderr).toBe(0);
    const server = await set.start();

    const session = await signInOwner(server.url);
    const run = await startRun(session);
    const seen: ClientEvent[] = [];
    const following = fetchRunEvents(server.url, run.runId, session.headers, {
      onEvent: (event) => seen.push(event),
    });
    await expect
      .poll(() => joinedText(seen).split(' ').length, { timeout: 15_000, interval: 100 })
      .toBeGreaterThan(10);

    // A short request, in flight when the signal arrives.
    const requestsBefore = chat.requests.length;
    const short = fetch(`${server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key.stdout.trim()}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'Hi' }] }),
    });
    await expect.poll(() => chat.requests.length, { interval: 20 }).toBe(requestsBefore + 1);

    // A client that sent half a request and hangs: it must not hold the shutdown.
    const hanging = net.connect(Number(new URL(server.url).port), '127.0.0.1');
    const hangingClosed = new Promise<void>((resolve) => hanging.once('close', () => resolve()));
    hanging.on('error', () => undefined);
    hanging.write(
      'POST /api/conversations HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n' +
        'content-length: 1000\r\n\r\n{"title":',
    );

    const exited = new Promise<number | null>((resolve) => server.process.once('exit', resolve));
    const signalledAt = performance.now();
    server.process.kill('SIGTERM');
    // Readiness is off at once, while the server still answers.
    await expect
      .poll(async () => (await fetch(`${server.url}/readyz`)).status, { interval: 20 })
      .toBe(503);
    const ready = (await (await fetch(`${server.url}/readyz`)).json()) as { status: string };
    expect(ready.status).toBe('draining');

    const answered = await short;
    expect(answered.status).toBe(200);
    const completion = (await answered.json()) as { choices: { message: { content: string } }[] };
    expect(completion.choices[0]!.message.content).toBe('Short answer.');

    const code = await exited;
    const exitMs = performance.now() - signalledAt;
    console.info(
      `graceful shutdown on ${target.dialect}: exited ${code} after ${Math.round(exitMs)} ms (budget ${timeoutSeconds} s)`,
    );
    console.info(
      server
        .stderr()
        .split('\n')
        .filter((line) => line.includes('salon: '))
        .join('\n'),
    );
    expect(code, server.stderr()).toBe(0);
    expect(exitMs).toBeLessThan(timeoutSeconds * 1000);
    expect(server.stderr()).toMatch(/shut down in \d+ ms/);
    expect(server.stderr()).toContain('cut the connections still open');
    await hangingClosed;

    // The follower was told to reconnect, last, with no number of its own (an SSE parser reports
    // the last id seen, as EventSource does, so it resumes after the run's last event).
    const events = await following;
    expect(events.at(-1)).toEqual({
      id: events.at(-2)!.id,
      event: 'reconnect',
      data: { retryMs: 1_000, reason: 'shutting down' },
    });
    const text = joinedText(events);

    const store = await set.store();
    const reply = await store.db
      .selectFrom('messages')
      .select(['status', 'content'])
      .where('id', '=', run.messageId)
      .executeTakeFirstOrThrow();
    expect(reply.status).toBe('interrupted');
    // Everything the follower saw is in the row, and more may have come before the cut.
    expect(reply.content.startsWith(text)).toBe(true);
    expect(story.startsWith(reply.content)).toBe(true);
    expect(reply.content.length).toBeLessThan(story.length);
    const user = await store.db
      .selectFrom('messages')
      .select('content')
      .where('conversation_id', '=', run.conversationId)
      .where('role', '=', 'user')
      .executeTakeFirstOrThrow();
    expect(user.content).toBe('Tell me a long story');
    // The ledger was flushed before exit: the /v1 request and the interrupted reply.
    const ledger = await store.db
      .selectFrom('usage_events')
      .select(['status', 'error_code'])
      .where('model', '=', 'chat')
      .execute();
    expect(ledger).toEqual(
      expect.arrayContaining([
        { status: 200, error_code: null },
        { status: 200, error_code: 'interrupted' },
      ]),
    );
  }, 120_000);
});
