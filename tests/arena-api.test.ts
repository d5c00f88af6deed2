// Arena battles through the web UI's API on both dialects, over two fake upstream models
// (`chat` and `small`, each answering with its own text so a side can be traced to its model):
// blind answers followed as runs, one vote per battle, owner checks, battles kept out of the
// chat, and the leaderboard with its exports.
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Battle } from '../src/chat/arena/battle-record.js';
import type { Leaderboard } from '../src/evals/leaderboard/leaderboard.js';
import { summarize } from '../src/evals/mmlu/results.js';
import { createRun, finishRun, setRunMethod } from '../src/evals/mmlu/run-store.js';
import { openApiTestApp } from './helpers/api-app.js';
import { openChatTestApp, type ChatTestApp } from './helpers/chat-app.js';
import { injectRunEvents, joinedText } from './helpers/run-events.js';
import { signIn, type SignedIn } from './helpers/sign-in.js';
import { storeTargets } from './helpers/stores.js';

const targets = await storeTargets('arena API');

// Texts that do not name their model: a name in the stream would be a leak the test must see.
const answerOf: Record<string, string> = { chat: 'Paris, of course.', small: 'It is Paris.' };

describe.each(targets)('arena API on $dialect', (target) => {
  let t: ChatTestApp;
  let ada: SignedIn;
  let bob: SignedIn;

  beforeAll(async () => {
    t = await openChatTestApp(target);
    t.chat.script = [{ kind: 'reply', text: answerOf.chat!, chunks: 3 }];
    t.titles.script = [{ kind: 'reply', text: answerOf.small!, chunks: 3 }];
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
  const start = async (who: SignedIn, content: string) =>
    json<Battle>(await call(who, 'POST', '/api/arena/battles', { content }), 201);
  const follow = async (who: SignedIn, runId: string | null) => {
    const { status, events } = await injectRunEvents(t.app, runId!, who.headers);
    expect(status).toBe(200);
    return events;
  };
  const vote = (who: SignedIn, id: string, outcome: string) =>
    call(who, 'POST', `/api/arena/battles/${id}/vote`, { outcome });

  it('streams two blind answers from two different models, then names them after the vote', async () => {
    const battle = await start(ada, 'Which is the capital of France?');
    expect(battle).toMatchObject({ prompt: 'Which is the capital of France?', vote: null });
    expect(battle.a).toMatchObject({ model: null, status: 'streaming' });
    expect(battle.b).toMatchObject({ model: null, status: 'streaming' });
    expect(battle.a.runId).not.toBe(battle.b.runId);

    const [eventsA, eventsB] = await Promise.all([
      follow(ada, battle.a.runId),
      follow(ada, battle.b.runId),
    ]);
    const texts = [joinedText(eventsA), joinedText(eventsB)];
    expect(texts.sort()).toEqual([answerOf.chat, answerOf.small].sort());
    // Nothing the client reads before voting names a model.
    for (const event of [...eventsA, ...eventsB])
      expect(JSON.stringify(event)).not.toMatch(/chat|small/);

    const read = json<Battle>(await call(ada, 'GET', `/api/arena/battles/${battle.id}`));
    expect(read.a).toMatchObject({ model: null, status: 'complete' });
    expect(read.b).toMatchObject({ model: null, status: 'complete' });
    expect(JSON.stringify(read)).not.toMatch(/"(chat|small)"/);

    const voted = json<Battle>(await vote(ada, battle.id, 'a'));
    expect(voted.vote).toBe('a');
    expect([voted.a.model, voted.b.model].sort()).toEqual(['chat', 'small']);
    // Each side's name is the model that wrote its text.
    expect(voted.a.content).toBe(answerOf[voted.a.model!]);
    expect(voted.b.content).toBe(answerOf[voted.b.model!]);
    const again = json<Battle>(await call(ada, 'GET', `/api/arena/battles/${battle.id}`));
    expect(again.a.model).toBe(voted.a.model);
  });

  it('refuses a second vote with 409, even a different one', async () => {
    const battle = await start(ada, 'Tell me a joke.');
    await Promise.all([follow(ada, battle.a.runId), follow(ada, battle.b.runId)]);
    json(await vote(ada, battle.id, 'tie'));
    const second = await vote(ada, battle.id, 'b');
    expect(second.statusCode).toBe(409);
    expect(second.json()).toMatchObject({ error: { code: 'already_voted' } });
    const same = await vote(ada, battle.id, 'tie');
    expect(same.statusCode).toBe(409);
    // Two votes racing: exactly one counts.
    const raced = await start(ada, 'Race me.');
    await Promise.all([follow(ada, raced.a.runId), follow(ada, raced.b.runId)]);
    const answers = await Promise.all([vote(ada, raced.id, 'a'), vote(ada, raced.id, 'b')]);
    expect(answers.map((answer) => answer.statusCode).sort()).toEqual([200, 409]);
  });

  it("answers 404 for another user's battle: reading, voting, following its runs", async () => {
    const battle = await start(ada, 'A private question.');
    await Promise.all([follow(ada, battle.a.runId), follow(ada, battle.b.runId)]);
    const read = await call(bob, 'GET', `/api/arena/battles/${battle.id}`);
    expect(read.statusCode).toBe(404);
    expect(read.json()).toMatchObject({ error: { code: 'battle_not_found' } });
    expect((await vote(bob, battle.id, 'a')).statusCode).toBe(404);
    expect((await injectRunEvents(t.app, battle.a.runId!, bob.headers)).status).toBe(404);
    expect((await call(bob, 'GET', '/api/arena/battles/battle_nope')).statusCode).toBe(404);
    // Bob's attempt changed nothing: Ada can still vote.
    json(await vote(ada, battle.id, 'b'));
  });

  it('refuses a vote while an answer is still coming, and bad input', async () => {
    t.chat.script = [{ kind: 'reply', text: answerOf.chat!, chunks: 3, chunkDelayMs: 300 }];
    t.titles.script = [{ kind: 'reply', text: answerOf.small!, chunks: 3, chunkDelayMs: 300 }];
    try {
      const battle = await start(ada, 'Slowly, please.');
      const early = await vote(ada, battle.id, 'a');
      expect(early.statusCode).toBe(409);
      expect(early.json()).toMatchObject({ error: { code: 'battle_in_progress' } });
      await Promise.all([follow(ada, battle.a.runId), follow(ada, battle.b.runId)]);
      json(await vote(ada, battle.id, 'both_bad'));
    } finally {
      t.chat.script = [{ kind: 'reply', text: answerOf.chat!, chunks: 3 }];
      t.titles.script = [{ kind: 'reply', text: answerOf.small!, chunks: 3 }];
    }
    const battle = await start(ada, 'Bad votes.');
    const bad = await vote(ada, battle.id, 'c');
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: { param: 'outcome' } });
    const empty = await call(ada, 'POST', '/api/arena/battles', { content: '  ' });
    expect(empty.statusCode).toBe(400);
    expect((await call(null, 'POST', '/api/arena/battles', { content: 'x' })).statusCode).toBe(401);
    await Promise.all([follow(ada, battle.a.runId), follow(ada, battle.b.runId)]);
  });

  it('keeps battles out of the chat: lists, search, conversation routes and thumbs', async () => {
    const battle = await start(ada, 'Zanzibar quokka question');
    await Promise.all([follow(ada, battle.a.runId), follow(ada, battle.b.runId)]);
    const list = json<{ items: { title: string }[] }>(await call(ada, 'GET', '/api/conversations'));
    expect(list.items.map((item) => item.title).join(' ')).not.toMatch(/Zanzibar|capital|joke/);
    const search = json<{ results: unknown[] }>(await call(ada, 'GET', '/api/search?q=quokka'));
    expect(search.results).toEqual([]);
    const thumbs = await call(ada, 'PUT', `/api/messages/${battle.a.messageId}/feedback`, {
      rating: 'up',
    });
    expect(thumbs.statusCode).toBe(404);
    const regenerate = await call(
      ada,
      'POST',
      `/api/messages/${battle.a.messageId}/regenerate`,
      {},
    );
    expect(regenerate.statusCode).toBe(404);
    const conversationId = (
      await t.runtime.store.db
        .selectFrom('arena_battles')
        .select('conversation_id')
        .where('id', '=', battle.id)
        .executeTakeFirstOrThrow()
    ).conversation_id;
    // Its messages (which carry the model names) are not reachable as a conversation.
    expect((await call(ada, 'GET', `/api/conversations/${conversationId}`)).statusCode).toBe(404);
    expect(
      (await call(ada, 'POST', `/api/conversations/${conversationId}/share`, {})).statusCode,
    ).toBe(404);
    // No feedback row was written for an arena answer.
    const feedback = await t.runtime.store.db.selectFrom('feedback').selectAll().execute();
    expect(feedback).toEqual([]);
  });

  it('rates both models on the leaderboard and exports it as CSV and JSON', async () => {
    const board = json<Leaderboard>(await call(bob, 'GET', '/api/leaderboard'));
    const voted = await t.runtime.store.db.selectFrom('arena_votes').select('battle_id').execute();
    expect(board.arena.battles).toBe(voted.length);
    expect(board.arena.ratings.map((rating) => rating.model).sort()).toEqual(['chat', 'small']);
    for (const rating of board.arena.ratings) {
      expect(rating.lower).toBeLessThanOrEqual(rating.rating);
      expect(rating.upper).toBeGreaterThanOrEqual(rating.rating);
      expect(rating.battles).toBe(voted.length);
    }
    expect(board.mmlu.published.map((score) => [score.model, score.mmlu])).toContainEqual([
      'Mistral Large',
      81.2,
    ]);
    expect(Array.isArray(board.mmlu.runs)).toBe(true);

    const csv = await call(bob, 'GET', '/api/leaderboard/export?format=csv');
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.headers['content-disposition']).toMatch(
      /^attachment; filename="salon-leaderboard-.*\.csv"$/,
    );
    expect(csv.body).toMatch(/^board,source,model,rank,score/);
    expect(csv.body).toMatch(/\r\narena,measured,(chat|small),/);
    expect(csv.body).toContain('mmlu,published,GPT-4,,86.4,');

    const exported = await call(bob, 'GET', '/api/leaderboard/export?format=json');
    expect(exported.headers['content-disposition']).toMatch(/\.json"$/);
    const parsed = JSON.parse(exported.body) as Leaderboard;
    expect(parsed.arena.ratings).toHaveLength(2);
    expect((await call(bob, 'GET', '/api/leaderboard/export?format=xml')).statusCode).toBe(400);
    expect((await call(null, 'GET', '/api/leaderboard')).statusCode).toBe(401);
  });
});

describe.each(targets)('deleting an account with battles on $dialect', (target) => {
  it('deletes its battles and votes too, and the ratings no longer count them', async () => {
    const t = await openChatTestApp(target);
    try {
      const db = t.runtime.store.db;
      const owner = await signIn(db, { role: 'owner' });
      const member = await signIn(db);
      const started = await t.app.inject({
        method: 'POST',
        url: '/api/arena/battles',
        headers: member.headers,
        payload: { content: 'Hello' },
      });
      const battle = started.json<Battle>();
      await injectRunEvents(t.app, battle.a.runId!, member.headers);
      await injectRunEvents(t.app, battle.b.runId!, member.headers);
      const voted = await t.app.inject({
        method: 'POST',
        url: `/api/arena/battles/${battle.id}/vote`,
        headers: member.headers,
        payload: { outcome: 'a' },
      });
      expect(voted.statusCode).toBe(200);
      const before = await t.app.inject({
        method: 'GET',
        url: '/api/leaderboard',
        headers: owner.headers,
      });
      expect(before.json<Leaderboard>().arena.battles).toBe(1);
      const deleted = await t.app.inject({
        method: 'DELETE',
        url: `/api/users/${member.user.id}`,
        headers: owner.headers,
      });
      expect(deleted.statusCode, deleted.body).toBe(204);
      expect(await db.selectFrom('arena_battles').selectAll().execute()).toEqual([]);
      expect(await db.selectFrom('arena_votes').selectAll().execute()).toEqual([]);
      const after = await t.app.inject({
        method: 'GET',
        url: '/api/leaderboard',
        headers: owner.headers,
      });
      expect(after.json<Leaderboard>().arena).toMatchObject({ battles: 0, ratings: [] });
    } finally {
      await t.dispose();
    }
  });
});

describe.each(targets)('leaderboard with MMLU runs on $dialect', (target) => {
  it('shows finished runs measured here, best first, with their subjects; unfinished ones not', async () => {
    const t = await openApiTestApp(target);
    try {
      const db = t.runtime.store.db;
      const ada = await signIn(db);
      const run = async (model: string, correct: Record<string, boolean[]>, finish = true) => {
        const parameters = {
          model,
          split: 'test' as const,
          shots: 5,
          subjects: Object.keys(correct),
          dataDigest: 'digest',
        };
        const created = await createRun(db, parameters, 4);
        await setRunMethod(db, created.id, 'engine-logprobs', `local/${model}`);
        const answers = Object.entries(correct).flatMap(([subject, marks]) =>
          marks.map((mark) => ({ subject, correct: mark })),
        );
        if (finish) await finishRun(db, created.id, summarize(answers));
      };
      await run('weak', { anatomy: [true, false, false, false], astronomy: [false, false] });
      await run('strong', { anatomy: [true, true, true, false], astronomy: [true, false] });
      await run('unfinished', { anatomy: [true] }, false);
      const answer = await t.app.inject({
        method: 'GET',
        url: '/api/leaderboard',
        headers: ada.headers,
      });
      const runs = answer.json<Leaderboard>().mmlu.runs;
      expect(runs.map((r) => r.model)).toEqual(['strong', 'weak']);
      expect(runs[0]).toMatchObject({
        micro: 4 / 6,
        macro: (3 / 4 + 1 / 2) / 2,
        n: 6,
        shots: 5,
        method: 'engine-logprobs',
        limit: null,
        subjects: { anatomy: { acc: 0.75, n: 4 }, astronomy: { acc: 0.5, n: 2 } },
      });
      expect(runs[0]!.microLower).toBeLessThan(4 / 6);
      expect(runs[0]!.microUpper).toBeGreaterThan(4 / 6);
      const csv = await t.app.inject({
        method: 'GET',
        url: '/api/leaderboard/export?format=csv',
        headers: ada.headers,
      });
      expect(csv.body).toMatch(/\r\nmmlu,measured,strong,,66\.6667,/);
    } finally {
      await t.dispose();
    }
  });
});

describe.each(targets)('arena with fewer than two models on $dialect', (target) => {
  it('says so clearly', async () => {
    const t = await openApiTestApp(target);
    try {
      const ada = await signIn(t.runtime.store.db);
      const answer = await t.app.inject({
        method: 'POST',
        url: '/api/arena/battles',
        headers: ada.headers,
        payload: { content: 'Hello?' },
      });
      expect(answer.statusCode).toBe(400);
      expect(answer.json()).toMatchObject({
        error: {
          code: 'arena_needs_two_models',
          message: expect.stringMatching(/at least two models/),
        },
      });
      const board = await t.app.inject({
        method: 'GET',
        url: '/api/leaderboard',
        headers: ada.headers,
      });
      expect(board.json<Leaderboard>().arena).toMatchObject({ battles: 0, ratings: [] });
    } finally {
      await t.dispose();
    }
  });
});
