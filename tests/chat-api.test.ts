// The chat half of the web UI's API (docs/web-api.md, "Conversations, messages, runs") on both
// dialects, over a fake upstream model: conversations, the message tree, replies that survive
// a failing model, search, shares, export, feedback, folders, and owner checks on every route.
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Conversation } from '../src/chat/conversation-record.js';
import type { Message } from '../src/chat/message-record.js';
import { openChatTestApp, type ChatTestApp } from './helpers/chat-app.js';
import { injectRunEvents, joinedText } from './helpers/run-events.js';
import { signIn, type SignedIn } from './helpers/sign-in.js';
import { storeTargets } from './helpers/stores.js';

const targets = await storeTargets('chat API');

interface Turn {
  userMessage: Message;
  assistantMessage: Message;
  runId: string;
}

describe.each(targets)('chat API on $dialect', (target) => {
  let t: ChatTestApp;
  let ada: SignedIn;
  let bob: SignedIn;

  beforeAll(async () => {
    t = await openChatTestApp(target);
    ada = await signIn(t.runtime.store.db);
    bob = await signIn(t.runtime.store.db);
  });
  afterAll(async () => {
    await t?.dispose();
  });

  const call = (who: SignedIn | null, method: string, url: string, payload?: object) =>
    t.app.inject({
      method: method as 'GET',
      url,
      headers: who?.headers ?? {},
      ...(payload !== undefined && { payload }),
    });
  const json = <T>(response: LightMyRequestResponse, status = 200): T => {
    expect(response.statusCode, response.body).toBe(status);
    return response.json<T>();
  };
  const newConversation = async (who: SignedIn, body: object = {}) =>
    json<Conversation>(await call(who, 'POST', '/api/conversations', body), 201);
  const post = async (who: SignedIn, conversationId: string, body: object) =>
    json<Turn>(await call(who, 'POST', `/api/conversations/${conversationId}/messages`, body), 201);
  const follow = async (who: SignedIn, runId: string) => {
    const { status, events } = await injectRunEvents(t.app, runId, who.headers);
    expect(status).toBe(200);
    return events;
  };
  const load = async (who: SignedIn, id: string) =>
    json<{ conversation: Conversation; messages: Message[] }>(
      await call(who, 'GET', `/api/conversations/${id}`),
    );
  const reply = (text: string, extra: object = {}) => {
    t.chat.script = [{ kind: 'reply', text, chunks: 4, ...extra }];
  };

  it('answers 401 to a caller who is not signed in', async () => {
    expect((await call(null, 'GET', '/api/conversations')).statusCode).toBe(401);
    expect((await call(null, 'POST', '/api/conversations', {})).statusCode).toBe(401);
    expect((await call(null, 'GET', '/api/search?q=x')).statusCode).toBe(401);
  });

  it('posts a message and streams the reply into the tree, then titles the conversation', async () => {
    reply('Bonjour, comment ça va ?');
    const conversation = await newConversation(ada);
    expect(conversation).toMatchObject({ title: '', model: null, pinned: false, archived: false });
    const turn = await post(ada, conversation.id, { content: 'Salut !', parentId: null });
    expect(turn.userMessage).toMatchObject({
      role: 'user',
      content: 'Salut !',
      status: 'complete',
      parentId: null,
    });
    expect(turn.assistantMessage).toMatchObject({
      role: 'assistant',
      status: 'streaming',
      parentId: turn.userMessage.id,
      runId: turn.runId,
      model: 'chat',
    });
    const events = await follow(ada, turn.runId);
    expect(events.map((event) => event.id)).toEqual(events.map((_, index) => index + 1));
    expect(events.at(-1)).toMatchObject({
      event: 'finish',
      data: { finishReason: 'stop', usage: { promptTokens: 7, completionTokens: 4 } },
    });
    expect(joinedText(events)).toBe('Bonjour, comment ça va ?');
    const { conversation: stored, messages } = await load(ada, conversation.id);
    expect(messages.map((message) => [message.role, message.content, message.status])).toEqual([
      ['user', 'Salut !', 'complete'],
      ['assistant', 'Bonjour, comment ça va ?', 'complete'],
    ]);
    expect(stored.selectedLeafId).toBe(turn.assistantMessage.id);
    // The model saw the conversation's system prompt? None here: just the user's message.
    expect(t.chat.requests.at(-1)!.body.messages).toEqual([{ role: 'user', content: 'Salut !' }]);
    await expect
      .poll(async () => (await load(ada, conversation.id)).conversation.title)
      .toBe('Greetings in French');
  });

  it('sends the system prompt and the selected branch, and grows the tree on edit and regenerate', async () => {
    reply('Paris.');
    const conversation = await newConversation(ada, { systemPrompt: 'Be terse.', title: 'Geo' });
    const first = await post(ada, conversation.id, {
      content: 'Capital of France?',
      parentId: null,
    });
    await follow(ada, first.runId);
    reply('Berlin.');
    const second = await post(ada, conversation.id, {
      content: 'And Germany?',
      parentId: first.assistantMessage.id,
    });
    await follow(ada, second.runId);
    expect(t.chat.requests.at(-1)!.body.messages).toEqual([
      { role: 'system', content: 'Be terse.' },
      { role: 'user', content: 'Capital of France?' },
      { role: 'assistant', content: 'Paris.' },
      { role: 'user', content: 'And Germany?' },
    ]);

    reply('Rome.');
    const edited = json<Turn>(
      await call(ada, 'POST', `/api/messages/${second.userMessage.id}/edit`, {
        content: 'And Italy?',
      }),
      201,
    );
    expect(edited.userMessage.parentId).toBe(first.assistantMessage.id);
    await follow(ada, edited.runId);

    reply('Roma.');
    const regenerated = json<{ assistantMessage: Message; runId: string }>(
      await call(ada, 'POST', `/api/messages/${edited.assistantMessage.id}/regenerate`, {}),
      201,
    );
    expect(regenerated.assistantMessage.parentId).toBe(edited.userMessage.id);
    await follow(ada, regenerated.runId);
    expect(t.chat.requests.at(-1)!.body.messages).toEqual([
      { role: 'system', content: 'Be terse.' },
      { role: 'user', content: 'Capital of France?' },
      { role: 'assistant', content: 'Paris.' },
      { role: 'user', content: 'And Italy?' },
    ]);

    const { conversation: stored, messages } = await load(ada, conversation.id);
    expect(stored.selectedLeafId).toBe(regenerated.assistantMessage.id);
    expect(stored.title).toBe('Geo'); // a user's title is never replaced
    const children = (parentId: string | null) =>
      messages.filter((message) => message.parentId === parentId).map((message) => message.content);
    expect(children(null)).toEqual(['Capital of France?']);
    expect(children(first.assistantMessage.id)).toEqual(['And Germany?', 'And Italy?']);
    expect(children(edited.userMessage.id)).toEqual(['Rome.', 'Roma.']);

    // Selecting the first branch again is a PATCH; it must name a message of this conversation.
    const patched = json<Conversation>(
      await call(ada, 'PATCH', `/api/conversations/${conversation.id}`, {
        selectedLeafId: second.assistantMessage.id,
      }),
    );
    expect(patched.selectedLeafId).toBe(second.assistantMessage.id);
    reply('Hi.');
    const elsewhere = await post(ada, (await newConversation(ada)).id, {
      content: 'Hello',
      parentId: null,
    });
    await follow(ada, elsewhere.runId);
    for (const selectedLeafId of [elsewhere.assistantMessage.id, `${first.userMessage.id}0`]) {
      const foreign = await call(ada, 'PATCH', `/api/conversations/${conversation.id}`, {
        selectedLeafId,
      });
      expect(foreign.statusCode).toBe(400);
    }
  });

  it('commits the user’s message even when the model fails, and says so in the run', async () => {
    t.chat.script = [{ kind: 'status', status: 500, message: 'upstream exploded at 10.0.0.7' }];
    const conversation = await newConversation(ada);
    const turn = await post(ada, conversation.id, { content: 'Are you there?', parentId: null });
    const events = await follow(ada, turn.runId);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ id: 1, event: 'error' });
    expect(String(events[0]!.data.message)).not.toContain('10.0.0.7');
    const { messages } = await load(ada, conversation.id);
    expect(messages.map((message) => [message.role, message.content, message.status])).toEqual([
      ['user', 'Are you there?', 'complete'],
      ['assistant', '', 'error'],
    ]);
    expect(messages[1]!.error).toBe(events[0]!.data.message);

    // Typing on after a failed reply works: the empty reply is left out of the prompt.
    reply('Yes.');
    const next = await post(ada, conversation.id, {
      content: 'Hello?',
      parentId: turn.assistantMessage.id,
    });
    await follow(ada, next.runId);
    expect(t.chat.requests.at(-1)!.body.messages).toEqual([
      { role: 'user', content: 'Are you there?\n\nHello?' },
    ]);
  });

  it('refuses bad input with a 400 and writes nothing', async () => {
    const conversation = await newConversation(ada);
    const other = await newConversation(ada);
    const otherTurn = await post(ada, other.id, { content: 'elsewhere', parentId: null });
    await follow(ada, otherTurn.runId);
    const url = `/api/conversations/${conversation.id}/messages`;
    const bad = [
      { content: 'hi', parentId: null, model: 'no-such-model' },
      { content: '   ', parentId: null },
      { content: 'hi', parentId: otherTurn.assistantMessage.id },
      { content: 'hi', parentId: otherTurn.userMessage.id },
      { parentId: null },
      { content: 42, parentId: null },
    ];
    for (const body of bad) {
      const response = await call(ada, 'POST', url, body);
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(response.json()).toMatchObject({ error: { type: 'invalid_request_error' } });
    }
    expect((await load(ada, conversation.id)).messages).toEqual([]);
    expect((await call(ada, 'POST', '/api/conversations', { model: 'nope' })).statusCode).toBe(400);
    expect((await call(ada, 'GET', '/api/conversations?limit=0')).statusCode).toBe(400);
    expect((await call(ada, 'GET', '/api/conversations?cursor=garbage')).statusCode).toBe(400);
    expect(
      (await call(ada, 'GET', `/api/runs/${otherTurn.runId}/events?after=-1`)).statusCode,
    ).toBe(400);
  });

  it('lists conversations pinned first, then by last activity, page by page', async () => {
    const carol = await signIn(t.runtime.store.db);
    const made: Conversation[] = [];
    for (let i = 0; i < 5; i++) made.push(await newConversation(carol, { title: `c${i}` }));
    reply('ok');
    const turn = await post(carol, made[1]!.id, { content: 'bump', parentId: null });
    await follow(carol, turn.runId);
    await call(carol, 'PATCH', `/api/conversations/${made[3]!.id}`, { pinned: true });
    await call(carol, 'PATCH', `/api/conversations/${made[4]!.id}`, { archived: true });
    const titles: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: Conversation[]; nextCursor: string | null } = json(
        await call(carol, 'GET', `/api/conversations?limit=2${cursor ? `&cursor=${cursor}` : ''}`),
      );
      expect(page.items.length).toBeLessThanOrEqual(2);
      titles.push(...page.items.map((item) => item.title));
      cursor = page.nextCursor;
    } while (cursor);
    expect(titles).toEqual(['c3', 'c1', 'c2', 'c0']);
    const archived = json<{ items: Conversation[] }>(
      await call(carol, 'GET', '/api/conversations?archived=1'),
    );
    expect(archived.items.map((item) => item.title)).toEqual(['c4']);
  });

  it('keeps folders per user and filters conversations by folder', async () => {
    const folder = json<{ id: string; name: string }>(
      await call(ada, 'POST', '/api/folders', { name: 'Work' }),
      201,
    );
    const inside = await newConversation(ada, { title: 'filed', folderId: folder.id });
    expect(inside.folderId).toBe(folder.id);
    const listed = json<{ items: Conversation[] }>(
      await call(ada, 'GET', `/api/conversations?folderId=${folder.id}`),
    );
    expect(listed.items.map((item) => item.title)).toEqual(['filed']);
    const renamed = json<{ name: string }>(
      await call(ada, 'PATCH', `/api/folders/${folder.id}`, { name: 'Projects' }),
    );
    expect(renamed.name).toBe('Projects');
    expect(
      json<{ folders: unknown[] }>(await call(ada, 'GET', '/api/folders')).folders,
    ).toHaveLength(1);
    expect(json<{ folders: unknown[] }>(await call(bob, 'GET', '/api/folders')).folders).toEqual(
      [],
    );
    // Bob cannot file his conversation in Ada's folder.
    expect(
      (await call(bob, 'POST', '/api/conversations', { folderId: folder.id })).statusCode,
    ).toBe(400);
    expect((await call(ada, 'DELETE', `/api/folders/${folder.id}`)).statusCode).toBe(204);
    expect((await load(ada, inside.id)).conversation.folderId).toBeNull();
  });

  it('searches only the caller’s messages, with highlights', async () => {
    reply('A Comté from the Jura goes well with a vin jaune.');
    const conversation = await newConversation(ada, { title: 'Cheese' });
    const turn = await post(ada, conversation.id, {
      content: 'Which cheese with vin jaune?',
      parentId: null,
    });
    await follow(ada, turn.runId);
    const found = json<{ results: Array<Record<string, unknown>> }>(
      await call(ada, 'GET', '/api/search?q=jaune&limit=10'),
    );
    expect(found.results).toHaveLength(2);
    for (const result of found.results) {
      expect(result).toMatchObject({
        conversationId: conversation.id,
        conversationTitle: 'Cheese',
      });
      const snippet = String(result.snippet);
      const ranges = result.highlights as Array<[number, number]>;
      expect(ranges.map(([start, end]) => snippet.slice(start, end).toLowerCase())).toEqual([
        'jaune',
      ]);
    }
    expect(
      json<{ results: unknown[] }>(await call(bob, 'GET', '/api/search?q=jaune')).results,
    ).toEqual([]);
    expect(json<{ results: unknown[] }>(await call(ada, 'GET', '/api/search?q=')).results).toEqual(
      [],
    );
  });

  it('shares the selected branch without sign-in until revoked', async () => {
    reply('Shared answer.');
    const conversation = await newConversation(ada, { title: 'Public' });
    const turn = await post(ada, conversation.id, { content: 'Shared question', parentId: null });
    await follow(ada, turn.runId);
    await call(ada, 'PUT', `/api/messages/${turn.assistantMessage.id}/feedback`, { rating: 'up' });
    const share = json<{ id: string; url: string }>(
      await call(ada, 'POST', `/api/conversations/${conversation.id}/share`),
      201,
    );
    expect(share.url).toBe(`/s/${share.id}`);
    expect(share.id.length).toBeGreaterThanOrEqual(40);
    const publicView = json<{ title: string; messages: Message[] }>(
      await call(null, 'GET', `/api/shares/${share.id}`),
    );
    expect(publicView.title).toBe('Public');
    expect(publicView.messages.map((message) => message.content)).toEqual([
      'Shared question',
      'Shared answer.',
    ]);
    expect(
      publicView.messages.every((message) => message.runId === null && message.feedback === null),
    ).toBe(true);
    expect((await call(bob, 'DELETE', `/api/shares/${share.id}`)).statusCode).toBe(404);
    expect((await call(ada, 'DELETE', `/api/shares/${share.id}`)).statusCode).toBe(204);
    expect((await call(null, 'GET', `/api/shares/${share.id}`)).statusCode).toBe(404);
    expect((await call(null, 'GET', '/api/shares/not-a-share')).statusCode).toBe(404);
  });

  it('exports the selected branch as Markdown and JSON', async () => {
    reply('Deux.');
    const conversation = await newConversation(ada, {
      title: 'Maths: 1+1?',
      systemPrompt: 'Answer in French.',
    });
    const turn = await post(ada, conversation.id, { content: 'What is 1+1?', parentId: null });
    await follow(ada, turn.runId);
    const markdown = await call(
      ada,
      'GET',
      `/api/conversations/${conversation.id}/export?format=md`,
    );
    expect(markdown.statusCode).toBe(200);
    expect(markdown.headers['content-type']).toMatch(/^text\/markdown/);
    expect(markdown.headers['content-disposition']).toBe('attachment; filename="maths-11.md"');
    expect(markdown.body).toBe(
      '# Maths: 1+1?\n\n## System\n\nAnswer in French.\n\n## User\n\nWhat is 1+1?\n\n## Assistant (chat)\n\nDeux.\n',
    );
    const exported = await call(
      ada,
      'GET',
      `/api/conversations/${conversation.id}/export?format=json`,
    );
    expect(exported.headers['content-disposition']).toBe('attachment; filename="maths-11.json"');
    const body = exported.json<{ conversation: Conversation; messages: Message[] }>();
    expect(body.conversation.id).toBe(conversation.id);
    expect(body.messages.map((message) => message.content)).toEqual(['What is 1+1?', 'Deux.']);
    expect(
      (await call(ada, 'GET', `/api/conversations/${conversation.id}/export?format=pdf`))
        .statusCode,
    ).toBe(400);
  });

  it('keeps one rating per reply, shown with the message', async () => {
    reply('Rate me.');
    const conversation = await newConversation(ada);
    const turn = await post(ada, conversation.id, { content: 'Hi', parentId: null });
    await follow(ada, turn.runId);
    const url = `/api/messages/${turn.assistantMessage.id}/feedback`;
    expect(json(await call(ada, 'PUT', url, { rating: 'up' }))).toEqual({
      feedback: { rating: 'up', comment: null },
    });
    expect(json(await call(ada, 'PUT', url, { rating: 'down', comment: 'Too short' }))).toEqual({
      feedback: { rating: 'down', comment: 'Too short' },
    });
    expect((await load(ada, conversation.id)).messages[1]!.feedback).toEqual({
      rating: 'down',
      comment: 'Too short',
    });
    expect((await call(ada, 'PUT', url, { rating: 'meh' })).statusCode).toBe(400);
    expect(
      (await call(ada, 'PUT', `/api/messages/${turn.userMessage.id}/feedback`, { rating: 'up' }))
        .statusCode,
    ).toBe(400);
    expect((await call(ada, 'DELETE', url)).statusCode).toBe(204);
    expect((await load(ada, conversation.id)).messages[1]!.feedback).toBeNull();
  });

  it('answers 404 to another user on every route that takes Ada’s ids', async () => {
    reply('Private.');
    const conversation = await newConversation(ada, { title: 'Private' });
    const turn = await post(ada, conversation.id, { content: 'secret', parentId: null });
    await follow(ada, turn.runId);
    const share = json<{ id: string }>(
      await call(ada, 'POST', `/api/conversations/${conversation.id}/share`),
      201,
    );
    const folder = json<{ id: string }>(
      await call(ada, 'POST', '/api/folders', { name: 'Mine' }),
      201,
    );
    const c = conversation.id;
    const m = turn.assistantMessage.id;
    const u = turn.userMessage.id;
    const attempts: Array<[string, string, object?]> = [
      ['GET', `/api/conversations/${c}`],
      ['PATCH', `/api/conversations/${c}`, { title: 'mine now' }],
      ['DELETE', `/api/conversations/${c}`],
      ['POST', `/api/conversations/${c}/messages`, { content: 'hi', parentId: null }],
      ['POST', `/api/conversations/${c}/messages`, { content: 'hi', parentId: m }],
      ['POST', `/api/messages/${m}/regenerate`, {}],
      ['POST', `/api/messages/${u}/edit`, { content: 'changed' }],
      ['PUT', `/api/messages/${m}/feedback`, { rating: 'down' }],
      ['DELETE', `/api/messages/${m}/feedback`],
      ['GET', `/api/runs/${turn.runId}/events`],
      ['POST', `/api/runs/${turn.runId}/stop`],
      ['POST', `/api/conversations/${c}/share`],
      ['DELETE', `/api/shares/${share.id}`],
      ['GET', `/api/conversations/${c}/export?format=md`],
      ['GET', `/api/conversations/${c}/export?format=json`],
      ['PATCH', `/api/folders/${folder.id}`, { name: 'stolen' }],
      ['DELETE', `/api/folders/${folder.id}`],
    ];
    for (const [method, url, body] of attempts) {
      const response = await call(bob, method, url, body);
      expect(response.statusCode, `${method} ${url}`).toBe(404);
      expect(response.body).not.toContain('secret');
    }
    // Nothing changed for Ada.
    const { conversation: after, messages } = await load(ada, c);
    expect(after.title).toBe('Private');
    expect(messages).toHaveLength(2);
    expect(messages[1]!.feedback).toBeNull();
    expect((await call(null, 'GET', `/api/shares/${share.id}`)).statusCode).toBe(200);
  });

  it('deletes a conversation with its messages and share links', async () => {
    reply('Bye.');
    const conversation = await newConversation(ada);
    const turn = await post(ada, conversation.id, { content: 'Delete me', parentId: null });
    await follow(ada, turn.runId);
    const share = json<{ id: string }>(
      await call(ada, 'POST', `/api/conversations/${conversation.id}/share`),
      201,
    );
    expect((await call(ada, 'DELETE', `/api/conversations/${conversation.id}`)).statusCode).toBe(
      204,
    );
    expect((await call(ada, 'GET', `/api/conversations/${conversation.id}`)).statusCode).toBe(404);
    expect((await call(null, 'GET', `/api/shares/${share.id}`)).statusCode).toBe(404);
    expect((await call(ada, 'GET', `/api/runs/${turn.runId}/events`)).statusCode).toBe(404);
    const left = await t.runtime.store.db
      .selectFrom('messages')
      .select('id')
      .where('conversation_id', '=', conversation.id)
      .execute();
    expect(left).toEqual([]);
  });
});
