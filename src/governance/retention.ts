// The retention job: in each organisation, deletes the conversations idle for longer than its
// policy (`orgs.retention_days`), and everywhere the temporary chats idle past their window, with
// everything attached (messages and their search-index entries, shares, feedback, arena battles).
// A conversation with a reply still streaming is kept, whatever its age. Work goes in batches, one
// transaction each; every deletion is conditional on the conversation still being expired, so a
// run that repeats another's work (or races a new message) deletes nothing twice and nothing live.
import type { ExpressionBuilder, Kysely } from 'kysely';
import { listOrgs, type Org } from '../identity/orgs.js';
import { OrgScope } from '../identity/org-scope.js';
import type { Store } from '../store/create-database.js';
import { toTimestamp, type Database } from '../store/database.js';
import { forgetMessagesInSearch } from '../store/search.js';
import { appendAudit } from './audit-log.js';

/** Deletes conversations (and what is attached) inside a transaction; chat's `removeConversations`. */
export type RemoveConversations = (
  trx: Kysely<Database>,
  ids: readonly string[],
) => Promise<number>;

/** What a run needs. */
export interface RetentionOptions {
  store: Pick<Store, 'db' | 'dialect'>;
  /** A temporary chat idle this long is deleted. */
  temporaryIdleMinutes: number;
  /** Passed in by the server: governance does not import chat, whose code this is. */
  removeConversations: RemoveConversations;
  /** Conversations per transaction (default 200): short transactions leave room for chat writes. */
  batchSize?: number;
  now?: Date;
  /** Asked before each batch; false ends the run early (lease lost, process stopping). */
  shouldContinue?: () => Promise<boolean> | boolean;
}

/** What one run deleted in one organisation. */
export interface OrgRetentionResult {
  orgId: string;
  /** Conversations deleted, temporary ones included. */
  conversations: number;
  /** Of those, temporary chats. */
  temporary: number;
  messages: number;
}

/** The organisations where a run deleted something. */
export interface RetentionReport {
  orgs: OrgRetentionResult[];
  /** False when `shouldContinue` ended the run before it was done. */
  completed: boolean;
}

const dayMs = 24 * 60 * 60_000;

/** Cut-offs: conversations whose last activity is older are expired. */
interface Cutoffs {
  /** Null when the organisation keeps conversations. */
  all: string | null;
  temporary: string;
}

function expired(cutoffs: Cutoffs) {
  return (eb: ExpressionBuilder<Database, 'conversations'>) =>
    eb.and([
      eb.or([
        ...(cutoffs.all ? [eb('conversations.last_activity_at', '<', cutoffs.all)] : []),
        eb.and([
          eb('conversations.temporary', '=', 1),
          eb('conversations.last_activity_at', '<', cutoffs.temporary),
        ]),
      ]),
      eb.not(
        eb.exists(
          eb
            .selectFrom('messages')
            .select('messages.id')
            .whereRef('messages.conversation_id', '=', 'conversations.id')
            .where('messages.status', '=', 'streaming'),
        ),
      ),
    ]);
}

/**
 * Deletes one batch of `org`'s expired conversations; returns what it deleted (none: done).
 * The no-op update claims the rows: it re-checks the expiry on each row under its row lock, so
 * a message added meanwhile (which moves `last_activity_at`) saves its conversation.
 */
async function deleteBatch(
  options: RetentionOptions,
  org: Org,
  cutoffs: Cutoffs,
  batchSize: number,
): Promise<Omit<OrgRetentionResult, 'orgId'>> {
  const { db, dialect } = options.store;
  return db.transaction().execute(async (trx) => {
    const candidates = new OrgScope(trx, org.id)
      .selectFrom('users')
      .innerJoin('conversations', 'conversations.user_id', 'users.id')
      .select('conversations.id')
      .where(expired(cutoffs))
      .orderBy('conversations.last_activity_at')
      .limit(batchSize);
    const claimed = await trx
      .updateTable('conversations')
      .set((eb) => ({ updated_at: eb.ref('conversations.updated_at') }))
      .where('conversations.id', 'in', candidates)
      .where(expired(cutoffs))
      .returning(['conversations.id', 'conversations.temporary'])
      .execute();
    if (claimed.length === 0) return { conversations: 0, temporary: 0, messages: 0 };
    const ids = claimed.map((row) => row.id);
    const { n } = await trx
      .selectFrom('messages')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('conversation_id', 'in', ids)
      .executeTakeFirstOrThrow();
    await forgetMessagesInSearch(trx, dialect, { conversationIds: ids });
    const conversations = await options.removeConversations(trx, ids);
    return {
      conversations,
      temporary: claimed.filter((row) => Number(row.temporary) === 1).length,
      messages: Number(n),
    };
  });
}

/** Runs the job once over every organisation; writes one audit event per organisation that lost data. */
export async function runRetention(options: RetentionOptions): Promise<RetentionReport> {
  const now = options.now ?? new Date();
  const batchSize = options.batchSize ?? 200;
  const temporary = toTimestamp(new Date(now.getTime() - options.temporaryIdleMinutes * 60_000));
  const report: RetentionReport = { orgs: [], completed: true };
  for (const org of await listOrgs(options.store.db)) {
    const cutoffs: Cutoffs = {
      all: org.retentionDays
        ? toTimestamp(new Date(now.getTime() - org.retentionDays * dayMs))
        : null,
      temporary,
    };
    const result: OrgRetentionResult = {
      orgId: org.id,
      conversations: 0,
      temporary: 0,
      messages: 0,
    };
    for (;;) {
      if (options.shouldContinue && !(await options.shouldContinue())) {
        report.completed = false;
        break;
      }
      const batch = await deleteBatch(options, org, cutoffs, batchSize);
      result.conversations += batch.conversations;
      result.temporary += batch.temporary;
      result.messages += batch.messages;
      if (batch.conversations < batchSize) break;
    }
    if (result.conversations > 0) {
      report.orgs.push(result);
      await appendAudit(options.store.db, {
        orgId: org.id,
        actorLabel: 'system',
        action: 'retention.deleted',
        targetType: 'org',
        targetId: org.id,
        details: {
          conversations: result.conversations,
          temporaryConversations: result.temporary,
          messages: result.messages,
          policy: {
            retentionDays: org.retentionDays,
            temporaryIdleMinutes: options.temporaryIdleMinutes,
          },
        },
      });
    }
    if (!report.completed) break;
  }
  return report;
}
