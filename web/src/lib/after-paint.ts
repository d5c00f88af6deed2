// Running work once the browser has painted what is on screen now.

/**
 * Calls `callback` in a task after the next frame has painted; returns a function that
 * cancels it. requestAnimationFrame runs just before the paint, a task posted from it after.
 */
export function afterNextPaint(callback: () => void): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const frame = requestAnimationFrame(() => {
    timer = setTimeout(callback, 0);
  });
  return () => {
    cancelAnimationFrame(frame);
    clearTimeout(timer);
  };
}
