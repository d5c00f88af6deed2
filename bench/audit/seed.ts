// Writes a long, valid audit chain quickly: rows hashed here with the core's own `auditHash`
// and inserted many per statement inside one transaction, instead of one transaction per event
// as `appendAudit` does. The last event goes through `appendAudit` itself, so the chain's head
// record is written by the real code.
import type { Kysely } from 'kysely';
import { appendAudit, auditHash, genesisHash } from '../../src/governance/audit-log.js';
import type { AuditEventsTable, Database } from '../../src/store/database.js';

// Rows per INSERT: 13 columns × 1,000 = 13,000 parameters, below SQLite's 32,766 and
// PostgreSQL's 65,535.
const rowsPerInsert = 1_000;
const start = Date.parse('2025-01-01T00:00:00.000Z');
const orgs = ['org_default', 'org_acme', 'org_globex', null] as const;
const actions = [
  'auth.signed_in',
  'auth.sign_in_failed',
  'conversation.exported',
  'key.created',
  'user.role_changed',
  'share.created',
] as const;

/** Event `seq` (from 1) as the seeded log holds it; deterministic, a few per second. */
function unhashedEvent(seq: number, prevHash: string): Omit<AuditEventsTable, 'hash'> {
  const org = orgs[seq % orgs.length]!;
  return {
    seq,
    id: `audit_bench${seq.toString(36).padStart(8, '0')}`,
    created_at: new Date(start + seq * 250).toISOString(),
    org_id: org,
    actor_id: `user_${seq % 5_000}`,
    actor_label: `user${seq % 5_000}@example.com`,
    action: actions[seq % actions.length]!,
    target_type: 'user',
    target_id: `user_${(seq * 7) % 5_000}`,
    ip: `10.0.${(seq >> 8) & 255}.${seq & 255}`,
    details: JSON.stringify({ method: 'password', n: seq }),
    prev_hash: prevHash,
  };
}

/** Writes `count` chained events into an empty log; returns the seconds taken. */
export async function seedAuditLog(db: Kysely<Database>, count: number): Promise<number> {
  const startedAt = performance.now();
  let prevHash = genesisHash;
  await db.transaction().execute(async (trx) => {
    for (let first = 1; first < count; first += rowsPerInsert) {
      const rows: AuditEventsTable[] = [];
      for (let seq = first; seq < Math.min(first + rowsPerInsert, count); seq++) {
        const unhashed = unhashedEvent(seq, prevHash);
        prevHash = auditHash(unhashed);
        rows.push({ ...unhashed, hash: prevHash });
      }
      await trx.insertInto('audit_events').values(rows).execute();
    }
  });
  await appendAudit(db, {
    orgId: 'org_default',
    actorLabel: 'system',
    action: 'bench.seeded',
    details: { events: count },
  });
  return (performance.now() - startedAt) / 1000;
}
