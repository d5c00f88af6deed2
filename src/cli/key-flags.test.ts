import { describe, expect, it } from 'vitest';
import { isConfigError } from '../lib/errors.js';
import { parseKeyFlags, type KeyFlags } from './key-flags.js';

const now = new Date('2026-11-27T10:00:00.000Z');

function flagError(flags: KeyFlags): string {
  try {
    parseKeyFlags(flags, now);
  } catch (error) {
    expect(isConfigError(error)).toBe(true);
    return (error as Error).message;
  }
  throw new Error('expected the flags to be refused');
}

describe('salon keys create flags', () => {
  it('reads models, rates, budgets and expiry', () => {
    expect(
      parseKeyFlags(
        {
          models: 'small, large,,',
          rpm: '60',
          tpm: '100000',
          budgetTokens: '5000000',
          budgetUsd: '12.50',
          budgetPeriod: 'day',
          expires: '30d',
        },
        now,
      ),
    ).toEqual({
      limits: {
        models: ['small', 'large'],
        rpm: 60,
        tpm: 100_000,
        budgetTokens: 5_000_000,
        budgetUsd: 12.5,
        budgetPeriod: 'day',
      },
      expiresAt: new Date('2026-12-27T10:00:00.000Z'),
    });
    expect(parseKeyFlags({}, now)).toEqual({
      limits: { rpm: undefined, tpm: undefined, budgetTokens: undefined, budgetUsd: undefined },
      expiresAt: undefined,
    });
  });

  it('takes ISO dates and instants, and 12h or 2w from now', () => {
    const expiresAt = (expires: string) => parseKeyFlags({ expires }, now).expiresAt?.toISOString();
    expect(expiresAt('2027-01-31')).toBe('2027-01-31T00:00:00.000Z');
    expect(expiresAt('2027-01-31T12:30:00+02:00')).toBe('2027-01-31T10:30:00.000Z');
    expect(expiresAt('12h')).toBe('2026-11-27T22:00:00.000Z');
    expect(expiresAt('2w')).toBe('2026-12-11T10:00:00.000Z');
  });

  it('names the flag and what it accepts', () => {
    expect(flagError({ rpm: 'ten' })).toMatch(/--rpm: 'ten' is not a whole number from 1 to/);
    expect(flagError({ tpm: '0' })).toMatch(/--tpm: '0'/);
    expect(flagError({ budgetTokens: '1e6' })).toMatch(/--budget-tokens: '1e6'/);
    expect(flagError({ budgetTokens: '3000000000' })).toMatch(/--budget-tokens: '3000000000'/);
    expect(flagError({ budgetUsd: '-5' })).toMatch(/--budget-usd: '-5' is not a positive amount/);
    expect(flagError({ budgetUsd: '0' })).toMatch(/--budget-usd: '0'/);
    expect(flagError({ budgetUsd: '5', budgetPeriod: 'week' })).toMatch(
      /--budget-period: 'week' is not day or month/,
    );
    expect(flagError({ budgetPeriod: 'day' })).toMatch(
      /--budget-period: needs --budget-tokens or --budget-usd/,
    );
    expect(flagError({ models: ' , ' })).toMatch(/--models: give model names/);
    expect(flagError({ expires: 'tomorrow' })).toMatch(/--expires: 'tomorrow' is not an ISO date/);
    expect(flagError({ expires: '2027-02-30' })).toMatch(/--expires: '2027-02-30'/);
    expect(flagError({ expires: '2020-01-01' })).toMatch(
      /--expires: 2020-01-01T00:00:00.000Z is already past/,
    );
  });
});
