// Durable runs over real HTTP on both dialects (DESIGN.md, "Durable runs"): events numbered
// without gap, resuming with Last-Event-ID or ?after with no gap or duplicate, Stop before the
// first token and mid-stream, text flushed while streaming, and runs a restart interrupts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openChatTestApp, startConversation, type ChatTestApp } from './helpers/chat-app.js';
import {
  fetchRunEvents,
  injectRunEvents,
  joinedText,
  type ClientEvent,
} from './helpers/run-events.js';
import { signIn, type SignedIn } from './helpers/sign-in.js';
import { storeTargets } from './helpers/stores.js';

const targets = await storeTargets('durable runs');

describe.each(targets)('durable runs on $dialect', (target) => {
  let t: ChatTestApp;
  let ada: SignedIn;
  let baseUrl: string;

  const listen = async () => {
    baseUrl = await t.app.listen({ port: 0, host: '127.0.0.1' });
  };
  beforeAll(async () => {
    t = await openChatTestApp(target);
    ada = await signIn(t.runtime.store.db);
    await listen();
  });
  afterAll(async () => {
    await t?.dispose();
  });

  const start = (content = 'Tell me a story') => startConversation(t.app, ada.headers, content);
  const row = (messageId: string) =>
    t.runtime.store.db
      .selectFrom('messages')
      .select(['content', 'status', 'error', 'completion_tokens'])
      .where('id', '=', messageId)
      .executeTakeFirstOrThrow();
  const stop = (runId: string) =>
    t.app.inject({ method: 'POST', url: `/api/runs/${runId}/stop`, headers: ada.headers });
  // Twelve pieces of equal length, so the fake sends exactly one per chunk.
  const story = Array.from({ length: 12 }, (_, i) => `w${String(i).padStart(2, '0')} `).join('');
  const expectNumbered = (events: ClientEvent[], from = 1) =>
    expect(events.map((event) => event.id)).toEqual(events.map((_, index) => from + index));

  it('resumes with Last-Event-ID or ?after with no gap and no duplicate', async () => {
    t.chat.script = [{ kind: 'reply', text: story, chunks: 12, chunkDelayMs: 40 }];
    const run = await start();
    const first = await fetchRunEvents(baseUrl, run.runId, ada.headers, { take: 4 });
    expectNumbered(first);
    const byHeader = await fetchRunEvents(baseUrl, run.runId, {
      ...ada.headers,
      'last-event-id': '4',
    });
    expectNumbered(byHeader, 5);
    const all = [...first, ...byHeader];
    expect(all.at(-1)!.event).toBe('finish');
    expect(all.filter((event) => event.event === 'text-delta')).toHaveLength(12);
    expect(joinedText(all)).toBe(story);
    expect(await row(run.assistantMessage.id)).toMatchObject({
      content: story,
      status: 'complete',
    });
    // The same from ?after, and the header winning over it, once the run is over.
    const byQuery = await fetchRunEvents(baseUrl, run.runId, ada.headers, { query: '?after=10' });
    expectNumbered(byQuery, 11);
    const both = await fetchRunEvents(
      baseUrl,
      run.runId,
      { ...ada.headers, 'last-event-id': '12' },
      { query: '?after=2' },
    );
    expectNumbered(both, 13);
    expect(both.map((event) => event.event)).toEqual(['finish']);
  });

  it('flushes the growing text to the row while streaming', async () => {
    t.chat.script = [{ kind: 'reply', text: story, chunks: 12, chunkDelayMs: 120 }];
    const run = await start();
    await expect
      .poll(async () => (await row(run.assistantMessage.id)).content.length, {
        timeout: 5_000,
        interval: 20,
      })
      .toBeGreaterThan(0);
    const partial = await row(run.assistantMessage.id);
    expect(partial.status).toBe('streaming');
    expect(story.startsWith(partial.content)).toBe(true);
    expect(partial.content.length).toBeLessThan(story.length);
    await fetchRunEvents(baseUrl, run.runId, ada.headers);
    expect(await row(run.assistantMessage.id)).toMatchObject({
      content: story,
      status: 'complete',
    });
  });

  it('stops before the first token', async () => {
    t.chat.script = [{ kind: 'reply', text: story, chunks: 12, firstChunkDelayMs: 3_000 }];
    const run = await start();
    await expect.poll(() => t.chat.requests.length > 0 && t.runtime.runs.activeCount).toBe(1);
    expect((await stop(run.runId)).statusCode).toBe(204);
    const events = await fetchRunEvents(baseUrl, run.runId, ada.headers);
    expect(events).toEqual([
      { id: 1, event: 'finish', data: { finishReason: 'abort', usage: null } },
    ]);
    expect(await row(run.assistantMessage.id)).toMatchObject({
      content: '',
      status: 'stopped',
      error: null,
    });
  });

  it('stops mid-stream, keeping the text produced so far', async () => {
    t.chat.script = [{ kind: 'reply', text: story, chunks: 12, chunkDelayMs: 100 }];
    const run = await start();
    let stopped = false;
    const events = await fetchRunEvents(baseUrl, run.runId, ada.headers, {
      onEvent: (event) => {
        if (event.id === 3 && !stopped) {
          stopped = true;
          void stop(run.runId);
        }
      },
    });
    expectNumbered(events);
    expect(events.at(-1)).toMatchObject({ event: 'finish', data: { finishReason: 'abort' } });
    const text = joinedText(events);
    expect(text.length).toBeGreaterThan(0);
    expect(text.length).toBeLessThan(story.length);
    expect(await row(run.assistantMessage.id)).toMatchObject({ content: text, status: 'stopped' });
    // Stopping a finished run changes nothing.
    expect((await stop(run.runId)).statusCode).toBe(204);
    expect((await row(run.assistantMessage.id)).status).toBe('stopped');
  });

  it('interrupts the runs a shutdown cuts, and marks what a dead process left streaming', async () => {
    t.chat.script = [{ kind: 'reply', text: story, chunks: 12, chunkDelayMs: 150 }];
    const cut = await start();
    await fetchRunEvents(baseUrl, cut.runId, ada.headers, { take: 2 });
    // A reply a crashed process left behind, with some text already flushed; its lease was last
    // renewed a minute ago, so the next process's first sweep takes it over at once.
    const orphan = await start('Another story');
    await t.runtime.runs.close(); // as if the process died here: the row stays as the sweep finds it
    await t.runtime.store.db
      .updateTable('messages')
      .set({
        status: 'streaming',
        content: 'Once upon',
        error: null,
        run_heartbeat_at: new Date(Date.now() - 60_000).toISOString(),
      })
      .where('id', '=', orphan.assistantMessage.id)
      .execute();
    const cutRow = await row(cut.assistantMessage.id);
    expect(cutRow.status).toBe('interrupted');
    expect(cutRow.content.length).toBeGreaterThan(0);
    expect(story.startsWith(cutRow.content)).toBe(true);

    await t.restart();
    await listen();
    expect(await row(orphan.assistantMessage.id)).toMatchObject({
      status: 'interrupted',
      content: 'Once upon',
    });
    expect(await row(cut.assistantMessage.id)).toMatchObject({
      status: 'interrupted',
      content: cutRow.content,
    });

    // After the restart the bus log is gone: the run replays from the row.
    const replayed = await injectRunEvents(t.app, orphan.runId, ada.headers);
    expect(replayed.events.map((event) => [event.id, event.event])).toEqual([
      [1, 'text-delta'],
      [2, 'error'],
    ]);
    expect(joinedText(replayed.events)).toBe('Once upon');
  });

  it('replays a finished run from its row once the log is gone, and resumes past it', async () => {
    t.chat.script = [{ kind: 'reply', text: 'All done.', chunks: 3 }];
    const run = await start();
    await fetchRunEvents(baseUrl, run.runId, ada.headers);
    await t.restart();
    await listen();
    const replayed = await injectRunEvents(t.app, run.runId, ada.headers);
    expect(replayed.events).toEqual([
      { id: 1, event: 'text-delta', data: { text: 'All done.' } },
      {
        id: 2,
        event: 'finish',
        data: { finishReason: 'stop', usage: { promptTokens: 7, completionTokens: 3 } },
      },
    ]);
    const resumed = await injectRunEvents(t.app, run.runId, {
      ...ada.headers,
      'last-event-id': '1',
    });
    expect(resumed.events.map((event) => [event.id, event.event])).toEqual([[2, 'finish']]);
    const pastIt = await injectRunEvents(t.app, run.runId, {
      ...ada.headers,
      'last-event-id': '3',
    });
    expect(pastIt.events.map((event) => [event.id, event.event])).toEqual([[4, 'finish']]);
  });
});
