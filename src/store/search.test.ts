// Contract: full-text search behaves the same on both dialects, finds only the caller's
// messages, newest first, highlights what matched, and follows inserts, edits, deletes and
// conversations changing hands.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, storeTargets } from '../../tests/helpers/stores.js';
import type { Store } from './create-database.js';
import { matchEnd, matchStart } from './search-snippet.js';
import { searchMessages, type MessageSearchHit } from './search.js';

const targets = await storeTargets('message search');
const now = '2025-01-01T00:00:00.000Z';

async function seed(store: Store) {
  for (const id of ['ada', 'bob']) {
    await store.db
      .insertInto('users')
      .values({
        id,
        email: `${id}@example.com`,
        password_hash: null,
        display_name: null,
        role: 'member',
        created_at: now,
        updated_at: now,
        disabled_at: null,
      })
      .execute();
  }
  const conversation = (id: string, userId: string, title: string) => ({
    id,
    user_id: userId,
    title,
    model: null,
    system_prompt: null,
    folder_id: null,
    pinned: 0,
    archived: 0,
    selected_leaf_id: null,
    created_at: now,
    updated_at: now,
    last_activity_at: now,
  });
  await store.db
    .insertInto('conversations')
    .values([conversation('c-ada', 'ada', 'Wine'), conversation('c-bob', 'bob', 'Bob’s wine')])
    .execute();
  const message = (id: string, conversationId: string, content: string, minute: number) => ({
    id,
    conversation_id: conversationId,
    parent_id: null,
    role: 'user' as const,
    content,
    model: null,
    status: 'complete' as const,
    error: null,
    run_id: null,
    prompt_tokens: null,
    completion_tokens: null,
    created_at: `2025-01-01T00:0${minute}:00.000Z`,
    updated_at: now,
  });
  await store.db
    .insertInto('messages')
    .values([
      message('m1', 'c-ada', 'Which red wine goes with a Comté cheese?', 1),
      message('m2', 'c-ada', 'A white wine from Jura is the classic pairing.', 2),
      message('m3', 'c-ada', 'Tell me about the Loire valley castles.', 3),
      message('m4', 'c-bob', 'Red wine for my secret dinner?', 4),
    ])
    .execute();
}

const highlighted = (hit: MessageSearchHit) =>
  hit.highlights.map(([start, end]) => hit.snippet.slice(start, end).toLowerCase());

describe.each(targets)('message search on $dialect', (target) => {
  let store: Store;
  let dispose: () => Promise<void>;
  const search = (userId: string, text: string, limit = 20) =>
    searchMessages(store, { userId, text, limit });

  beforeAll(async () => {
    ({ store, dispose } = await openTestStore(target));
    await seed(store);
  });
  afterAll(async () => dispose());

  it('finds only the caller’s messages, with the conversation they belong to', async () => {
    const hits = await search('ada', 'wine');
    expect(hits.map((hit) => hit.messageId).sort()).toEqual(['m1', 'm2']);
    expect(hits[0]).toMatchObject({
      conversationId: 'c-ada',
      conversationTitle: 'Wine',
      role: 'user',
    });
    expect((await search('bob', 'wine')).map((hit) => hit.messageId)).toEqual(['m4']);
    expect(await search('bob', 'Comté')).toEqual([]);
    expect(await search('nobody', 'wine')).toEqual([]);
  });

  it('returns the newest matches first', async () => {
    expect((await search('ada', 'wine')).map((hit) => hit.messageId)).toEqual(['m2', 'm1']);
  });

  it('never matches on the owner the index keeps beside the text', async () => {
    for (const text of ['ada', Buffer.from('ada').toString('hex'), 'owner', 'user_id']) {
      expect(await search('ada', text)).toEqual([]);
    }
  });

  it('follows a conversation to a new owner, and its new messages', async () => {
    await store.db
      .updateTable('conversations')
      .set({ user_id: 'bob' })
      .where('id', '=', 'c-ada')
      .execute();
    expect(await search('ada', 'comté')).toEqual([]);
    expect((await search('bob', 'comté')).map((hit) => hit.messageId)).toEqual(['m1']);
    await store.db
      .updateTable('conversations')
      .set({ user_id: 'ada' })
      .where('id', '=', 'c-ada')
      .execute();
    expect(await search('bob', 'comté')).toEqual([]);
    expect((await search('ada', 'comté')).map((hit) => hit.messageId)).toEqual(['m1']);
    const move = (conversationId: string) =>
      store.db
        .updateTable('messages')
        .set({ conversation_id: conversationId })
        .where('id', '=', 'm4')
        .execute();
    await move('c-ada');
    expect((await search('ada', 'secret')).map((hit) => hit.messageId)).toEqual(['m4']);
    expect(await search('bob', 'secret')).toEqual([]);
    await move('c-bob');
    expect(await search('ada', 'secret')).toEqual([]);
  });

  it('returns plain snippets with highlight ranges on the matched words', async () => {
    const [hit] = await search('ada', 'comté cheese');
    expect(hit!.messageId).toBe('m1');
    expect(hit!.snippet).toContain('Which red wine goes with a Comté cheese?');
    expect(highlighted(hit!)).toEqual(['comté', 'cheese']);
    expect(hit!.snippet).not.toContain(matchStart);
    expect(hit!.snippet).not.toContain(matchEnd);
    expect(hit!.snippet).not.toMatch(/[<>]/);
  });

  it('matches phrases, exclusions and or, and ignores case', async () => {
    expect((await search('ada', '"red wine"')).map((hit) => hit.messageId)).toEqual(['m1']);
    expect((await search('ada', 'wine -red')).map((hit) => hit.messageId)).toEqual(['m2']);
    const either = await search('ada', 'castles or jura');
    expect(either.map((hit) => hit.messageId).sort()).toEqual(['m2', 'm3']);
    expect((await search('ada', 'LOIRE')).map((hit) => hit.messageId)).toEqual(['m3']);
  });

  it('ignores accents both ways, and highlights the word as written', async () => {
    const [hit] = await search('ada', 'comte');
    expect(hit!.messageId).toBe('m1');
    expect(highlighted(hit!)).toEqual(['comté']);
    const [plain] = await search('ada', 'JÚRA');
    expect(plain!.messageId).toBe('m2');
    expect(highlighted(plain!)).toEqual(['jura']);
    expect((await search('ada', '"rèd wîne"')).map((hit) => hit.messageId)).toEqual(['m1']);
  });

  it('survives input that is not query syntax', async () => {
    for (const text of ['"', 'NEAR(', 'wine*', ')(', '-', '!!!', 'a:b', "l'eau"]) {
      await expect(search('ada', text)).resolves.toBeInstanceOf(Array);
    }
  });

  it('cuts long messages around the match, with ellipses', async () => {
    const long = `${'lorem ipsum '.repeat(60)}needle ${'dolor sit '.repeat(60)}`;
    await store.db.updateTable('messages').set({ content: long }).where('id', '=', 'm3').execute();
    const [hit] = await search('ada', 'needle');
    expect(hit!.messageId).toBe('m3');
    expect(hit!.snippet.length).toBeLessThan(300);
    expect(hit!.snippet.startsWith('…')).toBe(true);
    expect(hit!.snippet.endsWith('…')).toBe(true);
    expect(highlighted(hit!)).toEqual(['needle']);
  });

  it('follows edits and deletes, including a conversation’s cascade', async () => {
    await store.db
      .updateTable('messages')
      .set({ content: 'Now about Burgundy.' })
      .where('id', '=', 'm2')
      .execute();
    expect((await search('ada', 'jura')).map((hit) => hit.messageId)).toEqual([]);
    expect((await search('ada', 'burgundy')).map((hit) => hit.messageId)).toEqual(['m2']);
    await store.db.deleteFrom('messages').where('id', '=', 'm1').execute();
    expect(await search('ada', 'comté')).toEqual([]);
    await store.db.deleteFrom('conversations').where('id', '=', 'c-ada').execute();
    expect(await search('ada', 'burgundy')).toEqual([]);
    expect((await search('bob', 'wine')).map((hit) => hit.messageId)).toEqual(['m4']);
  });

  it('respects the limit', async () => {
    expect(await search('bob', 'wine', 1)).toHaveLength(1);
  });
});
