// `salon eval mmlu`: evaluates a model of this data dir and config (in process, as `salon chat`
// does), stores every answer in the database, prints the results; `--json` prints exactly one
// JSON object on stdout. Bad input exits with code 2, naming what is wrong.
import type { Command } from 'commander';
import { resolveSettings, type SettingsFlags } from '../config/settings.js';
import {
  categoryOf,
  defaultConcurrency,
  defaultShots,
  runMmlu,
  type MmluReport,
  type MmluSplit,
} from '../evals/index.js';
import { badRequest, isSalonError } from '../lib/errors.js';
import { openSecretBox } from '../lib/secret-box.js';
import { createGateway } from '../server/runtime.js';
import { openDatabase } from '../store/create-database.js';
import { progressView } from './eval-progress.js';

interface MmluFlags {
  model: string;
  data: string;
  subjects?: string;
  limit?: string;
  shots?: string;
  split?: string;
  concurrency?: string;
  resume?: string;
  fresh?: boolean;
  json?: boolean;
}

/** How the intervals are computed, as the output says. */
const intervals =
  'Wilson score interval (micro, subjects, categories); normal approximation with the ' +
  "subjects' binomial variances (macro)";

/** Adds `salon eval mmlu`. */
export function registerEvalCommand(program: Command, globalFlags: () => SettingsFlags): void {
  const evalCommand = program.command('eval').description('evaluate models on benchmarks');
  evalCommand
    .command('mmlu')
    .description('MMLU accuracy of a model (every answer stored; an interrupted run resumes)')
    .requiredOption('-m, --model <name>', 'model name or alias')
    .requiredOption('--data <dir>', "MMLU's data folder (dev/, val/, test/ of CSV files)")
    .option('--subjects <names>', 'subjects separated by commas (default: all)')
    .option('--limit <n>', 'only the first N questions of each subject')
    .option('--shots <k>', `examples from dev before each question (default ${defaultShots})`)
    .option('--split <split>', 'test or val (default test)')
    .option('--concurrency <n>', `questions in flight at once (default ${defaultConcurrency})`)
    .option(
      '--resume <run-id>',
      'continue this unfinished run (default: the last unfinished one with the same flags)',
    )
    .option('--fresh', 'start a new run even when an unfinished one has the same flags')
    .option('--json', 'print one JSON object with the results on stdout')
    .action(async (flags: MmluFlags) => {
      try {
        await evaluate(flags, globalFlags());
      } catch (error) {
        // A mistake in the request (flag, data folder, model name): exit code 2, like bad flags.
        if (!isSalonError(error) || error.status >= 500) throw error;
        console.error(`salon eval mmlu: ${error.message}`);
        process.exitCode = 2;
      }
    });
}

async function evaluate(flags: MmluFlags, global: SettingsFlags): Promise<void> {
  const options = {
    model: flags.model,
    dataDir: flags.data,
    subjects: flags.subjects
      ?.split(',')
      .map((subject) => subject.trim())
      .filter(Boolean),
    limit: wholeNumber(flags.limit, '--limit'),
    shots: wholeNumber(flags.shots, '--shots'),
    split: split(flags.split),
    concurrency: wholeNumber(flags.concurrency, '--concurrency'),
    resume: flags.resume ?? (flags.fresh ? 'never' : 'auto'),
  };
  const settings = resolveSettings(global);
  const store = await openDatabase({
    databaseUrl: settings.databaseUrl,
    dataDir: settings.dataDir,
  });
  const interrupt = new AbortController();
  const onSigint = () => interrupt.abort(new Error('interrupted: run the same command to resume'));
  process.once('SIGINT', onSigint);
  const progress = progressView(`MMLU ${flags.model}`);
  try {
    const secrets = openSecretBox({ secret: settings.secret, dataDir: settings.dataDir });
    const gateway = await createGateway(settings, { store, secrets });
    try {
      const report = await runMmlu(gateway, store.db, {
        ...options,
        onProgress: (state) => progress.update(state),
        signal: interrupt.signal,
      });
      progress.stop();
      if (flags.json) process.stdout.write(`${JSON.stringify(toJson(report))}\n`);
      else printReport(report);
    } finally {
      progress.stop();
      await gateway.close();
    }
  } finally {
    process.off('SIGINT', onSigint);
    await store.close();
  }
}

function wholeNumber(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(number)) {
    throw badRequest(`${flag}: '${value}' is not a whole number`);
  }
  return number;
}

function split(value: string | undefined): MmluSplit | undefined {
  if (value === undefined || value === 'test' || value === 'val') return value;
  throw badRequest(`--split: '${value}' is not test or val`);
}

/** The `--json` object: accuracies as fractions, intervals under `ci95`. */
function toJson(report: MmluReport) {
  return {
    runId: report.runId,
    model: report.model,
    target: report.target,
    method: report.method,
    shots: report.shots,
    split: report.split,
    n: report.n,
    micro: report.micro.acc,
    macro: report.macro.acc,
    ci95: { micro: report.micro.ci, macro: report.macro.ci, intervals },
    resumedAnswers: report.resumedAnswers,
    subjects: Object.fromEntries(
      Object.entries(report.subjects).map(([subject, accuracy]) => [
        subject,
        { acc: accuracy.acc, n: accuracy.n, ci95: accuracy.ci, category: categoryOf(subject) },
      ]),
    ),
    categories: Object.fromEntries(
      Object.entries(report.categories).map(([category, accuracy]) => [
        category,
        { acc: accuracy.acc, n: accuracy.n, ci95: accuracy.ci },
      ]),
    ),
  };
}

function printReport(report: MmluReport): void {
  const percent = (value: number) => `${(value * 100).toFixed(1)}%`;
  const withCi = (accuracy: { acc: number; ci: [number, number] }) =>
    `${percent(accuracy.acc)} (95% CI ${percent(accuracy.ci[0])}–${percent(accuracy.ci[1])})`;
  const lines = [
    `MMLU ${report.split}, ${report.shots}-shot, model ${report.model} (${report.target}), ` +
      `scored by ${report.method}, run ${report.runId}`,
    `micro ${withCi(report.micro)} over ${report.n} questions`,
    `macro ${withCi(report.macro)} over ${Object.keys(report.subjects).length} subjects`,
    '',
    ...Object.entries(report.categories).map(
      ([category, accuracy]) => `  ${category.padEnd(40)} ${withCi(accuracy)}  n=${accuracy.n}`,
    ),
    '',
    ...Object.entries(report.subjects).map(
      ([subject, accuracy]) => `  ${subject.padEnd(40)} ${withCi(accuracy)}  n=${accuracy.n}`,
    ),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
