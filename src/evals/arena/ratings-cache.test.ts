import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, storeTargets, type StoreTarget } from '../../../tests/helpers/stores.js';
import type { Store } from '../../store/create-database.js';
import { ArenaRatingsCache } from './ratings-cache.js';

const targets: StoreTarget[] = await storeTargets('arena ratings cache');

describe.each(targets)('arena ratings cache on $dialect', (target) => {
  let store: Store;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ store, dispose } = await openTestStore(target));
    await store.db
      .insertInto('users')
      .values({
        id: 'u1',
        email: 'u1@example.com',
        password_hash: null,
        display_name: null,
        role: 'member',
        created_at: '2026-01-01T00:00:00.000Z',
        updated_at: '2026-01-01T00:00:00.000Z',
        disabled_at: null,
      })
      .execute();
  });
  afterAll(async () => dispose?.());

  let battles = 0;
  async function vote(outcome: 'a' | 'b' | 'tie', at: string): Promise<void> {
    const id = `b${++battles}`;
    await store.db
      .insertInto('conversations')
      .values({
        id: `c-${id}`,
        user_id: 'u1',
        kind: 'arena',
        title: 't',
        model: null,
        system_prompt: null,
        folder_id: null,
        pinned: 0,
        archived: 0,
        selected_leaf_id: null,
        created_at: at,
        updated_at: at,
        last_activity_at: at,
      })
      .execute();
    await store.db
      .insertInto('arena_battles')
      .values({
        id,
        user_id: 'u1',
        conversation_id: `c-${id}`,
        model_a: 'x',
        model_b: 'y',
        message_a_id: 'ma',
        message_b_id: 'mb',
        created_at: at,
      })
      .execute();
    await store.db
      .insertInto('arena_votes')
      .values({ battle_id: id, user_id: 'u1', outcome, created_at: at })
      .execute();
  }

  it('reuses the ratings until a vote is added', async () => {
    const cache = new ArenaRatingsCache({ resamples: 50 });
    expect(await cache.get(store.db)).toEqual({ battles: 0, ratings: [] });
    await vote('a', '2026-01-01T00:00:01.000Z');
    const first = await cache.get(store.db);
    expect(first.battles).toBe(1);
    expect(await cache.get(store.db)).toBe(first);
    await vote('b', '2026-01-01T00:00:02.000Z');
    const second = await cache.get(store.db);
    expect(second).not.toBe(first);
    expect(second.battles).toBe(2);
    expect(second.ratings.find((r) => r.model === 'x')).toMatchObject({ wins: 1, losses: 1 });
  });
});
