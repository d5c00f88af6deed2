// The shape of GET /api/admin/usage (docs/usage-analytics.md), as the console reads it.

/** Figures for a group of requests. */
export interface UsageFigures {
  requests: number;
  errors: number;
  totalTokens: number;
  costUsd: number;
  activeUsers: number;
}

/** A usage report over whole UTC days `[from, to)`. */
export interface UsageReport {
  from: string;
  to: string;
  groupBy: 'day' | 'model' | 'team' | 'user';
  totals: UsageFigures;
  rows: (UsageFigures & { key: string | null })[];
  names: {
    teams: Record<string, string>;
    users: Record<string, { email: string; displayName: string | null }>;
  };
  /** Grouped by day: each model's figures per day. */
  series?: {
    days: string[];
    models: { model: string; totalTokens: number[]; costUsd: number[] }[];
  };
}
