// Contract: sessions, sign-in checks and throttling on both dialects.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, storeTargets } from '../../tests/helpers/stores.js';
import type { Store } from '../store/create-database.js';
import { authenticate } from './authenticate.js';
import { countLoginAttempt, clearLoginAttempts, loginWindowMs } from './login-limiter.js';
import { pruneExpired } from './prune-expired.js';
import {
  createSession,
  findSession,
  hashSessionToken,
  revokeSession,
  revokeUserSessions,
  sessionTtlMs,
} from './sessions.js';
import { createUser, type User } from './users.js';

const targets = await storeTargets('sessions');
const minute = 60_000;
const later = (date: Date, ms: number) => new Date(date.getTime() + ms);

describe.each(targets)('sessions on $dialect', (target) => {
  let store: Store;
  let dispose: () => Promise<void>;
  let ada: User;
  beforeAll(async () => {
    ({ store, dispose } = await openTestStore(target));
    ada = await createUser(store.db, {
      email: 'ada@example.com',
      password: 'correct horse',
      role: 'owner',
    });
  });
  afterAll(async () => {
    await dispose();
  });

  it('stores only the SHA-256 of the token', async () => {
    const { token, session } = await createSession(store.db, {
      userId: ada.id,
      ip: '10.0.0.1',
      userAgent: 'test',
    });
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const row = await store.db
      .selectFrom('sessions')
      .selectAll()
      .where('id', '=', session.id)
      .executeTakeFirstOrThrow();
    expect(row.id).toBe(hashSessionToken(token));
    expect(JSON.stringify(row)).not.toContain(token);
    expect(row.csrf_token).not.toBe(token);
  });

  it('finds the session and its user by token, and nothing by a wrong one', async () => {
    const { token, session } = await createSession(store.db, { userId: ada.id });
    const found = await findSession(store.db, token);
    expect(found?.session.id).toBe(session.id);
    expect(found?.user).toMatchObject({ id: ada.id, email: 'ada@example.com', role: 'owner' });
    expect(found?.user).not.toHaveProperty('passwordHash');
    expect(await findSession(store.db, session.id)).toBeUndefined(); // the hash is no token
    expect(await findSession(store.db, `${token.slice(0, -1)}x`)).toBeUndefined();
    expect(await findSession(store.db, '')).toBeUndefined();
  });

  it('slides the expiry, writing last_seen at most once a minute', async () => {
    const start = new Date();
    const { token } = await createSession(store.db, { userId: ada.id }, start);
    const early = await findSession(store.db, token, later(start, 30_000));
    expect(early?.renewed).toBe(false);
    expect(early?.session.lastSeenAt).toBe(start.toISOString());

    const nearEnd = later(start, sessionTtlMs - minute);
    const renewed = await findSession(store.db, token, nearEnd);
    expect(renewed?.renewed).toBe(true);
    const stored = await findSession(store.db, token, later(nearEnd, 1000));
    expect(stored?.session.lastSeenAt).toBe(nearEnd.toISOString());
    expect(stored?.session.expiresAt).toBe(later(nearEnd, sessionTtlMs).toISOString());
    // Past the first expiry, alive thanks to the renewal (which renews it again)…
    const alive = later(start, sessionTtlMs + minute);
    expect(await findSession(store.db, token, alive)).toBeDefined();
    // …and gone once left idle for the whole time to live.
    expect(await findSession(store.db, token, later(alive, sessionTtlMs + 1))).toBeUndefined();
  });

  it('ends one session, or every session of a user', async () => {
    const first = await createSession(store.db, { userId: ada.id });
    const second = await createSession(store.db, { userId: ada.id });
    await revokeSession(store.db, first.session.id);
    expect(await findSession(store.db, first.token)).toBeUndefined();
    expect(await findSession(store.db, second.token)).toBeDefined();
    expect(await revokeUserSessions(store.db, ada.id)).toBeGreaterThan(0);
    expect(await findSession(store.db, second.token)).toBeUndefined();
  });

  it('refuses the session of a disabled user', async () => {
    const bo = await createUser(store.db, { email: 'bo@example.com', role: 'member' });
    const { token } = await createSession(store.db, { userId: bo.id });
    expect(await findSession(store.db, token)).toBeDefined();
    await store.db
      .updateTable('users')
      .set({ disabled_at: new Date().toISOString() })
      .where('id', '=', bo.id)
      .execute();
    expect(await findSession(store.db, token)).toBeUndefined();
  });

  it('prunes expired sessions', async () => {
    const past = new Date(Date.now() - sessionTtlMs - minute);
    const { session } = await createSession(store.db, { userId: ada.id }, past);
    await pruneExpired(store.db);
    const row = await store.db
      .selectFrom('sessions')
      .select('id')
      .where('id', '=', session.id)
      .executeTakeFirst();
    expect(row).toBeUndefined();
  });
});

describe.each(targets)('authenticate on $dialect', (target) => {
  let store: Store;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ store, dispose } = await openTestStore(target));
    await createUser(store.db, {
      email: 'ada@example.com',
      password: 'correct horse',
      role: 'owner',
    });
  });
  afterAll(async () => {
    await dispose();
  });

  it('opens an account with its password only', async () => {
    expect(await authenticate(store.db, ' ADA@example.com', 'correct horse')).toMatchObject({
      email: 'ada@example.com',
    });
    expect(await authenticate(store.db, 'ada@example.com', 'correct horsE')).toBeUndefined();
    expect(await authenticate(store.db, 'nobody@example.com', 'correct horse')).toBeUndefined();
    expect(await authenticate(store.db, 'not an email', 'x')).toBeUndefined();
    expect(await authenticate(store.db, 'ada@example.com', 'x'.repeat(5000))).toBeUndefined();
  });

  it('takes as long for an unknown email as for a wrong password', async () => {
    const time = async (email: string) => {
      const started = performance.now();
      await authenticate(store.db, email, 'wrong password');
      return performance.now() - started;
    };
    await time('nobody@example.com'); // the dummy hash is made once
    const known = Math.min(await time('ada@example.com'), await time('ada@example.com'));
    const unknown = Math.min(await time('nobody@example.com'), await time('x@example.com'));
    // Both pay one scrypt (~100 ms or more, slower on a busy machine); without the dummy hash
    // `unknown` would be a lookup of a few ms. A ratio is at the mercy of the machine's load.
    expect(known).toBeGreaterThan(30);
    expect(unknown).toBeGreaterThan(30);
  });

  it('refuses a password-less account, and a disabled one once its password is proven', async () => {
    await createUser(store.db, { email: 'sso@example.com', role: 'member' });
    expect(await authenticate(store.db, 'sso@example.com', '')).toBeUndefined();
    const bo = await createUser(store.db, {
      email: 'bo@example.com',
      password: 'bo password',
      role: 'member',
    });
    await store.db
      .updateTable('users')
      .set({ disabled_at: new Date().toISOString() })
      .where('id', '=', bo.id)
      .execute();
    expect(await authenticate(store.db, 'bo@example.com', 'wrong one')).toBeUndefined();
    await expect(authenticate(store.db, 'bo@example.com', 'bo password')).rejects.toMatchObject({
      status: 403,
      code: 'account_disabled',
    });
  });
});

describe.each(targets)('sign-in throttling on $dialect', (target) => {
  let store: Store;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ store, dispose } = await openTestStore(target));
  });
  afterAll(async () => {
    await dispose();
  });

  const attempt = (email: string, ip: string, now: Date) =>
    countLoginAttempt(store.db, email, ip, now).then(
      () => 'ok',
      (error: { status: number; retryAfter: number }) => error,
    );

  it('allows 5 attempts per email and address in 15 minutes, then 429 until the window ends', async () => {
    const start = new Date();
    for (let i = 0; i < 5; i++) expect(await attempt('a@example.com', '1.1.1.1', start)).toBe('ok');
    const refused = await attempt('A@example.com ', '1.1.1.1', later(start, 5 * minute));
    expect(refused).toMatchObject({ status: 429, retryAfter: 10 * 60 });
    // Other emails and addresses have their own counters.
    expect(await attempt('a@example.com', '2.2.2.2', start)).toBe('ok');
    expect(await attempt('b@example.com', '1.1.1.1', start)).toBe('ok');
    // A new window starts once the old one ended.
    expect(await attempt('a@example.com', '1.1.1.1', later(start, loginWindowMs))).toBe('ok');
  });

  it('counts parallel attempts exactly', async () => {
    const now = new Date();
    const results = await Promise.all(
      Array.from({ length: 12 }, () => attempt('c@example.com', '3.3.3.3', now)),
    );
    expect(results.filter((result) => result === 'ok')).toHaveLength(5);
  });

  it('starts afresh after a successful sign-in', async () => {
    const now = new Date();
    for (let i = 0; i < 5; i++) await attempt('d@example.com', '4.4.4.4', now);
    await clearLoginAttempts(store.db, 'd@example.com', '4.4.4.4');
    expect(await attempt('d@example.com', '4.4.4.4', now)).toBe('ok');
  });

  it('stores neither email nor address', async () => {
    const rows = await store.db.selectFrom('login_attempts').selectAll().execute();
    expect(rows.length).toBeGreaterThan(0);
    expect(JSON.stringify(rows)).not.toMatch(/example\.com|1\.1\.1\.1/);
  });
});
