// GET /api/conversations/:id?tail=N (docs/web-api.md): the end of the selected branch that the
// web UI paints first, on both dialects: the branch's last N messages with their siblings,
// the leaf, and whether anything was left out; another user's conversation stays a 404.
import { brotliDecompressSync } from 'node:zlib';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Conversation } from '../src/chat/conversation-record.js';
import type { Message } from '../src/chat/message-record.js';
import { openChatTestApp, type ChatTestApp } from './helpers/chat-app.js';
import { injectRunEvents } from './helpers/run-events.js';
import { signIn, type SignedIn } from './helpers/sign-in.js';
import { storeTargets } from './helpers/stores.js';

const targets = await storeTargets('conversation tail API');

interface Turn {
  userMessage: Message;
  assistantMessage: Message;
  runId: string;
}

interface Tail {
  conversation: Conversation;
  messages: Message[];
  leafId: string | null;
  complete: boolean;
}

describe.each(targets)('conversation tail on $dialect', (target) => {
  let t: ChatTestApp;
  let ada: SignedIn;
  let bob: SignedIn;
  let conversation: Conversation;
  // u1 → a1 → u2 → a2 → u3 → a3
  //                          └→ a3b (regenerated: selected)
  const ids: Record<string, string> = {};
  const runIds: string[] = [];

  const call = (who: SignedIn, method: string, url: string, payload?: object) =>
    t.app.inject({
      method: method as 'GET',
      url,
      headers: who.headers,
      ...(payload !== undefined && { payload }),
    });
  const json = <T>(response: LightMyRequestResponse, status = 200): T => {
    expect(response.statusCode, response.body).toBe(status);
    return response.json<T>();
  };
  const finish = async (runId: string) => {
    expect((await injectRunEvents(t.app, runId, ada.headers)).status).toBe(200);
  };
  const tail = async (limit: number) =>
    json<Tail>(await call(ada, 'GET', `/api/conversations/${conversation.id}?tail=${limit}`));
  const names = (messages: readonly Message[]) =>
    messages.map((message) => Object.keys(ids).find((name) => ids[name] === message.id));

  beforeAll(async () => {
    t = await openChatTestApp(target);
    ada = await signIn(t.runtime.store.db);
    bob = await signIn(t.runtime.store.db);
    conversation = json<Conversation>(await call(ada, 'POST', '/api/conversations', {}), 201);
    let parentId: string | null = null;
    for (const turn of [1, 2, 3]) {
      t.chat.script = [{ kind: 'reply', text: `Reply ${turn}` }];
      const posted: Turn = json<Turn>(
        await call(ada, 'POST', `/api/conversations/${conversation.id}/messages`, {
          content: `Question ${turn}`,
          parentId,
        }),
        201,
      );
      await finish(posted.runId);
      runIds.push(posted.runId);
      ids[`u${turn}`] = posted.userMessage.id;
      ids[`a${turn}`] = posted.assistantMessage.id;
      parentId = posted.assistantMessage.id;
    }
    t.chat.script = [{ kind: 'reply', text: 'Reply 3, again' }];
    const regenerated = json<{ assistantMessage: Message; runId: string }>(
      await call(ada, 'POST', `/api/messages/${ids.a3}/regenerate`, {}),
      201,
    );
    await finish(regenerated.runId);
    ids.a3b = regenerated.assistantMessage.id;
  });
  afterAll(async () => {
    await t?.dispose();
  });

  it('sends the branch’s last messages with their siblings, and says the rest is missing', async () => {
    const answer = await tail(2);
    expect(names(answer.messages)).toEqual(['u3', 'a3', 'a3b']);
    expect(answer).toMatchObject({ leafId: ids.a3b, complete: false });
    expect(answer.conversation.id).toBe(conversation.id);
    expect(answer.messages.find((message) => message.id === ids.a3b)?.content).toBe(
      'Reply 3, again',
    );
  });

  it('follows the stored selection, even to an older sibling', async () => {
    json(
      await call(ada, 'PATCH', `/api/conversations/${conversation.id}`, { selectedLeafId: ids.a3 }),
    );
    const answer = await tail(1);
    expect(names(answer.messages)).toEqual(['a3', 'a3b']);
    expect(answer.leafId).toBe(ids.a3);
    json(
      await call(ada, 'PATCH', `/api/conversations/${conversation.id}`, {
        selectedLeafId: ids.a3b,
      }),
    );
  });

  it('sends the whole tree when it fits', async () => {
    const partial = await tail(6);
    expect(partial.complete).toBe(false);
    expect(partial.messages).toHaveLength(7);
    const whole = await tail(7);
    expect(whole.complete).toBe(true);
    expect(names(whole.messages)).toEqual(['u1', 'a1', 'u2', 'a2', 'u3', 'a3', 'a3b']);
    expect(whole.leafId).toBe(ids.a3b);
  });

  it('compresses the answer for a browser that accepts brotli, and never the run events', async () => {
    const url = `/api/conversations/${conversation.id}`;
    const plain = await call(ada, 'GET', url);
    expect(plain.headers['content-encoding']).toBeUndefined();
    const compressed = await t.app.inject({
      method: 'GET',
      url,
      headers: { ...ada.headers, 'accept-encoding': 'gzip, deflate, br' },
    });
    expect(compressed.statusCode).toBe(200);
    expect(compressed.headers['content-encoding']).toBe('br');
    expect(compressed.rawPayload.length).toBeLessThan(plain.rawPayload.length);
    expect(JSON.parse(brotliDecompressSync(compressed.rawPayload).toString('utf8'))).toEqual(
      plain.json(),
    );
    const events = await t.app.inject({
      method: 'GET',
      url: `/api/runs/${runIds[0]}/events`,
      headers: { ...ada.headers, 'accept-encoding': 'gzip, br' },
    });
    expect(events.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(events.headers['content-encoding']).toBeUndefined();
    expect(events.body).toContain('event: finish');
  });

  it('answers 404 for another user’s conversation and 400 for a bad tail', async () => {
    const other = await call(bob, 'GET', `/api/conversations/${conversation.id}?tail=2`);
    expect(other.statusCode).toBe(404);
    expect(other.body).not.toContain('Reply');
    for (const bad of ['0', '201', 'ten']) {
      const response = await call(ada, 'GET', `/api/conversations/${conversation.id}?tail=${bad}`);
      expect(response.statusCode, bad).toBe(400);
      expect(response.json()).toMatchObject({ error: { param: 'tail' } });
    }
  });
});
