// What a caller is told when a limit refuses a request: which scope (this API key, your account,
// your team Research, your organisation Acme), which limit, and when it frees. Rates say "try
// again in N s"; budgets say when their period renews, e.g. "Your team Research has used its
// monthly budget of 1,000,000 tokens; it resets on 1 December."
import { rateLimited, type SalonError } from '../lib/errors.js';
import { periodBounds } from './budget-period.js';
import type { Refusal } from './limiter.js';

const months = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** The 429 for a refusal decided at `at` (ms): `rate_limit_exceeded` or `budget_exceeded`. */
export function refusalError(refusal: Refusal, at: number): SalonError {
  const seconds = Math.max(1, Math.ceil(refusal.retryAfterMs / 1_000));
  const { label, budget } = refusal.scope;
  const who = label.charAt(0).toUpperCase() + label.slice(1);
  switch (refusal.kind) {
    case 'requests':
    case 'tokens': {
      const unit = refusal.kind === 'requests' ? 'requests' : 'tokens';
      return rateLimited(
        `Rate limit reached for ${label}: ${refusal.limit} ${unit} per minute. Try again in ${seconds} s.`,
        seconds,
      );
    }
    case 'budget-tokens':
    case 'budget-usd': {
      const period = budget?.period ?? 'month';
      const amount =
        refusal.kind === 'budget-tokens'
          ? `${refusal.limit.toLocaleString('en-US')} tokens`
          : formatUsd(refusal.limit);
      return rateLimited(
        `${who} has used its ${period === 'day' ? 'daily' : 'monthly'} budget of ${amount}; ` +
          `it resets ${resetsOn(period, at)}.`,
        seconds,
        'budget_exceeded',
      );
    }
  }
}

function resetsOn(period: 'day' | 'month', at: number): string {
  if (period === 'day') return 'at midnight UTC';
  const end = periodBounds(period, new Date(at)).end;
  return `on 1 ${months[end.getUTCMonth()]}`;
}

function formatUsd(usd: number): string {
  return Number.isInteger(Math.round(usd * 1e6) / 1e4) ? `$${usd.toFixed(2)}` : `$${usd}`;
}
