// Contract: API keys on both dialects.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, storeTargets, type TestDatabase } from '../../tests/helpers/stores.js';
import { randomToken } from '../lib/ids.js';
import type { Store } from '../store/create-database.js';
import { createApiKey, listApiKeys, revokeApiKey, verifyApiKey } from './api-keys.js';
import { createUser, type User } from './users.js';

const targets = await storeTargets('api keys');

describe.each(targets)('api keys on $dialect', (target) => {
  let store: Store;
  let database: TestDatabase;
  let dispose: () => Promise<void>;
  let user: User;
  beforeAll(async () => {
    ({ store, database, dispose } = await openTestStore(target));
    user = await createUser(store.db, { email: 'ada@example.com', role: 'member' });
  });
  afterAll(async () => {
    await dispose();
  });

  it('creates a key that verifies, with its owner', async () => {
    const { key, record } = await createApiKey(store.db, { name: 'laptop', userId: user.id });
    expect(key).toMatch(/^sk-salon-[0-9A-Za-z]{40}$/);
    expect(record).toMatchObject({ name: 'laptop', userId: user.id, prefix: key.slice(0, 13) });
    const verified = await verifyApiKey(store.db, key);
    expect(verified).toMatchObject({ id: record.id, user: { id: user.id, email: user.email } });
  });

  it('creates instance keys with no owner', async () => {
    const { key } = await createApiKey(store.db, { name: 'ci' });
    expect((await verifyApiKey(store.db, key))?.user).toBeNull();
  });

  it('stores no trace of the plaintext key', async () => {
    const { key, record } = await createApiKey(store.db, { name: 'secret' });
    const row = await store.db
      .selectFrom('api_keys')
      .selectAll()
      .where('id', '=', record.id)
      .executeTakeFirstOrThrow();
    const stored = JSON.stringify(row);
    expect(stored).not.toContain(key);
    expect(stored).not.toContain(key.slice(13)); // the secret part, beyond the shown prefix
    expect(row.key_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(await listApiKeys(store.db))).not.toContain(row.key_hash);
  });

  it('rejects unknown and malformed keys', async () => {
    expect(await verifyApiKey(store.db, `sk-salon-${randomToken(40)}`)).toBeUndefined();
    expect(await verifyApiKey(store.db, 'sk-salon-short')).toBeUndefined();
    expect(await verifyApiKey(store.db, '')).toBeUndefined();
  });

  it('rejects a revoked key at once in this process', async () => {
    const { key, record } = await createApiKey(store.db, { name: 'to revoke' });
    expect(await verifyApiKey(store.db, key)).toBeDefined(); // now cached
    expect((await revokeApiKey(store.db, record.id))?.revokedAt).not.toBeNull();
    expect(await verifyApiKey(store.db, key)).toBeUndefined();
    expect(await revokeApiKey(store.db, record.id)).toBeDefined(); // idempotent
    expect(await revokeApiKey(store.db, 'key-unknown')).toBeUndefined();
  });

  it('rejects a key revoked by another process within the 5 s cache bound', async () => {
    const { key, record } = await createApiKey(store.db, { name: 'revoked elsewhere' });
    const now = new Date();
    expect(await verifyApiKey(store.db, key, now)).toBeDefined();
    const other = await database.open(); // another replica: its own handle, its own cache
    await revokeApiKey(other.db, record.id);
    await other.close();
    const after = (ms: number) => new Date(now.getTime() + ms);
    expect(await verifyApiKey(store.db, key, after(3_000))).toBeDefined(); // still cached
    expect(await verifyApiKey(store.db, key, after(5_001))).toBeUndefined(); // steady use doesn't extend it
  });

  it('rejects an expired key and a disabled owner', async () => {
    const past = new Date(Date.now() - 1000);
    const expired = await createApiKey(store.db, { name: 'old', expiresAt: past });
    expect(await verifyApiKey(store.db, expired.key)).toBeUndefined();

    const future = new Date(Date.now() + 60_000);
    const expiring = await createApiKey(store.db, { name: 'soon', expiresAt: future });
    expect(await verifyApiKey(store.db, expiring.key)).toBeDefined();
    expect(
      await verifyApiKey(store.db, expiring.key, new Date(future.getTime() + 1)),
    ).toBeUndefined();

    const bo = await createUser(store.db, { email: 'bo@example.com', role: 'member' });
    const { key } = await createApiKey(store.db, { name: 'bo', userId: bo.id });
    const disabledAt = new Date().toISOString();
    await store.db
      .updateTable('users')
      .set({ disabled_at: disabledAt })
      .where('id', '=', bo.id)
      .execute();
    expect(await verifyApiKey(store.db, key, new Date(Date.now() + 6_000))).toBeUndefined();
  });

  it('writes last_used_at at most once a minute', async () => {
    const { key, record } = await createApiKey(store.db, { name: 'busy' });
    const lastUsed = async () =>
      (await listApiKeys(store.db)).find((item) => item.id === record.id)?.lastUsedAt;
    const start = new Date(Date.now() + 60_000); // past any earlier test's stamps
    await verifyApiKey(store.db, key, start);
    expect(await lastUsed()).toBe(start.toISOString());
    await verifyApiKey(store.db, key, new Date(start.getTime() + 10_000)); // cache expired: re-read
    expect(await lastUsed()).toBe(start.toISOString());
    const later = new Date(start.getTime() + 61_000);
    await verifyApiKey(store.db, key, later);
    expect(await lastUsed()).toBe(later.toISOString());
  });

  it('does not accept a key from another store', async () => {
    const { key } = await createApiKey(store.db, { name: 'here only' });
    expect(await verifyApiKey(store.db, key)).toBeDefined(); // cached in this store's handle
    const { store: elsewhere, dispose: disposeElsewhere } = await openTestStore(target);
    try {
      expect(await verifyApiKey(elsewhere.db, key)).toBeUndefined();
    } finally {
      await disposeElsewhere();
    }
  });

  it('validates its input', async () => {
    await expect(createApiKey(store.db, { name: '  ' })).rejects.toMatchObject({ status: 400 });
    await expect(
      createApiKey(store.db, { name: 'x', userId: 'user-nobody' }),
    ).rejects.toMatchObject({
      status: 400,
      code: 'user_not_found',
    });
  });

  it('stores a virtual key’s models, rates and budget, and verifies with them', async () => {
    const { key, record } = await createApiKey(store.db, {
      name: 'virtual',
      userId: user.id,
      limits: { models: ['small', ' large ', 'small'], rpm: 10, tpm: 5000, budgetUsd: 2.5 },
    });
    const limits = {
      models: ['small', 'large'],
      rpm: 10,
      tpm: 5000,
      budgetTokens: null,
      budgetUsd: 2.5,
      budgetPeriod: 'month', // a budget without a period is monthly
    };
    expect(record.limits).toEqual(limits);
    expect((await verifyApiKey(store.db, key))?.limits).toEqual(limits);
    const listed = (await listApiKeys(store.db)).find((item) => item.id === record.id);
    expect(listed?.limits).toEqual(limits);
    const plain = await createApiKey(store.db, { name: 'plain' });
    expect(plain.record.limits).toEqual({
      models: null,
      rpm: null,
      tpm: null,
      budgetTokens: null,
      budgetUsd: null,
      budgetPeriod: null,
    });
  });

  it('refuses bad limits, naming the field, and stores nothing', async () => {
    const before = (await listApiKeys(store.db)).length;
    const bad = async (limits: object, param: string) =>
      expect(createApiKey(store.db, { name: 'bad', limits })).rejects.toMatchObject({
        status: 400,
        param,
      });
    await bad({ rpm: 0 }, 'rpm');
    await bad({ tpm: 1.5 }, 'tpm');
    await bad({ budgetTokens: -3 }, 'budget_tokens');
    await bad({ budgetUsd: Number.NaN }, 'budget_usd');
    await bad({ budgetPeriod: 'week' }, 'budget_period');
    await bad({ budgetPeriod: 'day' }, 'budget_period'); // a period with no budget
    await bad({ models: ['ok', ' '] }, 'models');
    expect((await listApiKeys(store.db)).length).toBe(before);
  });

  it('lists keys newest first, filtered by user', async () => {
    const all = await listApiKeys(store.db);
    expect(all.length).toBeGreaterThan(5);
    const mine = await listApiKeys(store.db, { userId: user.id });
    expect(mine.map((item) => item.name)).toEqual(['virtual', 'laptop']);
  });
});
