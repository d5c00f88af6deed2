// Active users per model over any range of whole UTC days, without sorting the fine rollup:
// `usage_active_days` (migration 0013) holds one row per organisation, month, model and user, the
// days of that month the user sent the model a request being the bits of `day_bits` (day 1 is
// bit 0, day 31 bit 30). A (model, user) pair was active in a range when one of its rows shares a
// bit with the range's days of that row's month: exact for every range, from one row per month
// instead of one per day (a busy organisation's 90 days: ~12,000 rows instead of ~350,000).
// Writers only ever set bits (`day_bits | excluded.day_bits`), so a retried or concurrent flush
// cannot count a day twice. Requests without a user are not recorded: they are never active.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { OrgScope } from '../identity/org-scope.js';
import type { Database, UsageActiveDaysTable } from '../store/database.js';
import { daysIn, type UsageRange } from './usage-range.js';

/** A `usage_active_days` row as the flush writes it. */
export type ActiveDaysRow = Omit<UsageActiveDaysTable, 'day_bits'> & { day_bits: number };

/** The bit of a `YYYY-MM-DD` day in its month's `day_bits`. */
export function dayBit(day: string): number {
  return 1 << (Number(day.slice(8, 10)) - 1);
}

/**
 * The bits of each month a batch of usage touched, per organisation, model and user (rows without
 * a user left out), sorted by key: concurrent flushes on PostgreSQL then lock rows in one order.
 */
export function activeDays(
  rows: readonly { org_id: string; day: string; model: string; user_id: string }[],
): ActiveDaysRow[] {
  const byKey = new Map<string, ActiveDaysRow>();
  for (const { org_id, day, model, user_id } of rows) {
    if (!user_id) continue;
    const month = day.slice(0, 7);
    const id = JSON.stringify([org_id, month, model, user_id]);
    const row = byKey.get(id) ?? { org_id, month, model, user_id, day_bits: 0 };
    row.day_bits |= dayBit(day);
    byKey.set(id, row);
  }
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, s]) => s);
}

// 5 columns × 1,000 rows stays far below both dialects' limits on bound parameters.
const rowsPerStatement = 1000;

/** Sets the bits of `rows` in `usage_active_days`; call it in the transaction of the ledger batch. */
export async function addActiveDays(
  db: Kysely<Database> | Transaction<Database>,
  rows: readonly ActiveDaysRow[],
): Promise<void> {
  for (let start = 0; start < rows.length; start += rowsPerStatement) {
    await db
      .insertInto('usage_active_days')
      .values(rows.slice(start, start + rowsPerStatement))
      .onConflict((conflict) =>
        conflict
          .columns(['org_id', 'month', 'model', 'user_id'])
          .doUpdateSet((eb) => ({
            day_bits: eb(eb.ref('usage_active_days.day_bits'), '|', eb.ref('excluded.day_bits')),
          }))
          // Most flushes add a day already set: leave such rows unwritten (no new row version on
          // PostgreSQL).
          .where((eb) =>
            eb(
              eb.parens(eb.ref('usage_active_days.day_bits'), '|', eb.ref('excluded.day_bits')),
              '<>',
              eb.ref('usage_active_days.day_bits'),
            ),
          ),
      )
      .execute();
  }
}

/** Each month the range touches, with the bits of the range's days in it; in order. */
export function monthMasks(range: UsageRange): { month: string; mask: number }[] {
  const months: { month: string; mask: number }[] = [];
  for (const day of daysIn(range)) {
    const month = day.slice(0, 7);
    if (months.at(-1)?.month !== month) months.push({ month, mask: 0 });
    months.at(-1)!.mask |= dayBit(day);
  }
  return months;
}

/** The organisation's `usage_active_days` rows with a day in the range. */
export function activeDaysIn(scope: OrgScope, range: UsageRange) {
  const months = monthMasks(range);
  return scope
    .selectFrom('usage_active_days')
    .where('month', '>=', months[0]!.month)
    .where('month', '<=', months.at(-1)!.month)
    .where((eb) => {
      // The masks are numbers computed here, written as literals: bound parameters as CASE results
      // would reach PostgreSQL as text, which `&` refuses.
      const [first, ...rest] = months;
      let masks = eb.case('month').when(first!.month).then(sql.lit(first!.mask));
      for (const { month, mask } of rest) masks = masks.when(month).then(sql.lit(mask));
      return eb(eb.parens('day_bits', '&', masks.end()), '<>', 0);
    });
}
