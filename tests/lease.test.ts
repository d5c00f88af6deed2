// Named leases (src/store/lease.ts) on both dialects: of several holders racing for a free lease
// exactly one wins; nobody takes it while it is held; once its holder stops renewing, another
// takes it over, and the old holder's renewal and release then fail without touching it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../src/store/create-database.js';
import { Lease } from '../src/store/lease.js';
import { openTestStore, storeTargets, type TestDatabase } from './helpers/stores.js';

const targets = await storeTargets('leases');

describe.each(targets)('leases on $dialect', (target) => {
  let store: Store;
  let database: TestDatabase;
  let dispose: () => Promise<void>;
  // Holders on PostgreSQL get stores of their own (their own connections, as replicas would);
  // SQLite serialises one file's connections within a process, so there they share one.
  const others: Store[] = [];
  const storeFor = async () => {
    if (store.dialect !== 'postgres') return store;
    const other = await database.open();
    others.push(other);
    return other;
  };

  beforeAll(async () => {
    ({ store, database, dispose } = await openTestStore(target));
  }, 60_000);
  afterAll(async () => {
    await Promise.all(others.map((other) => other.close()));
    await dispose();
  });

  const holderOf = async (name: string) => {
    const row = await store.db
      .selectFrom('settings')
      .select('value')
      .where('key', '=', `lease:${name}`)
      .executeTakeFirst();
    return row && (JSON.parse(row.value) as { holder: string }).holder;
  };

  it('gives a free lease to exactly one of several holders racing for it', async () => {
    for (let round = 0; round < 5; round++) {
      const name = `race-${round}`;
      const holders = await Promise.all(
        Array.from({ length: 4 }, async () => new Lease((await storeFor()).db, name, 60_000)),
      );
      const won = await Promise.all(holders.map((holder) => holder.acquire()));
      expect(won.filter(Boolean)).toHaveLength(1);
      const winner = holders[won.indexOf(true)]!;
      expect(await holderOf(name)).toBe(winner.holder);
      // The winner renews; the others still cannot take it.
      expect(await winner.acquire()).toBe(true);
      for (const loser of holders.filter((holder) => holder !== winner)) {
        expect(await loser.acquire()).toBe(false);
        expect(loser.held).toBe(false);
      }
    }
  });

  it('hands an expired lease over, and the old holder can neither renew nor release it', async () => {
    const first = new Lease(store.db, 'hand-over', 400, { holderPrefix: 'replica_a' });
    const second = new Lease((await storeFor()).db, 'hand-over', 400, {
      holderPrefix: 'replica_b',
    });
    expect(await first.acquire()).toBe(true);
    expect(first.holder).toMatch(/^replica_a_/);
    expect(await second.acquire()).toBe(false);
    // The holder stops renewing (it died); once the time to live is up, the other takes over.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await second.acquire()).toBe(true);
    expect(await holderOf('hand-over')).toBe(second.holder);
    expect(await first.acquire()).toBe(false);
    expect(first.held).toBe(false);
    await first.release();
    expect(await holderOf('hand-over')).toBe(second.holder);
    // Given back, it is free at once.
    await second.release();
    expect(await holderOf('hand-over')).toBeUndefined();
    expect(await first.acquire()).toBe(true);
    await first.release();
  });

  it('takes over a lease whose row cannot be read, as if expired', async () => {
    await store.db
      .insertInto('settings')
      .values({ key: 'lease:garbled', value: 'not json', updated_at: new Date().toISOString() })
      .execute();
    const lease = new Lease(store.db, 'garbled', 60_000);
    expect(await lease.acquire()).toBe(true);
    expect(await holderOf('garbled')).toBe(lease.holder);
  });
});
