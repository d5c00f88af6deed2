// Turns a snippet and its [start, end) highlight ranges into plain and marked segments, so
// search results are built as React elements, never as HTML.

/** A piece of a snippet. */
export interface Segment {
  text: string;
  marked: boolean;
}

/** Splits a snippet at its highlight ranges; bad, overlapping or unsorted ranges are tolerated. */
export function highlightSegments(
  snippet: string,
  highlights: ReadonlyArray<readonly [number, number]>,
): Segment[] {
  const ranges = highlights
    .map(([start, end]) => [clamp(start, snippet.length), clamp(end, snippet.length)] as const)
    .filter(([start, end]) => end > start)
    .sort((a, b) => a[0] - b[0]);
  const segments: Segment[] = [];
  let position = 0;
  for (const [start, end] of ranges) {
    if (end <= position) continue;
    const from = Math.max(start, position);
    const last = segments[segments.length - 1];
    if (from > position) segments.push({ text: snippet.slice(position, from), marked: false });
    else if (last?.marked) {
      // Overlapping or touching ranges make one mark.
      last.text += snippet.slice(from, end);
      position = end;
      continue;
    }
    segments.push({ text: snippet.slice(from, end), marked: true });
    position = end;
  }
  if (position < snippet.length) segments.push({ text: snippet.slice(position), marked: false });
  return segments;
}

function clamp(value: number, length: number): number {
  return Number.isFinite(value) ? Math.min(Math.max(0, Math.trunc(value)), length) : 0;
}
