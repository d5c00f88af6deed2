// Sums up the bench: the bundle against its goal, the medians of each conversation size with
// the long one's ratio to the baseline, and (with --profile) where the time went.
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import type { BundleReport } from './bundle.js';
import type { VisitResult } from './long-chat.js';
import type { WindowProfile } from './profile.js';

/** The issue's goals for a 2,000-message conversation. */
export const goals = { newestPaintMs: 500, streamLongestTaskMs: 50 };

/** One conversation size: every run, and the median and range of each figure. */
export interface SizeReport {
  messages: number;
  runs: VisitResult[];
  median: Record<NumericField, number>;
  min: Record<NumericField, number>;
  max: Record<NumericField, number>;
}

type NumericField = Exclude<keyof VisitResult, 'newestVisible'>;

/** The long-chat part: the long conversation against the baseline. */
export interface LongChatReport {
  runs: number;
  stream: { tokens: number; tokensPerSecond: number; characters: number };
  long: SizeReport;
  baseline: SizeReport;
  /** Profiled visits (--profile): the mean of each window per size. */
  profiles?: Array<{ messages: number; visits: number; load: WindowProfile; reply: WindowProfile }>;
}

/** The whole result, as `--json` prints it. */
export interface WebBenchReport {
  date: string;
  /** The commit measured, and whether web/ had uncommitted changes (they were measured too). */
  revision: { commit: string; webChanged: boolean };
  machine: { cpus: number; cpuModel: string; memoryGb: number; node: string; chromium: string };
  /** The 1-minute load average before and after: above the core count, others were busy. */
  load: { before: number; after: number };
  command: string;
  bundle: BundleReport;
  longChat?: LongChatReport;
  /** How often another build replaced web/dist during the run (the bench rebuilt it). */
  distReplaced?: number;
}

/** The median of a non-empty list (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Medians and ranges of one size's runs. */
export function summariseSize(messages: number, runs: VisitResult[]): SizeReport {
  const fields = Object.keys(runs[0]!).filter(
    (key): key is NumericField => key !== 'newestVisible',
  );
  const over = (pick: (values: number[]) => number) =>
    Object.fromEntries(
      fields.map((field) => [field, pick(runs.map((run) => run[field]))]),
    ) as Record<NumericField, number>;
  return {
    messages,
    runs,
    median: over(median),
    min: over((values) => Math.min(...values)),
    max: over((values) => Math.max(...values)),
  };
}

/** This machine. */
export function machine(chromium: string): WebBenchReport['machine'] {
  return {
    cpus: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    chromium,
  };
}

/** The 1-minute load average. */
export function loadAverage(): number {
  return Math.round(os.loadavg()[0]! * 100) / 100;
}

const count = (value: number) => value.toLocaleString('en-US');
const kB = (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`;
const ms = (value: number) => (value < 10 ? value.toFixed(1) : Math.round(value).toString());

function ratio(long: number, baseline: number): string {
  return baseline > 0 ? `${(long / baseline).toFixed(2)}×` : '—';
}

function formatBundle(bundle: BundleReport): string[] {
  const verdict = bundle.initialGzipBytes < bundle.goalBytes ? 'met' : 'MISSED';
  return [
    'Initial JS + CSS of the web UI (what index.html loads), gzip -9:',
    '',
    '| asset | loaded | size | gzipped |',
    '| --- | --- | ---: | ---: |',
    ...bundle.initial.map(
      (asset) => `| ${asset.file} | initially | ${kB(asset.bytes)} | ${kB(asset.gzipBytes)} |`,
    ),
    ...bundle.lazy.map(
      (asset) => `| ${asset.file} | lazily | ${kB(asset.bytes)} | ${kB(asset.gzipBytes)} |`,
    ),
    '',
    `initial: **${kB(bundle.initialGzipBytes)}** gzipped against a goal of ${kB(bundle.goalBytes)}: ` +
      `${bundle.ratio.toFixed(2)}× the goal (${verdict}); lazy chunks ${kB(bundle.lazyGzipBytes)}`,
    ...(bundle.served
      ? [
          `as Salon serves them (Accept-Encoding: gzip, br): ${kB(bundle.served.bytes)} ` +
            `(Content-Encoding: ${bundle.served.encodings.join(', ')})`,
        ]
      : []),
    ...Object.entries(bundle.composition ?? {}).map(
      ([file, parts]) =>
        `${file} by package (minified bytes): ` +
        parts
          .slice(0, 12)
          .map((part) => `${part.name} ${kB(part.bytes)}`)
          .join(', '),
    ),
  ];
}

type Row = [label: string, field: NumericField, goal: string, format: (value: number) => string];

const rows: Row[] = [
  ['newest message painted (Element Timing)', 'newestPaintMs', `< ${goals.newestPaintMs}`, ms],
  ['… cross-check: first frame after it entered the DOM', 'newestFrameMs', '', ms],
  ['… the app script has run (DOMContentLoaded)', 'domContentLoadedMs', '', ms],
  ['… GET /api/auth/state sent', 'authStateSentMs', '', ms],
  ['… GET /api/auth/state answered', 'authStateDoneMs', '', ms],
  ['… GET /api/conversations/:id sent', 'conversationSentMs', '', ms],
  ['… GET /api/conversations/:id answered', 'conversationDoneMs', '', ms],
  ['… its size on the wire (kB)', 'conversationTransferBytes', '', (v) => (v / 1000).toFixed(1)],
  ['main-thread CPU until painted', 'loadCpuMs', '', ms],
  ['longest task until painted', 'loadLongestTaskMs', '', ms],
  ['… the most CPU one task took', 'loadLongestTaskCpuMs', '', ms],
  ['longest task while streaming', 'streamLongestTaskMs', `< ${goals.streamLongestTaskMs}`, ms],
  ['… the most CPU one task took', 'streamLongestTaskCpuMs', '', ms],
  ['tasks ≥ 50 ms while streaming (Long Tasks API)', 'streamLongTasks', '', (v) => v.toFixed(1)],
  ['main thread on the CPU while streaming (%)', 'streamCpuShare', '', (v) => (v * 100).toFixed(0)],
  ['send → first text shown', 'replyFirstTextMs', '', ms],
  ['first text → reply end', 'replyStreamMs', '', ms],
  ['… tokens/s received', 'replyTokensPerSecond', '', (v) => v.toFixed(0)],
];

function formatLongChat(report: LongChatReport): string[] {
  const { long, baseline, stream } = report;
  const cell = (size: SizeReport, [, field, , format]: Row) =>
    `${format(size.median[field])} (${format(size.min[field])}–${format(size.max[field])})`;
  const lines = [
    `Long chat: medians (min–max) of ${report.runs} runs each, milliseconds unless named; ` +
      `reply of ${stream.tokens} tokens at ${stream.tokensPerSecond} tokens/s:`,
    '',
    `| measure | goal | ${count(long.messages)} messages | ${count(baseline.messages)} messages (baseline) | ratio |`,
    '| --- | --- | ---: | ---: | ---: |',
    ...rows.map(
      (row) =>
        `| ${row[0]} | ${row[2]} | ${cell(long, row)} | ${cell(baseline, row)} ` +
        `| ${ratio(long.median[row[1]], baseline.median[row[1]])} |`,
    ),
  ];
  const hidden = [...long.runs, ...baseline.runs].filter((run) => !run.newestVisible).length;
  if (hidden) lines.push('', `WARNING: in ${hidden} visits the newest message was not on screen`);
  for (const [field, goal] of Object.entries(goals) as Array<[NumericField, number]>) {
    const value = long.median[field];
    lines.push(
      `${field}: ${ms(value)} ms for ${count(long.messages)} messages against < ${goal} ms: ` +
        `${value < goal ? 'met' : 'MISSED'}`,
    );
  }
  for (const profile of report.profiles ?? []) lines.push('', ...formatProfile(profile));
  return lines;
}

function formatWindow(window: WindowProfile): string[] {
  const list = (times: WindowProfile['modules']) =>
    times.map((time) => `${time.name} ${ms(time.ms)}`).join(', ');
  const kinds = Object.entries(window.byKind)
    .filter(([, value]) => value >= 1)
    .map(([kind, value]) => `${kind} ${ms(value)}`)
    .join(', ');
  return [
    `  ${window.name}: ${window.durationMs} ms, main thread busy ${window.busyMs} ms ` +
      `(CPU ${window.cpuMs} ms): ${kinds}`,
    `    JS self time by module: ${list(window.modules)}`,
    `    on the stack: ${list(window.inclusiveModules)}`,
    `    functions: ${list(window.functions)}`,
    ...window.heaviestTasks.map(
      (task) =>
        `    task at +${task.atMs} ms: ${ms(task.durationMs)} ms (CPU ${ms(task.cpuMs)}): ` +
        `${Object.entries(task.byKind)
          .filter(([, value]) => value >= 1)
          .map(([kind, value]) => `${kind} ${ms(value)}`)
          .join(', ')}; on the stack: ${list(task.inclusiveModules)}`,
    ),
  ];
}

function formatProfile(profile: NonNullable<LongChatReport['profiles']>[number]): string[] {
  return [
    `Profile of ${profile.messages} messages (mean of ${profile.visits} profiled visits, ms; ` +
      'the profiler slows the page):',
    ...formatWindow(profile.load),
    ...formatWindow(profile.reply),
  ];
}

/** The human-readable report. */
export function formatReport(report: WebBenchReport): string {
  const { machine: host, load } = report;
  const lines = [
    `bench/web — ${report.date}, ${host.cpus} cores (${host.cpuModel}), ${host.memoryGb} GB, ` +
      `Node ${host.node}, Chromium ${host.chromium}, load ${load.before} → ${load.after}`,
    `command: ${report.command}`,
    `revision: ${report.revision.commit}${report.revision.webChanged ? ' with uncommitted changes in web/' : ''}`,
    '',
    ...formatBundle(report.bundle),
  ];
  if (report.longChat) lines.push('', ...formatLongChat(report.longChat));
  if (report.distReplaced) {
    lines.push(
      '',
      `NOTE: another build replaced web/dist ${report.distReplaced} times during the run; ` +
        'the bench rebuilt it and measured again any visit it overlapped',
    );
  }
  if (report.longChat && Math.max(load.before, load.after) > host.cpus) {
    lines.push(
      '',
      `WARNING: the machine was busy (load ${load.before} → ${load.after} on ${host.cpus} cores): ` +
        'wall-clock figures are inflated; CPU-time ones much less',
    );
  }
  return lines.join('\n');
}

/** The commit checked out, and whether web/ differs from it. */
export function revision(): WebBenchReport['revision'] {
  const git = (args: string[]) => spawnSync('git', args, { encoding: 'utf8' }).stdout?.trim() ?? '';
  return {
    commit: git(['rev-parse', '--short', 'HEAD']) || 'unknown',
    webChanged: git(['status', '--porcelain', '--', 'web']) !== '',
  };
}
