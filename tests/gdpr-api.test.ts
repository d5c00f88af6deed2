// Temporary chats, the GDPR export (GET /api/me/export) and erasure
// (POST /api/admin/users/:id/erase) over HTTP, on both dialects. A temporary chat is never listed
// or searched. The export is one zip holding all of the caller's data and nobody else's. Erasure
// is for the organisation's owners and admins, refuses the owner, answers 404 for another
// organisation's user, ends the user's replies and sessions at once, and leaves their id, address
// and words in no table but the audit log, while the organisation's usage totals stay right.
import { sql } from 'kysely';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addToUsageDaily } from '../src/governance/usage-rollup.js';
import { verifyAuditChain } from '../src/governance/audit-log.js';
import { createApiKey } from '../src/identity/api-keys.js';
import { countLoginAttempt } from '../src/identity/login-limiter.js';
import { createOrg } from '../src/identity/orgs.js';
import { createSession } from '../src/identity/sessions.js';
import { createUser, defaultOrgId } from '../src/identity/users.js';
import { verifyApiKey } from '../src/identity/verify-api-key.js';
import { newId, randomToken } from '../src/lib/ids.js';
import type { Store } from '../src/store/create-database.js';
import type { UsageEventsTable } from '../src/store/database.js';
import { openChatTestApp, startConversation, type ChatTestApp } from './helpers/chat-app.js';
import { seedConversation } from './helpers/seed-chat.js';
import { signIn, signInAs, type SignedIn } from './helpers/sign-in.js';
import { storeTargets } from './helpers/stores.js';

const targets = await storeTargets('GDPR API');

const word = () => `w${randomToken(12).toLowerCase()}`;

/** Every row of every table (audit_events aside) as text, to look for what must be gone. */
async function everyTableButAudit(store: Store): Promise<Map<string, string>> {
  const tables =
    store.dialect === 'sqlite'
      ? await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(
          store.db,
        )
      : await sql<{ name: string }>`select table_name as name from information_schema.tables
          where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(store.db);
  const dump = new Map<string, string>();
  for (const { name } of tables.rows) {
    if (name === 'audit_events') continue;
    const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(name)}`.execute(
      store.db,
    );
    // Binary columns (the FTS5 index's pages) as latin1, so their bytes can be searched too.
    const text = JSON.stringify(rows, (_key, value: unknown) =>
      value && typeof value === 'object' && 'type' in value && value.type === 'Buffer'
        ? Buffer.from((value as unknown as { data: number[] }).data).toString('latin1')
        : value,
    );
    dump.set(name, text);
  }
  return dump;
}

describe.each(targets)('GDPR API on $dialect', (target) => {
  let t: ChatTestApp;
  let store: Store;
  let owner: SignedIn;
  let admin: SignedIn;
  let member: SignedIn;

  beforeAll(async () => {
    t = await openChatTestApp(target);
    store = t.runtime.store;
    owner = await signIn(store.db, { role: 'owner', email: `owner-${word()}@example.com` });
    admin = await signIn(store.db, { role: 'admin', email: `admin-${word()}@example.com` });
    member = await signIn(store.db, { role: 'member' });
  }, 60_000);
  afterAll(async () => {
    await t?.dispose();
  });

  const call = (who: SignedIn | null, method: 'GET' | 'POST', url: string, payload?: object) =>
    t.app.inject({
      method,
      url,
      headers: who?.headers ?? {},
      ...(payload !== undefined && { payload }),
    });
  const errorCode = (response: { statusCode: number; body: string }) =>
    (JSON.parse(response.body) as { error: { code: string } }).error.code;
  const auditEvents = (action: string) =>
    store.db.selectFrom('audit_events').selectAll().where('action', '=', action).execute();

  it('keeps a temporary chat out of the list and the search, but reachable by its id', async () => {
    const secret = word();
    const created = await call(member, 'POST', '/api/conversations', { temporary: true });
    expect(created.statusCode, created.body).toBe(201);
    const temporary = created.json<{ id: string; temporary: boolean }>();
    expect(temporary.temporary).toBe(true);
    const posted = await call(member, 'POST', `/api/conversations/${temporary.id}/messages`, {
      content: `Remember ${secret}`,
      parentId: null,
    });
    expect(posted.statusCode, posted.body).toBe(201);
    await t.runtime.runs.settled(posted.json<{ runId: string }>().runId);
    const saved = await startConversation(t.app, member.headers, `Also ${secret}`);
    await t.runtime.runs.settled(saved.runId);

    const list = await call(member, 'GET', '/api/conversations');
    const ids = list.json<{ items: { id: string }[] }>().items.map((item) => item.id);
    expect(ids).toContain(saved.conversationId);
    expect(ids).not.toContain(temporary.id);
    const search = await call(member, 'GET', `/api/search?q=${secret}`);
    const hits = search.json<{ results: { conversationId: string }[] }>().results;
    expect(hits.map((hit) => hit.conversationId)).toEqual([saved.conversationId]);
    const read = await call(member, 'GET', `/api/conversations/${temporary.id}`);
    expect(read.statusCode).toBe(200);
    expect(read.json<{ conversation: { temporary: boolean } }>().conversation.temporary).toBe(true);

    const bad = await call(member, 'POST', '/api/conversations', { temporary: 'yes' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('temporary');
  }, 60_000);

  it('exports all of the caller’s data as one zip, and nothing of anyone else’s', async () => {
    const [mine, theirs] = [word(), word()];
    const ada = await signIn(store.db, { email: `ada-${word()}@example.com` });
    const bob = await signIn(store.db);
    await createSession(store.db, {
      userId: ada.user.id,
      ip: '198.51.100.7',
      userAgent: 'AdaBrowser/2',
    });
    const chat = await seedConversation(store.db, ada.user.id, { text: mine });
    await seedConversation(store.db, ada.user.id, { text: `${mine} arena`, arena: true });
    await seedConversation(store.db, ada.user.id, { text: `${mine} temp`, temporary: true });
    await seedConversation(store.db, bob.user.id, { text: theirs });
    const { record: key } = await createApiKey(store.db, {
      name: 'ada-laptop',
      userId: ada.user.id,
    });
    await store.db
      .insertInto('usage_events')
      .values(ledgerRow({ userId: ada.user.id, apiKeyId: key.id, orgId: defaultOrgId }))
      .execute();
    const teamId = newId('team');
    const now = new Date().toISOString();
    await store.db
      .insertInto('teams')
      .values({
        id: teamId,
        org_id: defaultOrgId,
        name: `Team ${mine}`,
        external_id: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await store.db
      .insertInto('team_members')
      .values({ team_id: teamId, user_id: ada.user.id, role: 'manager', created_at: now })
      .execute();

    expect((await call(null, 'GET', '/api/me/export')).statusCode).toBe(401);
    const response = await call(ada, 'GET', '/api/me/export');
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toBe('application/zip');
    expect(response.headers['content-disposition']).toMatch(/^attachment; filename="salon-export-/);
    const files = unzipSync(new Uint8Array(response.rawPayload));
    const text = (name: string) => strFromU8(files[name]!);
    const names = Object.keys(files);
    const all = names.map(text).join('\n');

    expect(names).toEqual(
      expect.arrayContaining([
        'README.txt',
        'profile.json',
        'folders.json',
        'shares.json',
        'feedback.json',
        'arena-votes.json',
        'usage.jsonl',
        'api-keys.json',
        'teams.json',
        'sessions.json',
      ]),
    );
    const conversations = names.filter((name) => name.startsWith('conversations/'));
    expect(conversations).toHaveLength(6); // three conversations, .json and .md each
    const chatJson = conversations.find((name) => name.endsWith(`${chat.id}.json`))!;
    const exported = JSON.parse(text(chatJson)) as { messages: { id: string; content: string }[] };
    expect(exported.messages.map((message) => message.id).sort()).toEqual(
      [...chat.messageIds].sort(),
    );
    expect(text(chatJson.replace(/\.json$/, '.md'))).toContain(`Tell me about ${mine}`);
    expect(JSON.parse(text('profile.json'))).toMatchObject({
      id: ada.user.id,
      email: ada.user.email,
    });
    expect(JSON.parse(text('feedback.json'))).toHaveLength(3);
    expect(JSON.parse(text('arena-votes.json'))).toEqual([
      expect.objectContaining({ outcome: 'a', model_a: 'chat', model_b: 'small' }),
    ]);
    expect(
      text('usage.jsonl')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line)),
    ).toEqual([expect.objectContaining({ api_key_id: key.id, prompt_tokens: 100 })]);
    const keys = JSON.parse(text('api-keys.json')) as Record<string, unknown>[];
    expect(keys).toEqual([expect.objectContaining({ id: key.id, name: 'ada-laptop' })]);
    expect(JSON.stringify(keys)).not.toMatch(/hash/i);
    expect(JSON.parse(text('teams.json'))).toEqual([
      expect.objectContaining({ id: teamId, role: 'manager' }),
    ]);
    const sessions = JSON.parse(text('sessions.json')) as Record<string, unknown>[];
    expect(sessions).toContainEqual(
      expect.objectContaining({ ip: '198.51.100.7', user_agent: 'AdaBrowser/2' }),
    );
    expect(JSON.stringify(sessions)).not.toContain(ada.csrfToken);
    // Nothing of Bob's.
    expect(all).not.toContain(theirs);
    expect(all).not.toContain(bob.user.id);
    expect(all).not.toContain(bob.user.email);

    const [event] = (await auditEvents('user.data_exported')).filter(
      (row) => row.target_id === ada.user.id,
    );
    expect(event).toMatchObject({ actor_id: ada.user.id, target_type: 'user' });
  }, 60_000);

  it('refuses erasure to members, of the owner, and across organisations', async () => {
    const victim = await signIn(store.db);
    const otherOrg = await createOrg(store.db, { name: `Elsewhere ${word()}` });
    const outsider = await signInAs(
      store.db,
      await createUser(store.db, {
        email: `x-${word()}@example.com`,
        role: 'admin',
        orgId: otherOrg.id,
      }),
    );
    const erase = (who: SignedIn, id: string) => call(who, 'POST', `/api/admin/users/${id}/erase`);

    const byMember = await erase(member, victim.user.id);
    expect(byMember.statusCode).toBe(403);
    expect(errorCode(byMember)).toBe('insufficient_role');
    const owner403 = await erase(admin, owner.user.id);
    expect(owner403.statusCode).toBe(403);
    expect(errorCode(owner403)).toBe('owner_protected');
    const across = await erase(outsider, victim.user.id);
    expect(across.statusCode).toBe(404);
    expect(errorCode(across)).toBe('user_not_found');
    const missing = await erase(admin, 'user_nobody');
    expect(missing.statusCode).toBe(404);
    // Still there, still signed in.
    expect((await call(victim, 'GET', '/api/conversations')).statusCode).toBe(200);
  }, 60_000);

  it('erases a user: no trace left outside the audit log, totals kept, replies and sessions ended', async () => {
    const secret = word();
    const email = `victim-${word()}@example.com`;
    const victim = await signIn(store.db, { email, displayName: `Vic ${secret}` });
    const bystander = await signIn(store.db);
    const id = victim.user.id;
    await createSession(store.db, {
      userId: id,
      ip: '203.0.113.9',
      userAgent: `Browser ${secret}`,
    });
    await countLoginAttempt(store.db, email, '203.0.113.9');
    await seedConversation(store.db, id, { text: secret });
    await seedConversation(store.db, id, { text: `${secret} arena`, arena: true });
    await seedConversation(store.db, id, { text: `${secret} temp`, temporary: true });
    const other = word();
    const kept = await seedConversation(store.db, bystander.user.id, { text: other });
    const now = new Date().toISOString();
    await store.db
      .insertInto('folders')
      .values({
        id: newId('folder'),
        user_id: id,
        name: `Folder ${secret}`,
        created_at: now,
        updated_at: now,
      })
      .execute();
    const { key, record } = await createApiKey(store.db, { name: `key ${secret}`, userId: id });
    const ledger = [
      ledgerRow({ userId: id, apiKeyId: record.id, orgId: defaultOrgId }),
      ledgerRow({ userId: id, apiKeyId: record.id, orgId: defaultOrgId }),
      ledgerRow({ userId: bystander.user.id, apiKeyId: null, orgId: defaultOrgId }),
    ];
    await store.db.insertInto('usage_events').values(ledger).execute();
    await addToUsageDaily(store.db, ledger);
    const teamId = newId('team');
    await store.db
      .insertInto('teams')
      .values({
        id: teamId,
        org_id: defaultOrgId,
        name: `T ${word()}`,
        external_id: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await store.db
      .insertInto('team_members')
      .values({ team_id: teamId, user_id: id, role: 'member', created_at: now })
      .execute();
    const invitation = (accepted: boolean) => ({
      id: newId('inv'),
      org_id: defaultOrgId,
      token_hash: randomToken(40),
      email,
      role: 'member' as const,
      team_id: teamId,
      created_by: admin.user.id,
      created_at: now,
      expires_at: new Date(Date.now() + 86_400_000).toISOString(),
      accepted_at: accepted ? now : null,
      accepted_by: accepted ? id : null,
      revoked_at: null,
    });
    const accepted = invitation(true);
    await store.db
      .insertInto('invitations')
      .values([accepted, invitation(false)])
      .execute();
    await store.db
      .insertInto('quotas')
      .values({
        id: newId('quota'),
        org_id: defaultOrgId,
        scope: 'user',
        subject_id: id,
        rpm: 10,
        tpm: null,
        budget_tokens: null,
        budget_usd: null,
        budget_period: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    // An export before the erasure: its audit row (with the victim's address) must stay.
    expect((await call(victim, 'GET', '/api/me/export')).statusCode).toBe(200);
    // Earlier tests' replies write their usage rows when they settle, in batches: let them all
    // land first, so that the totals below move only by what the erasure does.
    await expect.poll(() => t.runtime.runs.activeCount, { timeout: 10_000 }).toBe(0);
    await t.runtime.governance.core.flushUsage();
    // A reply still being written when the erasure comes.
    t.chat.script = [
      { kind: 'stall', text: `Thinking about ${secret}`, afterChunks: 1, chunks: 4 },
    ];
    const live = await startConversation(t.app, victim.headers, `Tell me of ${secret}`);
    const totals = async () =>
      Promise.all([
        sql<{ n: number | string; tokens: number | string }>`select count(*) as n,
          sum(prompt_tokens) as tokens from usage_events where org_id = ${defaultOrgId}`.execute(
          store.db,
        ),
        sql<{ n: number | string; tokens: number | string }>`select sum(requests) as n,
          sum(prompt_tokens) as tokens from usage_daily where org_id = ${defaultOrgId}`.execute(
          store.db,
        ),
        sql<{ n: number | string; tokens: number | string }>`select sum(requests) as n,
          sum(prompt_tokens) as tokens from usage_daily_user where org_id = ${defaultOrgId}`.execute(
          store.db,
        ),
      ]).then((results) =>
        results.map(({ rows }) => rows.map((row) => [Number(row.n), Number(row.tokens)])),
      );
    const totalsBefore = await totals();
    // The days they used each model name them until the erasure (the dump below checks after).
    const activeDays = await store.db
      .selectFrom('usage_active_days')
      .select('user_id')
      .where('user_id', '=', id)
      .execute();
    expect(activeDays.length).toBeGreaterThan(0);
    const auditBefore = (await store.db.selectFrom('audit_events').select('seq').execute()).length;

    const erased = await call(admin, 'POST', `/api/admin/users/${id}/erase`);
    expect(erased.statusCode, erased.body).toBe(204);

    // Replies, sessions and keys end at once.
    await t.runtime.runs.settled(live.runId);
    expect(t.runtime.runs.activeCount).toBe(0);
    expect((await call(victim, 'GET', '/api/conversations')).statusCode).toBe(401);
    expect(await verifyApiKey(store.db, key)).toBeUndefined();
    // The bystander's data is untouched, and the organisation's totals are the same.
    const search = await call(bystander, 'GET', `/api/search?q=${other}`);
    expect(
      search.json<{ results: { conversationId: string }[] }>().results[0]?.conversationId,
    ).toBe(kept.id);
    // Same tokens; one request more: the reply that the erasure stopped is counted too, unnamed.
    type Totals = [[[number, number]], [[number, number]], [[number, number]]];
    const [[[requests, tokens]], [[rolledUp, rolledUpTokens]], [[perUser, perUserTokens]]] =
      (await totals()) as Totals;
    const [
      [[requestsBefore, tokensBefore]],
      [[rolledUpBefore, rolledUpTokensBefore]],
      [[perUserBefore, perUserTokensBefore]],
    ] = totalsBefore as Totals;
    expect([requests, tokens, rolledUp, rolledUpTokens, perUser, perUserTokens]).toEqual([
      requestsBefore + 1,
      tokensBefore,
      rolledUpBefore + 1,
      rolledUpTokensBefore,
      perUserBefore + 1,
      perUserTokensBefore,
    ]);
    // No table but the audit log holds the id, the address or the words.
    const dump = await everyTableButAudit(store);
    for (const [table, rows] of dump) {
      expect(rows.includes(id), `${table} holds the user id`).toBe(false);
      expect(rows.toLowerCase().includes(email), `${table} holds the email`).toBe(false);
      // FTS5 pages hold terms prefix-compressed against their neighbour: look for the tail.
      expect(rows.includes(secret.slice(5)), `${table} holds the words`).toBe(false);
    }
    // The accepted invitation stays as the organisation's record, unlinked.
    const invitationRow = await store.db
      .selectFrom('invitations')
      .selectAll()
      .where('id', '=', accepted.id)
      .executeTakeFirstOrThrow();
    expect(invitationRow).toMatchObject({ email: null, accepted_by: null, accepted_at: now });

    // The audit log: earlier rows kept, one new `user.erased` naming the id only, chain intact.
    const events = await store.db.selectFrom('audit_events').selectAll().orderBy('seq').execute();
    expect(events.length).toBe(auditBefore + 1);
    const last = events.at(-1)!;
    expect(last).toMatchObject({ action: 'user.erased', target_type: 'user', target_id: id });
    expect(JSON.stringify(last)).not.toContain(email);
    expect(JSON.stringify(last)).not.toContain(secret);
    expect(
      events.some((row) => row.action === 'user.data_exported' && row.actor_label === email),
    ).toBe(true);
    expect((await verifyAuditChain(store.db)).ok).toBe(true);
    // Gone means gone: a second erasure finds nobody.
    expect((await call(admin, 'POST', `/api/admin/users/${id}/erase`)).statusCode).toBe(404);
  }, 60_000);
});

function ledgerRow(input: {
  userId: string;
  apiKeyId: string | null;
  orgId: string;
}): UsageEventsTable {
  return {
    id: newId('usage'),
    created_at: new Date().toISOString(),
    user_id: input.userId,
    api_key_id: input.apiKeyId,
    org_id: input.orgId,
    team_id: null,
    endpoint: '/v1/chat/completions',
    model: 'chat',
    target: 'chat/fake-chat',
    prompt_tokens: 100,
    completion_tokens: 20,
    cost_usd: 0.001,
    latency_ms: 300,
    ttft_ms: 50,
    status: 200,
    error_code: null,
  };
}
