// bench/evals: MMLU through Salon's harness.
//
// 1. Engine: the 5-shot test split on a GGUF model (the shared tiny one by default), every
//    question asked twice in the same run: from scratch (each prompt evaluated in full) and
//    with the subject's k-shot prefix reused from the KV cache, alternating subject by subject.
//    Prints both rates and the ratio.
// 2. Remote: questions per second against a mock OpenAI-style model (its own process, answering
//    after --remote-latency ms) at concurrency 16, beside concurrency 1 on fewer questions.
//
//   npm run bench:evals -- --help
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { emptyConfig, type SalonConfig } from '../../src/config/schema.js';
import { listMmluAnswers, runMmlu, type MmluReport } from '../../src/evals/index.js';
import { listSubjects } from '../../src/evals/mmlu/load-mmlu.js';
import { loadModel } from '../../src/engine/llama-engine.js';
import { Gateway } from '../../src/gateway/gateway.js';
import { buildCatalog } from '../../src/gateway/model-catalog.js';
import { openDatabase, type Store } from '../../src/store/create-database.js';
import { evalBenchUsage, parseEvalBenchOptions, type EvalBenchOptions } from './options.js';

interface Measured {
  label: string;
  questions: number;
  seconds: number;
  perSecond: number;
  micro: number;
}

const sharedDir = path.resolve(process.env.SALON_SHARED_DIR ?? path.join('..', 'shared'));

async function main(): Promise<void> {
  let options: EvalBenchOptions | undefined;
  try {
    options = parseEvalBenchOptions(process.argv.slice(2), sharedDir);
  } catch (error) {
    console.error((error as Error).message);
    process.exit(2);
  }
  if (!options) return void console.log(evalBenchUsage);
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'salon-bench-evals-'));
  const store = await openDatabase({ dataDir });
  const report: Record<string, unknown> = { options };
  try {
    if (!options.skipEngine) report.engine = await enginePhase(options, store);
    if (!options.skipRemote) report.remote = await remotePhase(options, store);
  } finally {
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  }
  if (options.json) console.log(JSON.stringify(report));
}

async function enginePhase(options: EvalBenchOptions, store: Store) {
  const config: SalonConfig = emptyConfig();
  config.providers.engine = {
    type: 'llama',
    model_path: options.model,
    threads: 1, // see src/engine/threads.ts: one thread per core left to llama.cpp at most
    sequences: options.engineConcurrency,
  };
  config.models.push({ name: 'engine', targets: [{ provider: 'engine' }] });
  const gateway = new Gateway(buildCatalog(config, {}), { loadModel });
  try {
    // Load the model and warm up outside the measurement.
    await runMmlu(gateway, store.db, {
      model: 'engine',
      dataDir: options.data,
      subjects: ['abstract_algebra'],
      limit: 2,
      shots: options.shots,
      resume: 'never',
    });
    // The two ways alternate subject by subject (and which goes first alternates too), so that
    // a neighbour's load drifting over the run slows both alike.
    const subjects = await listSubjects(options.data, 'test');
    const labels = {
      scratch: 'engine, prompt evaluated in full',
      reused: 'engine, k-shot prefix reused',
    };
    const totals = {
      scratch: { seconds: 0, questions: 0, correct: 0 },
      reused: { seconds: 0, questions: 0, correct: 0 },
    };
    let same = 0;
    for (const [index, subject] of subjects.entries()) {
      const reports: Partial<Record<'scratch' | 'reused', MmluReport>> = {};
      for (const way of index % 2
        ? (['reused', 'scratch'] as const)
        : (['scratch', 'reused'] as const)) {
        const { measured, report } = await timed(
          labels[way],
          () =>
            runMmlu(gateway, store.db, {
              model: 'engine',
              dataDir: options.data,
              subjects: [subject],
              limit: options.limit,
              shots: options.shots,
              concurrency: options.engineConcurrency,
              reusePrefix: way === 'reused',
              resume: 'never',
            }),
          false,
        );
        totals[way].seconds += measured.seconds;
        totals[way].questions += report.n;
        totals[way].correct += Math.round(report.micro.acc * report.n);
        reports[way] = report;
      }
      same += Math.round(
        (await agreementOf(store, reports.scratch!, reports.reused!)) * reports.scratch!.n,
      );
      const rate = (way: 'scratch' | 'reused') => totals[way].questions / totals[way].seconds;
      process.stderr.write(
        `${index + 1}/${subjects.length} ${subject}: so far ${rate('scratch').toFixed(1)} and ` +
          `${rate('reused').toFixed(1)} questions/s (${(rate('reused') / rate('scratch')).toFixed(2)}×)\n`,
      );
    }
    const measuredOf = (way: 'scratch' | 'reused'): Measured => ({
      label: labels[way],
      questions: totals[way].questions,
      seconds: totals[way].seconds,
      perSecond: totals[way].questions / totals[way].seconds,
      micro: totals[way].correct / Math.max(1, totals[way].questions),
    });
    const scratch = { measured: measuredOf('scratch') };
    const reused = { measured: measuredOf('reused') };
    const agreement = same / Math.max(1, totals.scratch.questions);
    const ratio = reused.measured.perSecond / scratch.measured.perSecond;
    printTable([scratch.measured, reused.measured]);
    console.log(
      `prefix reuse: ${ratio.toFixed(2)}× the questions per second; same letter chosen for ` +
        `${(agreement * 100).toFixed(2)}% of questions\n`,
    );
    return { scratch: scratch.measured, reused: reused.measured, ratio, agreement };
  } finally {
    await gateway.close();
  }
}

async function remotePhase(options: EvalBenchOptions, store: Store) {
  const mock = await startMock(options.remoteLatency);
  const config: SalonConfig = emptyConfig();
  config.providers.mock = { type: 'openai', base_url: `http://127.0.0.1:${mock.port}/v1` };
  config.models.push({ name: 'remote', targets: [{ provider: 'mock', model: 'mock' }] });
  const gateway = new Gateway(buildCatalog(config, {}), { loadModel });
  try {
    const measure = async (concurrency: number, limit?: number) =>
      timed(`mock remote (${options.remoteLatency} ms), concurrency ${concurrency}`, () =>
        runMmlu(gateway, store.db, {
          model: 'remote',
          dataDir: options.data,
          limit,
          shots: options.shots,
          concurrency,
          resume: 'never',
          onProgress: progressLine(`remote c=${concurrency}`),
        }),
      );
    const single = await measure(1, options.remoteBaselineLimit);
    const parallel = await measure(options.remoteConcurrency, options.remoteLimit);
    printTable([single.measured, parallel.measured]);
    const ratio = parallel.measured.perSecond / single.measured.perSecond;
    console.log(`concurrency ${options.remoteConcurrency}: ${ratio.toFixed(2)}× concurrency 1\n`);
    return { single: single.measured, parallel: parallel.measured, ratio };
  } finally {
    await gateway.close();
    mock.process.kill('SIGTERM');
  }
}

async function timed(
  label: string,
  run: () => Promise<MmluReport>,
  endLine = true,
): Promise<{ measured: Measured; report: MmluReport }> {
  const started = performance.now();
  const report = await run();
  const seconds = (performance.now() - started) / 1000;
  if (endLine) process.stderr.write('\n');
  return {
    report,
    measured: {
      label,
      questions: report.n,
      seconds,
      perSecond: report.n / seconds,
      micro: report.micro.acc,
    },
  };
}

/** The share of questions both runs answered with the same letter. */
async function agreementOf(store: Store, a: MmluReport, b: MmluReport): Promise<number> {
  const first = await listMmluAnswers(store.db, a.runId);
  const second = new Map(
    (await listMmluAnswers(store.db, b.runId)).map((answer) => [
      `${answer.subject}\n${answer.questionIndex}`,
      answer.chosen,
    ]),
  );
  const same = first.filter(
    (answer) => second.get(`${answer.subject}\n${answer.questionIndex}`) === answer.chosen,
  );
  return same.length / Math.max(1, first.length);
}

/** Prints progress on stderr every ~5% (no redraws: the output is meant for a log). */
function progressLine(label: string) {
  let shown = -1;
  const started = performance.now();
  return ({ done, total }: { done: number; total: number }) => {
    const step = Math.floor((done / total) * 20);
    if (step === shown) return;
    shown = step;
    const rate = done / ((performance.now() - started) / 1000);
    process.stderr.write(`\r${label}: ${done}/${total} (${rate.toFixed(1)}/s)   `);
  };
}

function printTable(rows: Measured[]): void {
  console.log('| run | questions | seconds | questions/s | micro accuracy |');
  console.log('| --- | --: | --: | --: | --: |');
  for (const row of rows) {
    console.log(
      `| ${row.label} | ${row.questions} | ${row.seconds.toFixed(1)} | ${row.perSecond.toFixed(1)} | ` +
        `${(row.micro * 100).toFixed(1)}% |`,
    );
  }
}

async function startMock(latencyMs: number): Promise<{ port: number; process: ChildProcess }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'bench/evals/mock-remote.ts', String(latencyMs)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const lines = createInterface({ input: child.stdout! });
  for await (const line of lines) {
    lines.close();
    return { port: (JSON.parse(line) as { port: number }).port, process: child };
  }
  throw new Error('the mock remote model did not start');
}

await main();
