import { describe, expect, it } from 'vitest';
import { dateGroup, groupByDate } from './date-groups.js';

const now = new Date(2025, 5, 15, 10, 0, 0);
const at = (days: number, hours = 0) =>
  new Date(2025, 5, 15 - days, 10 + hours, 0, 0).toISOString();

describe('date groups', () => {
  it('uses calendar days in local time', () => {
    expect(dateGroup(at(0, -9), now)).toBe('today');
    expect(dateGroup(at(0, 5), now)).toBe('today');
    expect(dateGroup(at(1, 13), now)).toBe('yesterday');
    expect(dateGroup(at(1, -9), now)).toBe('yesterday');
    expect(dateGroup(at(2), now)).toBe('previous7Days');
    expect(dateGroup(at(7), now)).toBe('previous7Days');
    expect(dateGroup(at(8), now)).toBe('older');
  });

  it('keeps order inside groups and leaves out empty ones', () => {
    const items = [at(0), at(30), at(0, -1), at(3)];
    expect(groupByDate(items, (item) => item, now)).toEqual([
      { group: 'today', items: [at(0), at(0, -1)] },
      { group: 'previous7Days', items: [at(3)] },
      { group: 'older', items: [at(30)] },
    ]);
  });
});
