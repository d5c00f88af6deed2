// The figures each fault scenario measures, printed to stderr as a small Markdown table so they
// can be pasted into docs/scale-out.md ("Fault suite").

/** Prints `rows` (figure, value) under the scenario's name. */
export function printFigures(scenario: string, rows: [string, string | number][]): void {
  const width = Math.max('figure'.length, ...rows.map(([name]) => name.length));
  const valueWidth = Math.max('value'.length, ...rows.map(([, value]) => String(value).length));
  const line = (name: string, value: string) =>
    `| ${name.padEnd(width)} | ${value.padEnd(valueWidth)} |`;
  console.error(
    [
      `\nfault suite: ${scenario}`,
      line('figure', 'value'),
      `| ${'-'.repeat(width)} | ${'-'.repeat(valueWidth)} |`,
      ...rows.map(([name, value]) => line(name, String(value))),
      '',
    ].join('\n'),
  );
}

/** "3 complete, 1 error" from a list of states. */
export function tally(states: string[]): string {
  const counts = new Map<string, number>();
  for (const state of states) counts.set(state, (counts.get(state) ?? 0) + 1);
  return [...counts].map(([state, count]) => `${count} ${state}`).join(', ') || 'none';
}
