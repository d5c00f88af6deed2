// One organisation's usage report, as the admin API serves it: totals, a breakdown, the names of
// the teams and users it mentions, and (grouped by day) the per-day series split by model.
import type { OrgScope } from '../identity/org-scope.js';
import {
  usageBreakdown,
  usageSeriesByModel,
  usageTotals,
  type UsageBreakdownRow,
  type UsageFigures,
  type UsageGroupBy,
  type UsageSeries,
} from './usage-analytics.js';
import { usageNames, type UsageNames } from './usage-names.js';
import type { UsageRange } from './usage-range.js';

/** A usage report over whole UTC days `[from, to)`. */
export interface OrgUsageReport extends UsageRange {
  groupBy: UsageGroupBy;
  totals: UsageFigures;
  rows: UsageBreakdownRow[];
  names: UsageNames;
  /** Grouped by day only: each model's figures per day, for a stacked chart. */
  series?: UsageSeries;
}

/** Builds the report; its queries run side by side, all on the rollup. */
export async function orgUsageReport(
  scope: OrgScope,
  range: UsageRange,
  groupBy: UsageGroupBy,
): Promise<OrgUsageReport> {
  const [totals, rows, series] = await Promise.all([
    usageTotals(scope, range),
    usageBreakdown(scope, range, groupBy),
    groupBy === 'day' ? usageSeriesByModel(scope, range) : undefined,
  ]);
  const keys = rows.flatMap((row) => (row.key === null ? [] : [row.key]));
  const names = await usageNames(scope, {
    teamIds: groupBy === 'team' ? keys : [],
    userIds: groupBy === 'user' ? keys : [],
  });
  return { ...range, groupBy, totals, rows, names, ...(series && { series }) };
}
