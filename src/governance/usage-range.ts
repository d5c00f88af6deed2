// The time range usage analytics report on: whole UTC days, `from` included and `to` excluded,
// as the admin API's `from` and `to` (YYYY-MM-DD) give them.
import { badRequest } from '../lib/errors.js';

/** Whole UTC days `[from, to)`, both `YYYY-MM-DD`. */
export interface UsageRange {
  from: string;
  to: string;
}

/** The longest range one request may cover: a year and a bit, so a year-on-year view fits. */
export const maxRangeDays = 400;

/** The range when the caller gives none: the last 30 days, today included. */
export const defaultRangeDays = 30;

const dayMs = 86_400_000;
const dayPattern = /^\d{4}-\d{2}-\d{2}$/;

/** `YYYY-MM-DD` of a UTC instant. */
export function dayOf(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** The day `days` after `day` (before, when negative). */
export function addDays(day: string, days: number): string {
  return dayOf(new Date(Date.parse(`${day}T00:00:00Z`) + days * dayMs));
}

/** Every day of the range, in order. */
export function daysIn(range: UsageRange): string[] {
  const days: string[] = [];
  for (let day = range.from; day < range.to; day = addDays(day, 1)) days.push(day);
  return days;
}

function parseDay(value: unknown, field: string): string {
  if (typeof value !== 'string' || !dayPattern.test(value)) {
    throw badRequest(`${field} must be a date as YYYY-MM-DD (UTC).`, field, 'invalid_date');
  }
  // 2026-02-30 matches the pattern; a real date reads back as itself.
  const time = Date.parse(`${value}T00:00:00Z`);
  if (Number.isNaN(time) || dayOf(new Date(time)) !== value) {
    throw badRequest(`${field}: ${value} is not a date.`, field, 'invalid_date');
  }
  return value;
}

/**
 * Reads `from` and `to` from a query string; either may be left out (`to` defaults to tomorrow, so
 * today is included, and `from` to `defaultRangeDays` before `to`). 400 naming the field otherwise.
 */
export function parseUsageRange(
  query: { from?: unknown; to?: unknown },
  now = new Date(),
): UsageRange {
  const to = query.to === undefined ? addDays(dayOf(now), 1) : parseDay(query.to, 'to');
  const from =
    query.from === undefined ? addDays(to, -defaultRangeDays) : parseDay(query.from, 'from');
  if (from >= to) {
    throw badRequest(
      `to (${to}) must be after from (${from}): to is excluded.`,
      'to',
      'invalid_range',
    );
  }
  if (Date.parse(to) - Date.parse(from) > maxRangeDays * dayMs) {
    throw badRequest(
      `The range from ${from} to ${to} is longer than ${maxRangeDays} days.`,
      'from',
      'range_too_long',
    );
  }
  return { from, to };
}
