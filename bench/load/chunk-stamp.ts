// The stamp the mock upstream writes into each streamed chunk's text and the client reads back:
// the chunk's number and the moment the mock wrote it. Every process of the bench runs on one
// machine, so they read one clock: `performance.timeOrigin + performance.now()` is wall-clock
// epoch time in ms with µs resolution, comparable across processes.

/** Epoch time in ms with sub-ms resolution, the same clock in every process on this machine. */
export function epochMs(): number {
  return performance.timeOrigin + performance.now();
}

/** The content of chunk `index`, sent at `sentAt` (epoch ms): `@<index>:<sentAt>;`. */
export function stampText(index: number, sentAt: number): string {
  return `@${index}:${sentAt.toFixed(3)};`;
}

/** Finds every stamp in a piece of SSE text; the pattern is global, so reset lastIndex first. */
export const stampPattern = /@(\d+):(\d+\.\d+);/g;
