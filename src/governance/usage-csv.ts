// A usage report as a CSV file, one line per day, model, team or user, for a spreadsheet: the
// group's id and name first, then the same figures as the JSON report, in snake_case.
import { csvTable, type CsvValue } from '../lib/csv.js';
import type { UsageBreakdownRow } from './usage-analytics.js';
import type { OrgUsageReport } from './org-usage-report.js';

const figureColumns = [
  'requests',
  'errors',
  'prompt_tokens',
  'completion_tokens',
  'total_tokens',
  'cost_usd',
  'unpriced_requests',
  'active_users',
  'avg_latency_ms',
] as const;

const keyColumns = {
  day: ['day'],
  model: ['model'],
  team: ['team_id', 'team_name'],
  user: ['user_id', 'user_email', 'user_name'],
} as const;

function figures(row: UsageBreakdownRow): Record<(typeof figureColumns)[number], CsvValue> {
  return {
    requests: row.requests,
    errors: row.errors,
    prompt_tokens: row.promptTokens,
    completion_tokens: row.completionTokens,
    total_tokens: row.totalTokens,
    // Whole nano-dollars at most: binary fractions would print as 0.30000000000000004.
    cost_usd: Number(row.costUsd.toFixed(9)),
    unpriced_requests: row.unpricedRequests,
    active_users: row.activeUsers,
    avg_latency_ms: row.avgLatencyMs,
  };
}

/** The report's breakdown as CSV text (header row first, CRLF line ends). */
export function usageCsv(report: OrgUsageReport): string {
  const columns = [...keyColumns[report.groupBy], ...figureColumns];
  const rows = report.rows.map((row) => {
    const user = row.key === null ? undefined : report.names.users[row.key];
    const key: Record<string, CsvValue> = {
      day: row.key,
      model: row.key,
      team_id: row.key,
      team_name: row.key === null ? '(no team)' : report.names.teams[row.key],
      user_id: row.key,
      user_email: user?.email,
      user_name: row.key === null ? '(no user)' : user?.displayName,
    };
    return { ...key, ...figures(row) };
  });
  return csvTable(columns, rows);
}
