// bench/engine: tokens per second streamed through Salon's /v1/chat/completions against raw
// node-llama-cpp on the same GGUF with the same settings, in the same process and run.
//
//   npm run bench:engine [-- --model FILE --rounds N --max-tokens N --streams 1,4,8 --json]
//
// Raw and Salon take turns at every level of every round (the order flips each round), so
// that the noise of a shared machine lands on both sides; the report gives medians. The HTTP
// client runs in this process too: it shares the cores with Salon, as any client on the same
// machine would (on 2 cores, a client in another process measured slower still).
import { existsSync } from 'node:fs';
import { chooseThreads } from '../../src/engine/threads.js';
import { benchUsage, parseBenchOptions, type BenchOptions } from './options.js';
import { openRawBaseline } from './raw-baseline.js';
import {
  formatReport,
  loadAverage,
  machine,
  summarise,
  type BenchReport,
  type LevelRuns,
} from './report.js';
import { openSalon } from './through-salon.js';
import type { BenchTarget } from './workload.js';

async function main(): Promise<void> {
  let options: BenchOptions | undefined;
  try {
    options = parseBenchOptions(process.argv.slice(2));
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 2;
    return;
  }
  if (!options) {
    console.log(benchUsage);
    return;
  }
  if (!existsSync(options.modelPath)) {
    console.error(
      `bench/engine: model not found: ${options.modelPath} (pass --model FILE or set SALON_SHARED_DIR)`,
    );
    process.exitCode = 2;
    return;
  }
  const log = (line: string) => console.error(line);
  const loadBefore = loadAverage();
  const threads = options.threads ?? chooseThreads();
  const salon = await openSalon({
    modelPath: options.modelPath,
    sequences: options.sequences,
    threads,
    contextSize: options.contextSize,
    maxTokens: options.maxTokens,
  });
  // The baseline copies the context Salon's engine actually created.
  const raw = await openRawBaseline({
    modelPath: options.modelPath,
    contextSize: salon.engine.contextSize,
    sequences: salon.engine.sequences,
    threads,
    maxTokens: options.maxTokens,
  });
  try {
    const levels: LevelRuns[] = options.streams.map((streams) => ({ streams, raw: [], salon: [] }));
    log(`warming up (${options.warmup} run per side and level)…`);
    for (let index = 0; index < options.warmup; index++) {
      for (const { streams } of levels) {
        await raw.run(streams);
        await salon.run(streams);
      }
    }
    for (let round = 1; round <= options.rounds; round++) {
      const order: BenchTarget[] = round % 2 ? [raw, salon] : [salon, raw];
      for (const level of levels) {
        for (const target of order) {
          const measurement = await target.run(level.streams);
          (target === raw ? level.raw : level.salon).push(measurement);
        }
      }
      log(`round ${round}/${options.rounds} done`);
    }
    const report: BenchReport = {
      date: new Date().toISOString(),
      machine: machine(),
      load: { before: loadBefore, after: loadAverage() },
      command: [
        'npm run bench:engine',
        ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : []),
      ].join(' '),
      settings: {
        model: options.modelPath,
        maxTokens: options.maxTokens,
        rounds: options.rounds,
        sequences: salon.engine.sequences,
        contextSize: salon.engine.contextSize,
        threads,
        sampling: 'greedy',
      },
      levels: summarise(levels),
    };
    console.log(options.json ? JSON.stringify(report, null, 2) : formatReport(report));
  } finally {
    await raw.close();
    await salon.close();
  }
}

await main();
