// Running work once what is on screen now has been painted, and shown.

// The first frame still has to be rasterized and composited, on other threads of a machine
// that may have two cores: work started right after the paint competes with that and makes
// the frame arrive later. Rows off screen and older messages can wait this long.
const presentationAllowanceMs = 100;

/**
 * Calls `callback` in a task a little after the next frame has painted; returns a function
 * that cancels it. requestAnimationFrame runs just before the paint, a timer set from it after.
 */
export function afterNextPaint(callback: () => void): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const frame = requestAnimationFrame(() => {
    timer = setTimeout(callback, presentationAllowanceMs);
  });
  return () => {
    cancelAnimationFrame(frame);
    clearTimeout(timer);
  };
}
