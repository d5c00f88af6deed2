// Running work once what is on screen now has been painted, and shown.
import { firstPaintShown } from './first-paint.js';

// The first frame still has to be rasterized and composited, on other threads of a machine
// that may have two cores: work started right after the paint competes with that and makes
// the frame arrive later. Rows off screen and older messages can wait this long.
const presentationAllowanceMs = 100;

/**
 * Calls `callback` in a task a little after the next frame has painted; returns a function
 * that cancels it. requestAnimationFrame runs just before the paint, a timer set from it after.
 * Before the page's first frame has been shown, it waits for that instead: on a busy machine
 * rasterizing and drawing it took 150-400 ms, several times the allowance, and what ran
 * meanwhile (the whole tree, lazy chunks, rows off screen) only made it later.
 */
export function afterNextPaint(callback: () => void): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let cancelShown: (() => void) | undefined;
  const frame = requestAnimationFrame(() => {
    // Once the first frame has been shown, it no longer needs the allowance.
    cancelShown = firstPaintShown((waited) => {
      timer = setTimeout(callback, waited ? 0 : presentationAllowanceMs);
    });
  });
  return () => {
    cancelAnimationFrame(frame);
    cancelShown?.();
    clearTimeout(timer);
  };
}
