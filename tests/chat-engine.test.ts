// A conversation on the embedded engine with the shared tiny model (random weights, real
// Llama 2 tokenizer), on both dialects: the reply streams through a durable run, the text the
// client joins is exactly what is stored, and Stop cuts the engine mid-reply.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openChatTestApp, startConversation, type ChatTestApp } from './helpers/chat-app.js';
import { fetchRunEvents, joinedText } from './helpers/run-events.js';
import { hasTinyModel, tinyModelPath } from './helpers/shared-files.js';
import { signIn, type SignedIn } from './helpers/sign-in.js';
import { storeTargets } from './helpers/stores.js';

const run = hasTinyModel('chat on the embedded engine');
const targets = run ? await storeTargets('chat on the embedded engine') : [];

describe.runIf(run).each(targets)('chat on the embedded engine, $dialect', (target) => {
  let t: ChatTestApp;
  let ada: SignedIn;
  let baseUrl: string;

  beforeAll(async () => {
    t = await openChatTestApp(target, { modelFile: tinyModelPath });
    ada = await signIn(t.runtime.store.db);
    baseUrl = await t.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await t?.dispose();
  });

  const start = () => startConversation(t.app, ada.headers, 'Name three colours.');
  const stored = (messageId: string) =>
    t.runtime.store.db
      .selectFrom('messages')
      .select(['content', 'status', 'model', 'completion_tokens'])
      .where('id', '=', messageId)
      .executeTakeFirstOrThrow();

  it('streams a reply whose joined text is the stored message, then titles the conversation', async () => {
    const reply = await start();
    expect(reply.assistantMessage.model).toBe('small');
    const events = await fetchRunEvents(baseUrl, reply.runId, ada.headers);
    expect(events.map((event) => event.id)).toEqual(events.map((_, index) => index + 1));
    const finish = events.at(-1)!;
    expect(finish.event).toBe('finish');
    const row = await stored(reply.assistantMessage.id);
    expect(row.status).toBe('complete');
    expect(joinedText(events)).toBe(row.content);
    expect(row.completion_tokens).toBe(
      (finish.data.usage as { completionTokens: number }).completionTokens,
    );
    await expect
      .poll(
        async () =>
          (
            await t.runtime.store.db
              .selectFrom('conversations')
              .select('title')
              .where('id', '=', reply.conversationId)
              .executeTakeFirstOrThrow()
          ).title,
        { timeout: 20_000 },
      )
      .not.toBe('');
  });

  it('stops the engine mid-reply, keeping the text', async () => {
    const reply = await start();
    const events = await fetchRunEvents(baseUrl, reply.runId, ada.headers, {
      onEvent: (event) => {
        if (event.id === 3) {
          void t.app.inject({
            method: 'POST',
            url: `/api/runs/${reply.runId}/stop`,
            headers: ada.headers,
          });
        }
      },
    });
    const row = await stored(reply.assistantMessage.id);
    // The tiny model may finish on its own before Stop lands; either way the text is kept.
    expect(['stopped', 'complete']).toContain(row.status);
    expect(joinedText(events)).toBe(row.content);
    if (row.status === 'stopped') {
      expect(events.at(-1)).toMatchObject({ event: 'finish', data: { finishReason: 'abort' } });
    }
  });
});
