// Quotas: rates and budgets an organisation's admins set on the whole organisation, on one of its
// teams or on one of its users, applied to the web chat and /v1 alike (limit-scopes.ts). One row
// per scope and subject; every query goes through the organisation's OrgScope, so a subject or a
// quota id from another organisation reads as missing (404).
import type { Selectable } from 'kysely';
import type { OrgScope } from '../identity/org-scope.js';
import { badRequest, notFound } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import {
  toTimestamp,
  type BudgetPeriod,
  type QuotaScope,
  type QuotasTable,
} from '../store/database.js';

export type { QuotaScope } from '../store/database.js';

/** A quota as limits and the admin API read it; null means "no limit of this kind". */
export interface Quota {
  id: string;
  scope: QuotaScope;
  /** The organisation's, team's or user's id. */
  subjectId: string;
  rpm: number | null;
  tpm: number | null;
  budgetTokens: number | null;
  budgetUsd: number | null;
  /** The budget's period; a budget without one is monthly. */
  budgetPeriod: BudgetPeriod | null;
  createdAt: string;
  updatedAt: string;
}

/** What an admin sets for one scope and subject (a full replacement of its limits). */
export interface QuotaInput {
  scope: QuotaScope;
  subjectId: string;
  rpm?: number | null;
  tpm?: number | null;
  budgetTokens?: number | null;
  budgetUsd?: number | null;
  budgetPeriod?: BudgetPeriod | null;
}

/** The row → record mapping. */
export function toQuota(row: Selectable<QuotasTable>): Quota {
  return {
    id: row.id,
    scope: row.scope,
    subjectId: row.subject_id,
    rpm: row.rpm,
    tpm: row.tpm,
    budgetTokens: row.budget_tokens,
    budgetUsd: row.budget_usd === null ? null : Number(row.budget_usd),
    budgetPeriod: row.budget_period,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Every quota of the organisation: the organisation's first, then teams', then users'. */
export async function listQuotas(scope: OrgScope): Promise<Quota[]> {
  const rows = await scope.selectFrom('quotas').selectAll().orderBy('created_at').execute();
  const order: Record<QuotaScope, number> = { org: 0, team: 1, user: 2 };
  return rows.map(toQuota).sort((a, b) => order[a.scope] - order[b.scope]);
}

/**
 * Creates or replaces the quota of one subject. 404 when the subject is not this organisation,
 * one of its teams or one of its users; 400 naming the field for a bad limit or none at all.
 */
export async function upsertQuota(scope: OrgScope, input: QuotaInput): Promise<Quota> {
  await checkSubject(scope, input.scope, input.subjectId);
  const limits = {
    rpm: input.rpm ?? null,
    tpm: input.tpm ?? null,
    budget_tokens: input.budgetTokens ?? null,
    budget_usd: input.budgetUsd ?? null,
    budget_period: input.budgetPeriod ?? null,
  };
  if (Object.values(limits).every((value) => value === null)) {
    throw badRequest(
      'A quota needs at least one limit (rpm, tpm, budgetTokens or budgetUsd); delete it to lift it.',
      null,
      'empty_quota',
    );
  }
  if (limits.budget_tokens === null && limits.budget_usd === null) limits.budget_period = null;
  else limits.budget_period ??= 'month';
  const now = toTimestamp();
  const existing = await scope
    .selectFrom('quotas')
    .select('id')
    .where('scope', '=', input.scope)
    .where('subject_id', '=', input.subjectId)
    .executeTakeFirst();
  if (existing) {
    await scope
      .updateTable('quotas')
      .set({ ...limits, updated_at: now })
      .where('id', '=', existing.id)
      .execute();
  } else {
    const row = { id: newId('quota'), scope: input.scope, subject_id: input.subjectId };
    await scope
      .insertInto('quotas', [{ ...row, ...limits, created_at: now, updated_at: now }])
      .execute();
  }
  const row = await scope
    .selectFrom('quotas')
    .selectAll()
    .where('scope', '=', input.scope)
    .where('subject_id', '=', input.subjectId)
    .executeTakeFirstOrThrow();
  return toQuota(row);
}

/** Deletes one quota of the organisation and returns it; 404 when it has none with this id. */
export async function deleteQuota(scope: OrgScope, id: string): Promise<Quota> {
  const row = await scope.selectFrom('quotas').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound(`No quota with id '${id}' in this organisation.`, 'quota_not_found');
  await scope.deleteFrom('quotas').where('id', '=', id).execute();
  return toQuota(row);
}

async function checkSubject(scope: OrgScope, kind: QuotaScope, subjectId: string): Promise<void> {
  if (kind === 'org') {
    if (subjectId !== scope.orgId) throw missing('organisation', subjectId);
    return;
  }
  const table = kind === 'team' ? 'teams' : 'users';
  const found = await scope
    .selectFrom(table)
    .select('id')
    .where('id', '=', subjectId)
    .executeTakeFirst();
  if (!found) throw missing(kind, subjectId);
}

const missing = (what: string, id: string) =>
  notFound(`No ${what} with id '${id}' in this organisation.`, `${what}_not_found`, 'subjectId');
