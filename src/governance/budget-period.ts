// Budget periods: a UTC day or a calendar month in UTC, whatever the server's time zone.
import type { BudgetPeriod } from '../store/database.js';

export type { BudgetPeriod } from '../store/database.js';

/** The period that holds an instant. */
export interface PeriodBounds {
  /** Inclusive. */
  start: Date;
  /** Exclusive: the next period's start. */
  end: Date;
  /** Names the period in counter names, e.g. `2026-11` or `2026-11-27`. */
  label: string;
}

/** The day or month (UTC) that holds `now`. */
export function periodBounds(period: BudgetPeriod, now: Date): PeriodBounds {
  const year = now.getUTCFullYear();
  const month = now.getUTCMonth();
  if (period === 'month') {
    return {
      start: new Date(Date.UTC(year, month, 1)),
      end: new Date(Date.UTC(year, month + 1, 1)), // Date.UTC carries month 12 into next January
      label: now.toISOString().slice(0, 7),
    };
  }
  const day = now.getUTCDate();
  return {
    start: new Date(Date.UTC(year, month, day)),
    end: new Date(Date.UTC(year, month, day + 1)),
    label: now.toISOString().slice(0, 10),
  };
}
