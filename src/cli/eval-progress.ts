// The progress bar of `salon eval`: questions done, rate and ETA on stderr, drawn only on a
// terminal (stdout may be a pipe carrying --json, and logs don't want redraws).
import cliProgress from 'cli-progress';
import type { MmluProgress } from '../evals/index.js';

/** Draws progress; `stop` clears the line state before the summary is printed. */
export interface ProgressView {
  update(progress: MmluProgress): void;
  stop(): void;
}

/** A bar on stderr when it is a terminal, nothing otherwise. */
export function progressView(label: string): ProgressView {
  if (!process.stderr.isTTY) return { update: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: `${label} {bar} {value}/{total} questions · {rate}/s · ETA {eta_formatted}{resumed}`,
      etaBuffer: 200,
      fps: 5,
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  // The rate counts only this attempt's answers: resumed ones were not asked now.
  const startedAt = performance.now();
  return {
    update(progress) {
      const seconds = (performance.now() - startedAt) / 1000;
      const payload = {
        rate: seconds > 0 ? ((progress.done - progress.resumed) / seconds).toFixed(1) : '0',
        resumed: progress.resumed > 0 ? ` · ${progress.resumed} resumed` : '',
      };
      if (!started) {
        started = true;
        bar.start(progress.total, progress.done, payload);
      } else bar.update(progress.done, payload);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
