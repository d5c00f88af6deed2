// Contract: the first-run setup makes exactly one owner on both dialects, even under races
// within one process and between processes (two replicas).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { openTestStore, storeTargets } from '../../tests/helpers/stores.js';
import type { Store } from '../store/create-database.js';
import { isSetupRequired, setupOwner, setupOwnerIfNone } from './setup-owner.js';
import { createUser, listUsers } from './users.js';

const targets = await storeTargets('first-run setup');

async function owners(store: Store) {
  return (await listUsers(store.db)).filter((user) => user.role === 'owner');
}

const setupInChild = `
  import { openDatabase } from './src/store/create-database.ts';
  import { setupOwner } from './src/identity/setup-owner.ts';
  const store = await openDatabase(JSON.parse(process.argv[1]));
  try {
    await setupOwner(store.db, { email: process.argv[2], password: 'long enough' });
    console.log('created');
  } catch (error) {
    console.log(error.status ?? error.message);
  } finally {
    await store.close();
  }`;

describe.each(targets)('first-run setup on $dialect', (target) => {
  it('creates one owner when two setups race in one process; the other gets 409', async () => {
    const { store, dispose } = await openTestStore(target);
    try {
      expect(await isSetupRequired(store.db)).toBe(true);
      const results = await Promise.allSettled([
        setupOwner(store.db, { email: 'ada@example.com', password: 'long enough' }),
        setupOwner(store.db, { email: 'bo@example.com', password: 'long enough' }),
      ]);
      expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
      const rejected = results.find((result) => result.status === 'rejected');
      expect(rejected?.reason).toMatchObject({ status: 409, code: 'setup_done' });
      expect(await owners(store)).toHaveLength(1);
      expect(await listUsers(store.db)).toHaveLength(1);
      expect(await isSetupRequired(store.db)).toBe(false);
    } finally {
      await dispose();
    }
  });

  it('creates one owner when two processes race', async () => {
    const { store, database, dispose } = await openTestStore(target);
    try {
      const run = (email: string) =>
        promisify(execFile)(
          process.execPath,
          ['--import', 'tsx', '--input-type=module', '-e', setupInChild].concat([
            JSON.stringify(database.options),
            email,
          ]),
          { cwd: process.cwd() },
        );
      const outputs = await Promise.all([run('ada@example.com'), run('bo@example.com')]);
      expect(outputs.map((output) => output.stdout.trim()).sort()).toEqual(['409', 'created']);
      expect(await owners(store)).toHaveLength(1);
    } finally {
      await dispose();
    }
  });

  it('creates the owner from SALON_ADMIN_EMAIL once when two replicas start together', async () => {
    const { store, dispose } = await openTestStore(target);
    try {
      const input = { email: 'env@example.com', password: 'long enough' };
      const results = await Promise.all([
        setupOwnerIfNone(store.db, input),
        setupOwnerIfNone(store.db, input),
      ]);
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await setupOwnerIfNone(store.db, input)).toBeUndefined();
      expect(await owners(store)).toHaveLength(1);
    } finally {
      await dispose();
    }
  });

  it('is refused once any account exists, e.g. made by SALON_ADMIN_EMAIL', async () => {
    const { store, dispose } = await openTestStore(target);
    try {
      await createUser(store.db, { email: 'env@example.com', role: 'owner' });
      await expect(
        setupOwner(store.db, { email: 'ada@example.com', password: 'long enough' }),
      ).rejects.toMatchObject({ status: 409 });
      expect(await listUsers(store.db)).toHaveLength(1);
    } finally {
      await dispose();
    }
  });

  it('leaves setup open after a rejected form', async () => {
    const { store, dispose } = await openTestStore(target);
    try {
      await expect(
        setupOwner(store.db, { email: 'ada@example.com', password: 'short' }),
      ).rejects.toMatchObject({ status: 400, param: 'password' });
      await expect(
        setupOwner(store.db, { email: 'not an email', password: 'long enough' }),
      ).rejects.toMatchObject({ status: 400, param: 'email' });
      expect(await isSetupRequired(store.db)).toBe(true);
      const owner = await setupOwner(store.db, {
        email: 'ada@example.com',
        password: 'long enough',
        displayName: 'Ada',
      });
      expect(owner).toMatchObject({ role: 'owner', displayName: 'Ada' });
    } finally {
      await dispose();
    }
  });
});
