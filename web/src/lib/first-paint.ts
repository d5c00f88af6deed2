// When the page's first frame with content has been shown on screen (presented, not just
// painted by the main thread), from the Paint Timing API's first-contentful-paint entry.
// A page that is never shown (a background tab) gets no such entry: waiting ends at a limit.

// Well past what presenting the first frame takes even on a busy two-core machine.
const waitLimitMs = 1_000;

let shown = false;
let watching = false;
const waiting = new Set<() => void>();

function markShown(): void {
  shown = true;
  for (const run of [...waiting]) run();
}

function watch(): void {
  if (watching) return;
  watching = true;
  if (
    typeof PerformanceObserver === 'undefined' ||
    !PerformanceObserver.supportedEntryTypes?.includes('paint')
  ) {
    shown = true;
    return;
  }
  const observer = new PerformanceObserver((list) => {
    if (list.getEntriesByName('first-contentful-paint').length === 0) return;
    observer.disconnect();
    markShown();
  });
  observer.observe({ type: 'paint', buffered: true });
}

/**
 * Calls `callback` once the page's first contentful frame has been shown, at once if it has
 * been, telling whether it had to wait; returns a function that cancels it.
 */
export function firstPaintShown(callback: (waited: boolean) => void): () => void {
  watch();
  if (shown) {
    callback(false);
    return () => undefined;
  }
  const run = () => {
    waiting.delete(run);
    clearTimeout(limit);
    callback(true);
  };
  waiting.add(run);
  const limit = setTimeout(run, waitLimitMs);
  return () => {
    waiting.delete(run);
    clearTimeout(limit);
  };
}
