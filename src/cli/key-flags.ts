// `salon keys create`'s limit and expiry flags, checked before the database is opened. A bad
// flag is a ConfigError: the command prints it and exits with code 2, like a bad salon.yaml.
import type { ApiKeyLimitsInput } from '../identity/api-keys.js';
import { ConfigError } from '../lib/errors.js';

/** The flags as commander hands them over (strings, or undefined when absent). */
export interface KeyFlags {
  models?: string;
  rpm?: string;
  tpm?: string;
  budgetTokens?: string;
  budgetUsd?: string;
  budgetPeriod?: string;
  expires?: string;
}

/** What the flags ask for. */
export interface ParsedKeyFlags {
  limits: ApiKeyLimitsInput;
  expiresAt?: Date;
}

// The largest value the limit columns hold (PostgreSQL `integer`).
const maxCount = 2_147_483_647;
const relativeExpiry = /^(\d+)([hdw])$/;
const isoDate = /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/;
const unitMs = { h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

/** Checks the flags; throws a ConfigError naming the flag and what it accepts. */
export function parseKeyFlags(flags: KeyFlags, now: Date = new Date()): ParsedKeyFlags {
  const limits: ApiKeyLimitsInput = {
    rpm: count(flags.rpm, '--rpm'),
    tpm: count(flags.tpm, '--tpm'),
    budgetTokens: count(flags.budgetTokens, '--budget-tokens'),
    budgetUsd: dollars(flags.budgetUsd),
  };
  if (flags.models !== undefined) {
    const models = flags.models
      .split(',')
      .map((model) => model.trim())
      .filter(Boolean);
    if (!models.length) throw new ConfigError('--models: give model names separated by commas');
    limits.models = models;
  }
  if (flags.budgetPeriod !== undefined) {
    if (flags.budgetPeriod !== 'day' && flags.budgetPeriod !== 'month') {
      throw new ConfigError(`--budget-period: '${flags.budgetPeriod}' is not day or month`);
    }
    if (limits.budgetTokens === undefined && limits.budgetUsd === undefined) {
      throw new ConfigError('--budget-period: needs --budget-tokens or --budget-usd');
    }
    limits.budgetPeriod = flags.budgetPeriod;
  }
  return {
    limits,
    expiresAt: flags.expires === undefined ? undefined : expiry(flags.expires, now),
  };
}

function count(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!/^\d+$/.test(value) || number < 1 || number > maxCount) {
    throw new ConfigError(`${flag}: '${value}' is not a whole number from 1 to ${maxCount}`);
  }
  return number;
}

function dollars(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || !(number > 0)) {
    throw new ConfigError(
      `--budget-usd: '${value}' is not a positive amount of dollars, e.g. 5 or 0.50`,
    );
  }
  return number;
}

// `30d`, `12h`, `2w` from now, or an ISO 8601 date or instant (a bare date is midnight UTC).
function expiry(value: string, now: Date): Date {
  const relative = relativeExpiry.exec(value);
  const date = relative
    ? new Date(now.getTime() + Number(relative[1]) * unitMs[relative[2] as keyof typeof unitMs])
    : isoDate.test(value) && isCalendarDate(value)
      ? new Date(value)
      : undefined;
  if (!date || Number.isNaN(date.getTime())) {
    throw new ConfigError(
      `--expires: '${value}' is not an ISO date (2027-01-31, 2027-01-31T12:00:00Z) or a duration (12h, 30d, 2w)`,
    );
  }
  if (date.getTime() <= now.getTime()) {
    throw new ConfigError(`--expires: ${date.toISOString()} is already past`);
  }
  return date;
}

// `new Date('2027-02-30')` quietly means March 2nd: refuse a day its month does not have.
function isCalendarDate(value: string): boolean {
  const [year, month, day] = value.slice(0, 10).split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}
