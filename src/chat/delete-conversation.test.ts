import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, storeTargets } from '../../tests/helpers/stores.js';
import { createUser } from '../identity/users.js';
import { isSalonError } from '../lib/errors.js';
import type { Store } from '../store/create-database.js';
import { createConversation, deleteConversation } from './conversations.js';

const targets = await storeTargets('deleting conversations');

describe.each(targets)('deleting a conversation on $dialect', (target) => {
  let store: Store;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ store, dispose } = await openTestStore(target));
  });
  afterAll(() => dispose());

  it('deletes a 1,500-message branch with everything in it, for its owner only', async () => {
    const owner = await createUser(store.db, { email: 'long@example.com', role: 'member' });
    const other = await createUser(store.db, { email: 'other@example.com', role: 'member' });
    const conversation = await createConversation(store.db, owner.id, { title: 'long' });
    const now = new Date().toISOString();
    const rows = Array.from({ length: 1500 }, (_, i) => ({
      id: `msg-${i}`,
      conversation_id: conversation.id,
      parent_id: i === 0 ? null : `msg-${i - 1}`,
      role: i % 2 ? ('assistant' as const) : ('user' as const),
      content: `turn ${i}`,
      model: null,
      status: 'complete' as const,
      error: null,
      run_id: null,
      prompt_tokens: null,
      completion_tokens: null,
      created_at: now,
      updated_at: now,
    }));
    for (let i = 0; i < rows.length; i += 250) {
      await store.db
        .insertInto('messages')
        .values(rows.slice(i, i + 250))
        .execute();
    }
    const refused = await deleteConversation(store.db, other.id, conversation.id).catch((e) => e);
    expect(isSalonError(refused) && refused.status).toBe(404);

    await deleteConversation(store.db, owner.id, conversation.id);
    const left = await store.db
      .selectFrom('messages')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('conversation_id', '=', conversation.id)
      .executeTakeFirstOrThrow();
    expect(Number(left.n)).toBe(0);
  });
});
