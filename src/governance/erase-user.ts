// GDPR erasure ("right to be forgotten"): an account deleted with every trace of the person, not
// only what the foreign keys cascade to. On top of `deleteUser` (sessions, API keys, folders,
// conversations with their messages, shares, feedback, arena battles and votes, team
// memberships), in the same transaction: the messages' words leave the search index for good, the
// usage ledger and its daily rollups keep their numbers but lose the person (so the organisation's
// totals stay right) and the record of the days they used each model goes, invitations addressed
// to or accepted by them lose the address and the link, their own quotas go, and sign-in counters
// for their address are cleared. The audit log is left as it is: it is append-only and
// hash-chained, and keeping a record of actions is a legal obligation of its own
// (docs/retention-and-gdpr.md).
import type { Kysely } from 'kysely';
import { clearLoginAttempts } from '../identity/login-limiter.js';
import { deletableUser, deleteUser, type AccountActor } from '../identity/manage-users.js';
import { OrgScope } from '../identity/org-scope.js';
import type { User } from '../identity/users.js';
import type { Store } from '../store/create-database.js';
import type { Database } from '../store/database.js';
import { forgetMessagesInSearch } from '../store/search.js';

const dailyCounters = [
  'requests',
  'errors',
  'prompt_tokens',
  'completion_tokens',
  'cost_usd',
  'unpriced_requests',
  'latency_ms',
] as const;

// The rollups that name users, and their other key columns (usage_daily_model names none).
const rollupsWithUsers = [
  { table: 'usage_daily', others: ['model', 'team_id'] },
  { table: 'usage_daily_user', others: ['team_id'] },
] as const;

/**
 * Ledger rows lose the user and their keys; rollup rows move to "no user" (`''`), summed in; the
 * record of their active days goes.
 */
async function anonymiseUsage(trx: Kysely<Database>, target: User): Promise<void> {
  const keys = trx.selectFrom('api_keys').select('id').where('user_id', '=', target.id);
  await trx
    .updateTable('usage_events')
    .set({ user_id: null, api_key_id: null })
    .where((eb) => eb.or([eb('user_id', '=', target.id), eb('api_key_id', 'in', keys)]))
    .execute();
  const scope = new OrgScope(trx, target.orgId);
  // The casts: Kysely cannot type a query on a table picked at run time; both tables share these
  // columns.
  for (const { table, others } of rollupsWithUsers) {
    await trx
      .insertInto(table)
      .columns(['org_id', 'day', ...others, 'user_id', ...dailyCounters] as never)
      .expression(
        scope
          .selectFrom(table as 'usage_daily')
          .select([
            'org_id',
            'day',
            ...(others as readonly ('model' | 'team_id')[]),
            (eb) => eb.val('').as('user_id'),
          ])
          .select(dailyCounters)
          .where('user_id', '=', target.id),
      )
      .onConflict((conflict) =>
        conflict
          .columns(['org_id', 'day', ...others, 'user_id'] as never)
          .doUpdateSet(
            (eb) =>
              Object.fromEntries(
                dailyCounters.map((name) => [
                  name,
                  eb(eb.ref(`${table}.${name}` as never), '+', eb.ref(`excluded.${name}` as never)),
                ]),
              ) as never,
          ),
      )
      .execute();
    await scope.deleteFrom(table).where('user_id', '=', target.id).execute();
  }
  // The days they were active on each model: nothing to keep, "no user" is never active.
  await scope.deleteFrom('usage_active_days').where('user_id', '=', target.id).execute();
}

/** Everything `deleteUser`'s cascades do not reach; runs in its transaction. */
async function eraseTraces(trx: Kysely<Database>, dialect: Store['dialect'], target: User) {
  const scope = new OrgScope(trx, target.orgId);
  await forgetMessagesInSearch(trx, dialect, { userId: target.id });
  await anonymiseUsage(trx, target);
  // An invitation still open for their address is of no use to anyone; an accepted one stays as
  // the organisation's record that it was used, by nobody in particular now.
  await scope
    .deleteFrom('invitations')
    .where('email', '=', target.email)
    .where('accepted_at', 'is', null)
    .execute();
  await scope
    .updateTable('invitations')
    .set({ email: null, accepted_by: null })
    .where((eb) => eb.or([eb('accepted_by', '=', target.id), eb('email', '=', target.email)]))
    .execute();
  await scope
    .deleteFrom('quotas')
    .where('scope', '=', 'user')
    .where('subject_id', '=', target.id)
    .execute();
  await scope.deleteTeamMembers({ userId: target.id }).execute();
  // Sign-in counters are keyed by a hash of the address and the client's IP: those of the
  // addresses their sessions came from can be found and cleared (the rest expire within minutes).
  const addresses = await trx
    .selectFrom('sessions')
    .select('ip')
    .distinct()
    .where('user_id', '=', target.id)
    .where('ip', 'is not', null)
    .execute();
  for (const { ip } of addresses) await clearLoginAttempts(trx, target.email, ip!);
}

/** What the server adds to an erasure: chat and the running ledger are not governance's. */
export interface EraseUserOptions {
  /** Ends the user's streaming replies and resolves once those of this process have ended. */
  endRuns?(userId: string): Promise<unknown>;
  /** Writes the usage rows queued in this process (the ended replies' among them). */
  flushUsage?(): Promise<void>;
}

/**
 * Erases an account of `actor`'s organisation: 404 for another organisation's (or no) account,
 * 403 for the owner or one's own. Its replies are ended and their usage written first, so that
 * the ledger rows they add are anonymised with the rest.
 */
export async function eraseUser(
  store: Pick<Store, 'db' | 'dialect'>,
  actor: AccountActor,
  targetId: string,
  options: EraseUserOptions = {},
): Promise<void> {
  const target = await deletableUser(store.db, actor, targetId);
  await options.endRuns?.(target.id);
  await options.flushUsage?.();
  await deleteUser(store.db, actor, target.id, {
    beforeDelete: (trx, checked) => eraseTraces(trx, store.dialect, checked),
  });
  // A reply that ended while the account was being deleted may have queued one more row.
  await options.flushUsage?.();
  await store.db.transaction().execute((trx) => anonymiseUsage(trx, target));
}
