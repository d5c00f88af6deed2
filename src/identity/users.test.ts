// Contract: accounts on both dialects.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, storeTargets } from '../../tests/helpers/stores.js';
import { isSalonError } from '../lib/errors.js';
import type { Store } from '../store/create-database.js';
import { countUsers, createUser, findUserByEmail, findUserById, verifyPassword } from './users.js';

const targets = await storeTargets('users');

async function failure(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isSalonError(error)) throw new Error(`expected a SalonError, got ${String(error)}`);
  return error;
}

describe.each(targets)('users on $dialect', (target) => {
  let store: Store;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ store, dispose } = await openTestStore(target));
  });
  afterAll(async () => {
    await dispose();
  });

  it('creates a user with a lower-cased email and a salted hash', async () => {
    expect(await countUsers(store.db)).toBe(0);
    const user = await createUser(store.db, {
      email: '  Ada@Example.COM ',
      password: 'correct horse',
      role: 'owner',
    });
    expect(user).toMatchObject({ email: 'ada@example.com', role: 'owner', disabledAt: null });
    expect(user).not.toHaveProperty('passwordHash');
    expect(await countUsers(store.db)).toBe(1);
    expect(await findUserById(store.db, user.id)).toEqual(user);

    const found = await findUserByEmail(store.db, 'ADA@example.com');
    expect(found?.id).toBe(user.id);
    expect(found?.passwordHash).toMatch(/^\$scrypt\$ln=\d+,r=\d+,p=\d+\$/);
    expect(found?.passwordHash).not.toContain('correct horse');
  });

  it('verifies the password, and only the password', async () => {
    const found = await findUserByEmail(store.db, 'ada@example.com');
    expect(await verifyPassword(found!.passwordHash, 'correct horse')).toBe(true);
    expect(await verifyPassword(found!.passwordHash, 'correct horsE')).toBe(false);
    expect(await verifyPassword(null, 'correct horse')).toBe(false);
    expect(await verifyPassword('$scrypt$garbage', 'correct horse')).toBe(false);
  });

  it('salts: the same password hashes differently for two users', async () => {
    await createUser(store.db, {
      email: 'bo@example.com',
      password: 'correct horse',
      role: 'member',
    });
    const ada = await findUserByEmail(store.db, 'ada@example.com');
    const bo = await findUserByEmail(store.db, 'bo@example.com');
    expect(bo!.passwordHash).not.toBe(ada!.passwordHash);
  });

  it('rejects a duplicate email, whatever its case, with a 409', async () => {
    const error = await failure(
      createUser(store.db, { email: 'ADA@example.com', password: 'another one', role: 'member' }),
    );
    expect(error).toMatchObject({ status: 409, code: 'conflict', param: 'email' });
    expect(await countUsers(store.db)).toBe(2);
  });

  it('rejects a malformed email, a short password and an unknown role with a 400', async () => {
    const bad = [
      { email: 'not-an-email', password: 'long enough', role: 'member' as const },
      { email: 'a b@example.com', password: 'long enough', role: 'member' as const },
      { email: 'cy@example.com', password: 'short', role: 'member' as const },
      { email: 'cy@example.com', password: 'long enough', role: 'root' as never },
    ];
    for (const input of bad) {
      expect((await failure(createUser(store.db, input))).status).toBe(400);
    }
    expect(await countUsers(store.db)).toBe(2);
  });

  it('creates a password-less user (SSO only) that no password opens', async () => {
    const user = await createUser(store.db, { email: 'sso@example.com', role: 'member' });
    const found = await findUserByEmail(store.db, user.email);
    expect(found?.passwordHash).toBeNull();
    expect(await verifyPassword(found!.passwordHash, '')).toBe(false);
  });
});
