// Groups conversations by last activity the way chat apps do: Today, Yesterday, the previous
// seven days, older. Calendar days in the browser's time zone.

/** A date group's key, translated by the UI. */
export type DateGroup = 'today' | 'yesterday' | 'previous7Days' | 'older';

/** The group of a timestamp relative to now. */
export function dateGroup(timestamp: string, now: Date = new Date()): DateGroup {
  const day = startOfDay(new Date(timestamp));
  const today = startOfDay(now);
  const days = Math.round((today - day) / 86_400_000);
  if (days <= 0) return 'today';
  if (days === 1) return 'yesterday';
  if (days <= 7) return 'previous7Days';
  return 'older';
}

function startOfDay(date: Date): number {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime();
}

/** Splits items into the four groups, keeping their order; empty groups are left out. */
export function groupByDate<T>(
  items: readonly T[],
  timestampOf: (item: T) => string,
  now: Date = new Date(),
): Array<{ group: DateGroup; items: T[] }> {
  const order: DateGroup[] = ['today', 'yesterday', 'previous7Days', 'older'];
  const groups = new Map<DateGroup, T[]>();
  for (const item of items) {
    const group = dateGroup(timestampOf(item), now);
    const list = groups.get(group);
    if (list) list.push(item);
    else groups.set(group, [item]);
  }
  return order.flatMap((group) => {
    const list = groups.get(group);
    return list ? [{ group, items: list }] : [];
  });
}
