// The audit chain on both dialects: appends from concurrent writers form one unbroken chain, and
// verification names an edited row, a deleted row and rows cut from the end.
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestStore, storeTargets } from '../../tests/helpers/stores.js';
import type { Store } from '../store/create-database.js';
import { appendAudit, auditHash, genesisHash, verifyAuditChain } from './audit-log.js';

const targets = await storeTargets('audit log');

// Stored chains depend on this digest: a change to the hashed form breaks every existing log.
it('hashes an event in a frozen format', () => {
  const row = {
    seq: 1,
    id: 'audit_x',
    created_at: '2025-01-01T00:00:00.000Z',
    org_id: null,
    actor_id: null,
    actor_label: 'system',
    action: 'gateway.reloaded',
    target_type: null,
    target_id: null,
    ip: null,
    details: '{"added":["a"]}',
    prev_hash: genesisHash,
  };
  expect(auditHash(row)).toBe('a248c4c3488302996d39c87c7926d29c1273178a9dd5152e7e9866738e5aac90');
});

describe.each(targets)('audit log on $dialect', (target) => {
  let store: Store;
  let dispose: () => Promise<void>;
  beforeEach(async () => {
    ({ store, dispose } = await openTestStore(target));
  });
  afterEach(async () => dispose());

  const append = (n: number, action = 'user.created') =>
    appendAudit(store.db, {
      orgId: 'org_default',
      actorId: 'user-1',
      actorLabel: 'ada@example.com',
      action,
      targetType: 'user',
      targetId: `user-${n}`,
      ip: '127.0.0.1',
      details: { n },
    });

  it('chains events written concurrently without a gap or a fork', async () => {
    const events = await Promise.all(Array.from({ length: 20 }, (_, n) => append(n)));
    expect(new Set(events.map((event) => event.seq)).size).toBe(20);
    const verification = await verifyAuditChain(store.db, { batchSize: 7 });
    expect(verification).toEqual({ ok: true, checked: 20, problems: [] });
  });

  it('finds an edited event', async () => {
    for (let n = 0; n < 5; n++) await append(n);
    await sql`update audit_events set actor_label = 'mallory@example.com' where seq = 3`.execute(
      store.db,
    );
    const verification = await verifyAuditChain(store.db);
    expect(verification.ok).toBe(false);
    expect(verification.problems).toEqual([expect.objectContaining({ seq: 3, problem: 'edited' })]);
  });

  it('finds a deleted event, even when the next one is re-hashed to hide it', async () => {
    for (let n = 0; n < 5; n++) await append(n);
    await sql`delete from audit_events where seq = 2`.execute(store.db);
    const verification = await verifyAuditChain(store.db);
    expect(verification.problems.map((problem) => problem.problem)).toEqual([
      'missing',
      'relinked',
    ]);
  });

  it('finds events cut from the end', async () => {
    for (let n = 0; n < 5; n++) await append(n);
    await sql`delete from audit_events where seq >= 4`.execute(store.db);
    const verification = await verifyAuditChain(store.db);
    expect(verification.problems).toEqual([
      expect.objectContaining({ problem: 'truncated', seq: 4 }),
    ]);
  });

  it('stops after maxProblems, across pages, with the next page already asked for', async () => {
    for (let n = 0; n < 12; n++) await append(n);
    await sql`update audit_events set ip = '198.51.100.1' where seq > 2`.execute(store.db);
    const verification = await verifyAuditChain(store.db, { batchSize: 3, maxProblems: 4 });
    expect(verification.ok).toBe(false);
    expect(verification.problems.map((problem) => problem.seq)).toEqual([3, 4, 5, 6]);
    expect(verification.checked).toBe(6);
  });
});
