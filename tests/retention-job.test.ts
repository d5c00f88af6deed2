// The retention job on both dialects: it deletes exactly what each organisation's policy says
// (and idle temporary chats everywhere), with everything attached and the words gone from the
// search index, keeps a conversation whose reply is still streaming, audits once per
// organisation, repeats harmlessly, and runs once when two runners race for its lease.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedConversation, type SeededConversation } from './helpers/seed-chat.js';
import { openTestStore, storeTargets, type TestDatabase } from './helpers/stores.js';
import { removeConversations } from '../src/chat/delete-conversation.js';
import { createOrg, updateOrg } from '../src/identity/orgs.js';
import { createUser, defaultOrgId, type User } from '../src/identity/users.js';
import { randomToken } from '../src/lib/ids.js';
import type { Store } from '../src/store/create-database.js';
import { searchMessages } from '../src/store/search.js';
import { verifyAuditChain } from '../src/governance/audit-log.js';
import { Lease } from '../src/store/lease.js';
import { runRetention } from '../src/governance/retention.js';
import { RetentionScheduler } from '../src/governance/retention-scheduler.js';

const targets = await storeTargets('retention job');

const minutes = (n: number) => new Date(Date.now() - n * 60_000);
const days = (n: number) => minutes(n * 24 * 60);
const word = () => `w${randomToken(12).toLowerCase()}`;
const config = { temporary_idle_minutes: 60, interval_minutes: 10 };

describe.each(targets)('retention on $dialect', (target) => {
  let store: Store;
  let database: TestDatabase;
  let dispose: () => Promise<void>;
  let orgA: string;
  let orgB: string;

  beforeAll(async () => {
    ({ store, database, dispose } = await openTestStore(target));
    orgA = (await createOrg(store.db, { name: 'Thirty days' })).id;
    orgB = (await createOrg(store.db, { name: 'Ninety days' })).id;
    await updateOrg(store.db, orgA, { retentionDays: 30 });
    await updateOrg(store.db, orgB, { retentionDays: 90 });
  }, 60_000);
  afterAll(() => dispose());

  const userIn = (orgId: string) =>
    createUser(store.db, { email: `${word()}@example.com`, role: 'member', orgId });
  const remaining = async (ids: string[]) =>
    (await store.db.selectFrom('conversations').select('id').where('id', 'in', ids).execute())
      .map((row) => row.id)
      .sort();
  const retentionEvents = async (afterSeq: number) =>
    (
      await store.db
        .selectFrom('audit_events')
        .selectAll()
        .where('action', '=', 'retention.deleted')
        .where('seq', '>', afterSeq)
        .orderBy('seq')
        .execute()
    ).map((row) => ({
      orgId: row.org_id,
      actor: row.actor_label,
      details: JSON.parse(row.details),
    }));
  const lastSeq = async () =>
    Number(
      (
        await store.db
          .selectFrom('audit_events')
          .select((eb) => eb.fn.max('seq').as('seq'))
          .executeTakeFirstOrThrow()
      ).seq ?? 0,
    );
  const search = (user: User, text: string) =>
    searchMessages(store, { userId: user.id, text, limit: 10 });
  /**
   * On SQLite, whether the FTS5 index's own pages still hold the word (tombstoned or not). Terms
   * are stored prefix-compressed against their neighbour, so look for the word's tail only.
   */
  const indexPagesHold = async (text: string) => {
    if (store.dialect !== 'sqlite') return false;
    const { rows } = await sql<{
      block: Uint8Array | null;
    }>`select block from messages_fts_data`.execute(store.db);
    return rows.some(
      (row) => row.block && Buffer.from(row.block).toString('latin1').includes(text.slice(5)),
    );
  };

  it('deletes what each policy says, with everything attached, and nothing else', async () => {
    const [ada, bob, cy] = [await userIn(orgA), await userIn(orgB), await userIn(defaultOrgId)];
    const words = { oldA: word(), recentA: word(), ancientDefault: word() };
    const seed = (
      user: User,
      text: string,
      more: Partial<Parameters<typeof seedConversation>[2]>,
    ) => seedConversation(store.db, user.id, { text, ...more });
    const gone: SeededConversation[] = [
      await seed(ada, words.oldA, { lastActivityAt: days(40) }),
      await seed(ada, word(), { lastActivityAt: days(45), arena: true }),
      await seed(ada, word(), { lastActivityAt: minutes(120), temporary: true }),
      await seed(bob, word(), { lastActivityAt: days(100) }),
      await seed(bob, word(), { lastActivityAt: minutes(61), temporary: true }),
      await seed(cy, word(), { lastActivityAt: days(2), temporary: true }),
    ];
    const kept: SeededConversation[] = [
      await seed(ada, words.recentA, { lastActivityAt: days(5) }),
      // Older than the policy, but its reply is still being written.
      await seed(ada, word(), { lastActivityAt: days(40), replyStatus: 'streaming' }),
      await seed(ada, word(), { lastActivityAt: minutes(10), temporary: true }),
      // 40 days is within organisation B's 90.
      await seed(bob, word(), { lastActivityAt: days(40) }),
      // The default organisation keeps conversations.
      await seed(cy, words.ancientDefault, { lastActivityAt: days(400) }),
    ];
    expect(await search(ada, words.oldA)).toHaveLength(2); // question and reply
    expect(await indexPagesHold(words.oldA)).toBe(store.dialect === 'sqlite');
    const before = await lastSeq();

    const report = await runRetention({
      store,
      temporaryIdleMinutes: 60,
      removeConversations,
      batchSize: 2, // several batches per organisation
    });

    const all = [...gone, ...kept].map((c) => c.id);
    expect(await remaining(all)).toEqual(kept.map((c) => c.id).sort());
    const goneIds = gone.map((c) => c.id);
    const goneMessages = gone.flatMap((c) => c.messageIds);
    const left = {
      messages: await store.db
        .selectFrom('messages')
        .select('id')
        .where('conversation_id', 'in', goneIds)
        .execute(),
      shares: await store.db
        .selectFrom('shares')
        .select('id')
        .where('conversation_id', 'in', goneIds)
        .execute(),
      feedback: await store.db
        .selectFrom('feedback')
        .select('message_id')
        .where('message_id', 'in', goneMessages)
        .execute(),
      battles: await store.db
        .selectFrom('arena_battles')
        .select('id')
        .where('conversation_id', 'in', goneIds)
        .execute(),
      votes: await store.db
        .selectFrom('arena_votes')
        .select('battle_id')
        .where('battle_id', '=', gone[1]!.battleId!)
        .execute(),
    };
    expect(left).toEqual({ messages: [], shares: [], feedback: [], battles: [], votes: [] });
    expect(await search(ada, words.oldA)).toEqual([]);
    expect(await indexPagesHold(words.oldA)).toBe(false);
    expect(await search(ada, words.recentA)).toHaveLength(2);
    expect(await search(cy, words.ancientDefault)).toHaveLength(2);

    const byOrg = Object.fromEntries(report.orgs.map((org) => [org.orgId, org]));
    expect(byOrg[orgA]).toMatchObject({ conversations: 3, temporary: 1, messages: 6 });
    expect(byOrg[orgB]).toMatchObject({ conversations: 2, temporary: 1, messages: 4 });
    expect(byOrg[defaultOrgId]).toMatchObject({ conversations: 1, temporary: 1, messages: 2 });
    const events = await retentionEvents(before);
    expect(events).toHaveLength(3);
    expect(events.find((event) => event.orgId === orgA)).toEqual({
      orgId: orgA,
      actor: 'system',
      details: {
        conversations: 3,
        temporaryConversations: 1,
        messages: 6,
        policy: { retentionDays: 30, temporaryIdleMinutes: 60 },
      },
    });
    expect(events.find((event) => event.orgId === defaultOrgId)?.details.policy).toEqual({
      retentionDays: null,
      temporaryIdleMinutes: 60,
    });
    // Nothing in the events comes from the conversations themselves.
    expect(JSON.stringify(events)).not.toContain(words.oldA);

    // A second run finds nothing to do and says nothing.
    const again = await runRetention({ store, temporaryIdleMinutes: 60, removeConversations });
    expect(again.orgs).toEqual([]);
    expect(await retentionEvents(before)).toHaveLength(3);
    expect(await remaining(all)).toHaveLength(kept.length);
    expect((await verifyAuditChain(store.db)).ok).toBe(true);
  }, 120_000);

  it('runs once when two runners race for the lease, and not at all while another holds it', async () => {
    const dee = await userIn(orgA);
    const old = [];
    for (let i = 0; i < 5; i++) {
      old.push(
        await seedConversation(store.db, dee.id, { text: word(), lastActivityAt: days(31) }),
      );
    }
    // On PostgreSQL the second runner has its own connections, as another replica would. SQLite
    // takes one writer at a time per file, and a second connection in this process would block
    // the thread (dialect.sqlite.ts), so there the two runners share the store.
    const other = store.dialect === 'postgres' ? await database.open() : store;
    try {
      const holder = new Lease(store.db, 'retention', 60_000);
      expect(await holder.acquire()).toBe(true);
      const blocked = new RetentionScheduler({ store: other, removeConversations, config });
      expect(await blocked.runOnce()).toBeNull();
      expect(await remaining(old.map((c) => c.id))).toHaveLength(5);
      await holder.release();

      const before = await lastSeq();
      const runners = [store, other].map(
        (runnerStore) =>
          new RetentionScheduler({ store: runnerStore, removeConversations, config }),
      );
      const reports = await Promise.all(runners.map((runner) => runner.runOnce()));
      const deleted = reports.flatMap((report) => report?.orgs ?? []);
      expect(deleted).toEqual([{ orgId: orgA, conversations: 5, temporary: 0, messages: 10 }]);
      expect(await remaining(old.map((c) => c.id))).toEqual([]);
      expect(await retentionEvents(before)).toHaveLength(1);
      // The lease is given back after a run.
      const lease = await store.db
        .selectFrom('settings')
        .select('key')
        .where('key', '=', 'lease:retention')
        .executeTakeFirst();
      expect(lease).toBeUndefined();
    } finally {
      if (other !== store) await other.close();
    }
  }, 120_000);

  it('runs on its own shortly after start, and stop() ends the schedule', async () => {
    const eve = await userIn(orgB);
    const temporary = await seedConversation(store.db, eve.id, {
      text: word(),
      lastActivityAt: minutes(90),
      temporary: true,
    });
    const scheduler = new RetentionScheduler({
      store,
      removeConversations,
      config,
      firstRunDelayMs: 20,
    });
    scheduler.start();
    const deadline = Date.now() + 20_000;
    while ((await remaining([temporary.id])).length > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await scheduler.stop();
    expect(await remaining([temporary.id])).toEqual([]);
    // Stopped: a conversation that expires now stays until the next start.
    const later = await seedConversation(store.db, eve.id, {
      text: word(),
      lastActivityAt: minutes(90),
      temporary: true,
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await remaining([later.id])).toEqual([later.id]);
  }, 60_000);
});
