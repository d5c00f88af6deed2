// `salon models pull | list | catalog`: fetch GGUF models into <data-dir>/models and show what
// is there. Progress and messages go to stderr; stdout carries only the results scripts read.
import path from 'node:path';
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { catalog, catalogFileName } from '../engine/catalog.js';
import { listLocalModels } from '../engine/local-models.js';
import { pullModel, resolvePullSource } from '../engine/pull.js';
import type { PullProgress } from '../engine/pull.js';

/** Add the `models` command and its subcommands to the program. */
export function registerModelsCommand(program: Command, resolveDataDir: () => string): void {
  const models = program
    .command('models')
    .description('download and list GGUF models for the embedded engine');
  const modelsDir = () => path.join(resolveDataDir(), 'models');

  models
    .command('pull <spec>')
    .description('download a catalog model, hf:owner/repo/file.gguf[@revision] or a URL')
    .option('--sha256 <hex>', 'expected sha256 of the file; a mismatch installs nothing')
    .action(async (spec: string, options: { sha256?: string }) => {
      await reportErrors('pull', () => pull(spec, modelsDir(), options.sha256));
    });

  models
    .command('list')
    .description('list downloaded models and the catalog')
    .option('--json', 'print one JSON object')
    .action(async (options: { json?: boolean }) => {
      await reportErrors('list', () => list(modelsDir(), options.json === true));
    });

  models
    .command('catalog')
    .description('list the curated models `salon models pull <id>` knows')
    .option('--json', 'print one JSON array')
    .action(async (options: { json?: boolean }) => {
      await reportErrors('catalog', () => showCatalog(modelsDir(), options.json === true));
    });
}

async function reportErrors(name: string, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (error) {
    console.error(`salon models ${name}: ${error instanceof Error ? error.message : error}`);
    process.exitCode = 1;
  }
}

async function pull(spec: string, modelsDir: string, sha256: string | undefined): Promise<void> {
  const progress = progressReporter(resolvePullSource(spec).fileName);
  const controller = new AbortController();
  // Ctrl-C stops cleanly: the partial file stays and the next pull resumes it.
  const onSignal = () => controller.abort(new Error('interrupted'));
  process.once('SIGINT', onSignal);
  try {
    const result = await pullModel({
      spec,
      modelsDir,
      sha256,
      signal: controller.signal,
      onProgress: progress.update,
    });
    progress.stop();
    console.error(`sha256 ${result.sha256}, ${formatBytes(result.bytes)}`);
    console.log(result.path);
  } catch (error) {
    progress.stop();
    if (controller.signal.aborted) {
      console.error('Interrupted; run the same command again to resume.');
      process.exitCode = 130;
      return;
    }
    throw error;
  } finally {
    process.removeListener('SIGINT', onSignal);
  }
}

interface ProgressReporter {
  update: (progress: PullProgress) => void;
  stop: () => void;
}

// A bar on a terminal; elsewhere (CI logs, pipes) one line per ~10 % so logs stay readable.
function progressReporter(label: string): ProgressReporter {
  const tty = process.stderr.isTTY === true;
  let bar: cliProgress.SingleBar | undefined;
  let started: { bytes: number; at: number } | undefined;
  let lastDraw = 0;
  let lastStep = -1;
  let verifying = false;

  const update = (progress: PullProgress) => {
    if (progress.phase === 'verify') {
      if (!verifying) console.error(`Checking ${label} already on disk…`);
      verifying = true;
      return;
    }
    const now = Date.now();
    started ??= { bytes: progress.bytes, at: now };
    const seconds = (now - started.at) / 1000;
    const speed = seconds > 0 ? (progress.bytes - started.bytes) / seconds : 0;
    const total = progress.totalBytes;
    const done = total !== null && progress.bytes >= total;
    if (tty && total !== null) {
      if (!bar) {
        bar = new cliProgress.SingleBar({
          stream: process.stderr,
          format: `${label} [{bar}] {percentage}% | {done}/{size} | {speed} | ETA {etaText}`,
          gracefulExit: false,
        });
        bar.start(total, progress.bytes, payload(progress.bytes, total, speed));
      }
      // The bar redraws at its own pace; formatting on every network chunk would be waste.
      if (now - lastDraw >= 100 || done) {
        bar.update(progress.bytes, payload(progress.bytes, total, speed));
        lastDraw = now;
      }
      return;
    }
    const step =
      total === null || total === 0
        ? Math.floor(progress.bytes / 100e6)
        : Math.floor((progress.bytes / total) * 10);
    if (step === lastStep && !done) return;
    lastStep = step;
    const share = total ? `${Math.floor((progress.bytes / total) * 100)}% ` : '';
    const of = total === null ? '' : ` of ${formatBytes(total)}`;
    console.error(
      `${label}: ${share}(${formatBytes(progress.bytes)}${of}, ${formatBytes(speed)}/s)`,
    );
  };
  return { update, stop: () => bar?.stop() };
}

function payload(bytes: number, total: number, speed: number) {
  const eta = speed > 0 ? formatDuration((total - bytes) / speed) : '?';
  return {
    done: formatBytes(bytes),
    size: formatBytes(total),
    speed: `${formatBytes(speed)}/s`,
    etaText: eta,
  };
}

async function list(modelsDir: string, json: boolean): Promise<void> {
  const local = await listLocalModels(modelsDir);
  const entries = await catalogWithStatus(modelsDir);
  if (json) {
    console.log(JSON.stringify({ modelsDir, local, catalog: entries }, null, 2));
    return;
  }
  console.log(`Local models in ${modelsDir}:`);
  if (!local.length) console.log('  (none)');
  for (const model of local) {
    const modified = model.modifiedAt.toISOString().slice(0, 16).replace('T', ' ');
    console.log(
      `  ${model.id.padEnd(44)} ${formatBytes(model.sizeBytes).padStart(9)}  ${modified}`,
    );
  }
  console.log('');
  printCatalog(entries);
}

async function showCatalog(modelsDir: string, json: boolean): Promise<void> {
  const entries = await catalogWithStatus(modelsDir);
  if (json) console.log(JSON.stringify(entries, null, 2));
  else printCatalog(entries);
}

async function catalogWithStatus(modelsDir: string) {
  const present = new Set(
    (await listLocalModels(modelsDir)).map((model) => path.basename(model.path)),
  );
  return catalog.map((entry) => ({
    ...entry,
    fileName: catalogFileName(entry),
    downloaded: present.has(catalogFileName(entry)),
  }));
}

function printCatalog(entries: Awaited<ReturnType<typeof catalogWithStatus>>): void {
  console.log('Catalog (salon models pull <id>):');
  for (const entry of entries) {
    const size = `~${formatBytes(entry.sizeBytes)}`.padStart(9);
    const context = `${Math.round(entry.contextLength / 1024)}k ctx`.padStart(9);
    const status = entry.downloaded ? 'downloaded' : '';
    console.log(`  ${entry.id.padEnd(24)} ${entry.name.padEnd(34)} ${size} ${context}  ${status}`);
    console.log(`  ${''.padEnd(24)} ${entry.description}`);
  }
}

function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${Math.round(value)} B` : `${value.toFixed(1)} ${units[unit]}`;
}

function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const whole = Math.max(0, Math.round(seconds));
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const rest = whole % 60;
  if (hours) return `${hours}h${String(minutes).padStart(2, '0')}m`;
  if (minutes) return `${minutes}m${String(rest).padStart(2, '0')}s`;
  return `${rest}s`;
}
