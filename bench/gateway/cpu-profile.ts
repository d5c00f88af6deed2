// Reads the V8 CPU profile Salon writes under `--profile` (node --cpu-prof) and sums the time
// per function: self time (where the CPU was), Salon's own functions by inclusive time (what
// they cost with everything they call), and self time per package.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  /** µs on the monotonic clock that process.hrtime reads too. */
  startTime: number;
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** One function's share of the profile. */
export interface ProfileLine {
  /** `file:function` (Salon's compiled files named after their source in src/). */
  name: string;
  ms: number;
  /** Share of the non-idle time. */
  share: number;
}

/** What `--profile` prints. */
export interface ProfileSummary {
  file: string;
  /** Non-idle samples × the sampling interval, ms. */
  busyMs: number;
  self: ProfileLine[];
  salonInclusive: ProfileLine[];
  packages: ProfileLine[];
}

// Not work done by a function: time the process waited, and the profiler's own root.
const notWork = new Set(['(idle)', '(root)']);

/** A stretch of time on the monotonic clock (process.hrtime), µs. */
export interface TimeWindow {
  start: number;
  end: number;
}

/** The monotonic clock in µs, as CPU profiles stamp their samples. */
export function monotonicMicros(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

/**
 * Sums the newest .cpuprofile in `dir`, counting only the samples inside `windows` (the measured
 * blocks: start-up and warm-up left out) when given.
 */
export async function summariseProfile(
  dir: string,
  windows?: readonly TimeWindow[],
  top = 25,
): Promise<ProfileSummary> {
  const files = (await readdir(dir)).filter((name) => name.endsWith('.cpuprofile')).sort();
  const file = files.at(-1);
  if (!file) throw new Error(`no .cpuprofile in ${dir}`);
  const profile = JSON.parse(await readFile(path.join(dir, file), 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const packages = new Map<string, number>();
  // Each sample counts as one sampling interval, not as its time delta: a delta is wall time,
  // and on a busy machine the time the process spent descheduled lands on the frame where it
  // yielded (writev, when a write wakes the reader), which is not CPU that Salon used.
  const interval = median(profile.timeDeltas);
  let busy = 0;
  let time = profile.startTime;
  for (const [index, id] of profile.samples.entries()) {
    time += profile.timeDeltas[index] ?? 0;
    if (windows && !windows.some((window) => time >= window.start && time <= window.end)) continue;
    const node = byId.get(id)!;
    if (notWork.has(node.callFrame.functionName)) continue;
    busy += interval;
    add(self, describe(node), interval);
    add(packages, packageOf(node.callFrame.url, node.callFrame.functionName), interval);
    const seen = new Set<string>();
    for (
      let current: number | undefined = id;
      current !== undefined;
      current = parent.get(current)
    ) {
      const frame = byId.get(current)!;
      if (!isSalonFile(frame.callFrame.url)) continue;
      const name = describe(frame);
      if (seen.has(name)) continue;
      seen.add(name);
      add(inclusive, name, interval);
    }
  }
  const lines = (map: Map<string, number>) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, micros]) => ({ name, ms: micros / 1000, share: micros / busy }));
  return {
    file: path.join(dir, file),
    busyMs: busy / 1000,
    self: lines(self),
    salonInclusive: lines(inclusive),
    packages: lines(packages),
  };
}

/**
 * The summary as text; with the number of requests (or other units: `unit`) profiled, each line
 * in µs per request too.
 */
export function formatProfile(
  summary: ProfileSummary,
  requests?: number,
  unit = { one: 'req', many: 'requests' },
): string {
  const table = (title: string, lines: ProfileLine[]) => [
    '',
    title,
    ...lines.map((line) => {
      const perRequest = requests
        ? `${((line.ms * 1000) / requests).toFixed(1).padStart(7)} µs/${unit.one}  `
        : '';
      return `  ${(line.share * 100).toFixed(1).padStart(5)}%  ${line.ms.toFixed(0).padStart(6)} ms  ${perRequest}${line.name}`;
    }),
  ];
  const over = requests ? ` over ${requests} ${unit.many}` : '';
  return [
    `Salon CPU profile: ${summary.file} (${summary.busyMs.toFixed(0)} ms busy${over}, start-up and warm-up left out)`,
    ...table('Top self time:', summary.self),
    ...table("Salon's functions by inclusive time:", summary.salonInclusive),
    ...table('Self time by package:', summary.packages),
  ].join('\n');
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

function add(map: Map<string, number>, key: string, micros: number): void {
  map.set(key, (map.get(key) ?? 0) + micros);
}

function isSalonFile(url: string): boolean {
  return url.includes('/dist/') && !url.includes('/node_modules/');
}

function describe(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const name = functionName || '(anonymous)';
  if (!url) return name;
  // Lines of Salon's compiled files are not those of its sources: the function name says enough.
  if (isSalonFile(url)) return `${shortFile(url)} ${name}`;
  return `${shortFile(url)}:${lineNumber + 1} ${name}`;
}

/** Salon's compiled dist/x.js as its source src/x.ts; packages as node_modules/pkg/…; node's own as is. */
function shortFile(url: string): string {
  const file = url.replace(/^file:\/\//, '');
  const modules = file.lastIndexOf('/node_modules/');
  if (modules >= 0) return file.slice(modules + 1);
  const dist = file.lastIndexOf('/dist/');
  if (dist >= 0) return `src/${file.slice(dist + 6).replace(/\.js$/, '.ts')}`;
  return file;
}

function packageOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const file = url.replace(/^file:\/\//, '');
  if (file.startsWith('node:')) return 'node (built-in)';
  const match = /\/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
  if (match) return match[1]!;
  if (isSalonFile(url)) return 'salon';
  return file;
}
