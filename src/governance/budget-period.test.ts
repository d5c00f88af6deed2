import { describe, expect, it } from 'vitest';
import { periodBounds } from './budget-period.js';

const at = (iso: string) => new Date(iso);

describe('budget periods (UTC)', () => {
  it('runs a month from its first instant to the next month’s', () => {
    expect(periodBounds('month', at('2026-11-30T23:59:59.999Z'))).toEqual({
      start: at('2026-11-01T00:00:00.000Z'),
      end: at('2026-12-01T00:00:00.000Z'),
      label: '2026-11',
    });
    expect(periodBounds('month', at('2026-12-01T00:00:00.000Z')).label).toBe('2026-12');
  });

  it('rolls December over into January of the next year', () => {
    const december = periodBounds('month', at('2026-12-31T23:59:59.999Z'));
    expect(december.end).toEqual(at('2027-01-01T00:00:00.000Z'));
    expect(periodBounds('month', december.end).label).toBe('2027-01');
  });

  it('knows short months and leap years', () => {
    expect(periodBounds('month', at('2028-02-29T12:00:00Z')).end).toEqual(
      at('2028-03-01T00:00:00Z'),
    );
    expect(periodBounds('day', at('2027-02-28T23:00:00Z')).end).toEqual(at('2027-03-01T00:00:00Z'));
    expect(periodBounds('day', at('2028-02-28T23:00:00Z')).end).toEqual(at('2028-02-29T00:00:00Z'));
  });

  it('cuts days at UTC midnight, whatever the offset the instant was written with', () => {
    // 23:30 in Paris on the 31st is 22:30 UTC: still the 31st, still October.
    const late = at('2026-10-31T23:30:00+01:00');
    expect(periodBounds('day', late)).toEqual({
      start: at('2026-10-31T00:00:00.000Z'),
      end: at('2026-11-01T00:00:00.000Z'),
      label: '2026-10-31',
    });
    expect(periodBounds('month', late).label).toBe('2026-10');
    // 00:30 in Paris on November 1st is 23:30 UTC on October 31st.
    expect(periodBounds('month', at('2026-11-01T00:30:00+01:00')).label).toBe('2026-10');
  });
});
