// The audit log: an append-only chain. Each event's hash covers its predecessor's hash and its own
// fields, and the chain's head (last seq and hash) is kept in `settings`, so `verifyAuditChain`
// finds an edited row (its hash no longer matches), a deleted row (a gap in seq, or a broken
// link), and rows cut from the end (the head names a later event).
//
// Appending is `last + 1` inside a transaction that first locks the head row, so writers on
// several replicas queue; should two still collide on seq, the primary key refuses one and it
// retries on top of the other.
import { hash } from 'node:crypto';
import type { Kysely, Selectable, Transaction } from 'kysely';
import { newId } from '../lib/ids.js';
import { toTimestamp, type AuditEventsTable, type Database } from '../store/database.js';

/** The first event's `prev_hash`. */
export const genesisHash = '0'.repeat(64);
const headKey = 'audit_head';
const maxAttempts = 8;

/** What happened, by whom, to what. */
export interface AuditEntry {
  /** Null for instance-wide actions. */
  orgId: string | null;
  actorId?: string | null;
  /** An email, `instance`, `scim` or `system`. */
  actorLabel?: string | null;
  /** Dotted verb, e.g. `auth.sign_in`, `user.role_changed`, `key.revoked`. */
  action: string;
  targetType?: string | null;
  targetId?: string | null;
  ip?: string | null;
  /** Particulars; never message content or secrets. */
  details?: Record<string, unknown>;
}

/** A stored audit event. */
export interface AuditEvent {
  seq: number;
  id: string;
  createdAt: string;
  orgId: string | null;
  actorId: string | null;
  actorLabel: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  ip: string | null;
  details: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

type AuditRow = Selectable<AuditEventsTable>;

/**
 * The hash of a row given its predecessor's hash: SHA-256 of `prev_hash`, a newline and the JSON
 * array of the fields in a fixed order. The format is frozen: stored chains depend on it.
 */
export function auditHash(row: Omit<AuditRow, 'hash'>): string {
  const fields = [
    row.seq,
    row.id,
    row.created_at,
    row.org_id,
    row.actor_id,
    row.actor_label,
    row.action,
    row.target_type,
    row.target_id,
    row.ip,
    row.details,
  ];
  // One-shot `hash` over the joined string: the same digest as streaming the three parts into a
  // Hash object, at half the cost per event, which is most of what verifying a long log costs.
  return hash('sha256', `${row.prev_hash}\n${JSON.stringify(fields)}`);
}

/** Maps a stored row to its record. */
export function toAuditEvent(row: AuditRow): AuditEvent {
  return {
    seq: Number(row.seq),
    id: row.id,
    createdAt: row.created_at,
    orgId: row.org_id,
    actorId: row.actor_id,
    actorLabel: row.actor_label,
    action: row.action,
    targetType: row.target_type,
    targetId: row.target_id,
    ip: row.ip,
    details: JSON.parse(row.details) as Record<string, unknown>,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/** Appends one event to the chain and returns it. */
export async function appendAudit(db: Kysely<Database>, entry: AuditEntry): Promise<AuditEvent> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().execute((trx) => appendIn(trx, entry));
    } catch (error) {
      if (attempt >= maxAttempts || !isSeqTaken(error)) throw error;
    }
  }
}

async function appendIn(trx: Transaction<Database>, entry: AuditEntry): Promise<AuditEvent> {
  // Touching the head row first locks it on PostgreSQL until commit, so concurrent writers queue
  // here instead of colliding on seq (SQLite runs one write transaction at a time anyway).
  await trx
    .insertInto('settings')
    .values({ key: headKey, value: '{}', updated_at: toTimestamp() })
    .onConflict((conflict) =>
      conflict.column('key').doUpdateSet((eb) => ({ value: eb.ref('settings.value') })),
    )
    .execute();
  // eslint-disable-next-line salon/org-scoped-tables -- the chain spans every organisation
  const last = await trx
    .selectFrom('audit_events')
    .select(['seq', 'hash'])
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  const unhashed = {
    seq: last ? Number(last.seq) + 1 : 1,
    id: newId('audit'),
    created_at: toTimestamp(),
    org_id: entry.orgId,
    actor_id: entry.actorId ?? null,
    actor_label: entry.actorLabel ?? null,
    action: entry.action,
    target_type: entry.targetType ?? null,
    target_id: entry.targetId ?? null,
    ip: entry.ip ?? null,
    details: JSON.stringify(entry.details ?? {}),
    prev_hash: last?.hash ?? genesisHash,
  };
  const row: AuditRow = { ...unhashed, hash: auditHash(unhashed) };
  // eslint-disable-next-line salon/org-scoped-tables -- the writer of the chain itself
  await trx.insertInto('audit_events').values(row).execute();
  const head = JSON.stringify({ seq: row.seq, hash: row.hash });
  await trx
    .insertInto('settings')
    .values({ key: headKey, value: head, updated_at: row.created_at })
    .onConflict((conflict) =>
      conflict.column('key').doUpdateSet({ value: head, updated_at: row.created_at }),
    )
    .execute();
  return toAuditEvent(row);
}

// A lost race is a primary-key violation, worded differently by each driver (SQLite: "UNIQUE
// constraint failed", pg: "duplicate key value"); any other error is not retried.
function isSeqTaken(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return /unique constraint|duplicate key/i.test(message);
}

/** One break in the chain. */
export interface AuditProblem {
  seq: number;
  problem: 'edited' | 'missing' | 'relinked' | 'truncated';
  message: string;
}

/** What `verifyAuditChain` found. */
export interface AuditVerification {
  ok: boolean;
  /** Events checked. */
  checked: number;
  problems: AuditProblem[];
}

/** Walks the whole chain in seq order, `batchSize` rows at a time; stops after `maxProblems`. */
export async function verifyAuditChain(
  db: Kysely<Database>,
  options: { batchSize?: number; maxProblems?: number } = {},
): Promise<AuditVerification> {
  const batchSize = options.batchSize ?? 5_000;
  const maxProblems = options.maxProblems ?? 100;
  const problems: AuditProblem[] = [];
  let checked = 0;
  let expectedSeq = 1;
  let prevHash = genesisHash;
  // Keyset pages in seq order; the next page is asked for before this one is hashed, so that on
  // PostgreSQL the server reads it while this process hashes.
  const page = (from: number) =>
    // eslint-disable-next-line salon/org-scoped-tables -- verification reads the whole chain
    db
      .selectFrom('audit_events')
      .selectAll()
      .where('seq', '>=', from)
      .orderBy('seq')
      .limit(batchSize)
      .execute();
  let next: ReturnType<typeof page> | undefined = page(1);
  while (next) {
    const rows: AuditRow[] = await next;
    next = rows.length < batchSize ? undefined : page(Number(rows[rows.length - 1]!.seq) + 1);
    for (const row of rows) {
      const seq = Number(row.seq);
      if (seq !== expectedSeq) {
        problems.push({
          seq: expectedSeq,
          problem: 'missing',
          message: `events ${expectedSeq}–${seq - 1} are missing (deleted)`,
        });
      }
      if (auditHash(row) !== row.hash) {
        problems.push({
          seq,
          problem: 'edited',
          message: `event ${seq} was changed after it was written`,
        });
      } else if (row.prev_hash !== prevHash) {
        problems.push({
          seq,
          problem: 'relinked',
          message: `event ${seq} does not follow event ${seq - 1}`,
        });
      }
      prevHash = row.hash;
      expectedSeq = seq + 1;
      checked++;
      if (problems.length >= maxProblems) {
        await next?.catch(() => undefined); // not left to reject unobserved
        return { ok: false, checked, problems };
      }
    }
  }
  const head = await db
    .selectFrom('settings')
    .select('value')
    .where('key', '=', headKey)
    .executeTakeFirst();
  if (head && head.value !== '{}') {
    const { seq, hash: headHash } = JSON.parse(head.value) as { seq: number; hash: string };
    if (seq >= expectedSeq || (seq === expectedSeq - 1 && headHash !== prevHash)) {
      problems.push({
        seq: expectedSeq,
        problem: 'truncated',
        message: `the log ends at event ${expectedSeq - 1} but was written up to event ${seq}`,
      });
    }
  } else if (checked > 0) {
    problems.push({ seq: 0, problem: 'truncated', message: 'the chain head record is missing' });
  }
  return { ok: problems.length === 0, checked, problems };
}
