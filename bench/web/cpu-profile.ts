// The V8 CPU samples a trace carries (category disabled-by-default-v8.cpu_profiler), mapped
// through the build's source maps to the module and function they ran in: "react-dom",
// "micromark", "src/chat/message-list.tsx".
import { readFile } from 'node:fs/promises';
import { SourceMap } from 'node:module';
import path from 'node:path';
import type { TraceEvent } from './trace.js';

interface CallFrame {
  functionName: string;
  url?: string;
  lineNumber?: number;
  columnNumber?: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  parent?: number;
}

/** One sample: when (ms, trace clock) and which node (the running function) it caught. */
interface Sample {
  atMs: number;
  node: number;
  durationMs: number;
}

/** The samples of the page's main thread. */
export interface CpuProfile {
  nodes: Map<number, ProfileNode>;
  samples: Sample[];
}

/** Where one function's code came from. */
export interface SourceLocation {
  module: string;
  functionName: string;
}

/** Self time of a module or a function in a window. */
export interface SelfTime {
  name: string;
  ms: number;
}

/** Collects the samples of the thread `pid` (the Profile event names the profiled thread). */
export function cpuProfileOf(events: readonly TraceEvent[], pid: number, tid: number): CpuProfile {
  const profile = events.find(
    (event) => event.name === 'Profile' && event.pid === pid && event.tid === tid,
  ) as (TraceEvent & { id?: string }) | undefined;
  const nodes = new Map<number, ProfileNode>();
  const samples: Sample[] = [];
  if (!profile) return { nodes, samples };
  let at = Number((profile.args?.data as { startTime?: number } | undefined)?.startTime ?? 0);
  for (const event of events as Array<TraceEvent & { id?: string }>) {
    if (event.name !== 'ProfileChunk' || event.pid !== pid || event.id !== profile.id) continue;
    const data = event.args?.data as
      | {
          cpuProfile?: { nodes?: ProfileNode[]; samples?: number[] };
          timeDeltas?: number[];
        }
      | undefined;
    for (const node of data?.cpuProfile?.nodes ?? []) nodes.set(node.id, node);
    const ids = data?.cpuProfile?.samples ?? [];
    const deltas = data?.timeDeltas ?? [];
    for (const [index, node] of ids.entries()) {
      at += deltas[index] ?? 0;
      samples.push({ atMs: at / 1000, node, durationMs: 0 });
    }
  }
  samples.sort((a, b) => a.atMs - b.atMs);
  // A sample stands for the time until the next one (capped: a gap is the sampler pausing).
  for (const [index, sample] of samples.entries()) {
    const next = samples[index + 1];
    sample.durationMs = next ? Math.min(next.atMs - sample.atMs, 2) : 0;
  }
  return { nodes, samples };
}

/** Maps built positions to sources with the `.map` files of a build (`vite build --sourcemap`). */
export class SourceLocator {
  private readonly maps = new Map<string, Promise<SourceMap | undefined>>();
  private readonly cache = new Map<string, Promise<SourceLocation>>();

  constructor(private readonly mapsDir: string) {}

  /** The module and function of a call frame. */
  locate(frame: CallFrame): Promise<SourceLocation> {
    const key = `${frame.url}:${frame.lineNumber}:${frame.columnNumber}:${frame.functionName}`;
    let located = this.cache.get(key);
    if (!located) {
      located = this.resolve(frame);
      this.cache.set(key, located);
    }
    return located;
  }

  private async resolve(frame: CallFrame): Promise<SourceLocation> {
    const fallbackName = frame.functionName || '(anonymous)';
    if (!frame.url) return { module: frame.functionName || '(native)', functionName: fallbackName };
    const pathname = new URL(frame.url).pathname;
    if (!pathname.startsWith('/assets/')) {
      return { module: pathname, functionName: fallbackName };
    }
    const map = await this.mapFor(path.posix.basename(pathname));
    const entry = map?.findEntry(frame.lineNumber ?? 0, frame.columnNumber ?? 0) as
      { originalSource?: string; originalLine?: number; name?: string } | undefined;
    if (!entry?.originalSource) return { module: pathname, functionName: fallbackName };
    return {
      module: moduleName(entry.originalSource),
      functionName: `${entry.name ?? fallbackName}:${(entry.originalLine ?? 0) + 1}`,
    };
  }

  private mapFor(file: string): Promise<SourceMap | undefined> {
    let map = this.maps.get(file);
    if (!map) {
      map = readFile(path.join(this.mapsDir, 'assets', `${file}.map`), 'utf8').then(
        (text) => new SourceMap(JSON.parse(text)),
        () => undefined,
      );
      this.maps.set(file, map);
    }
    return map;
  }
}

/** A package name for dependencies, the path under web/ for the UI's own files. */
export function moduleName(source: string): string {
  const modules = source.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const [first, second] = source.slice(modules + 'node_modules/'.length).split('/');
    return first?.startsWith('@') ? `${first}/${second}` : (first ?? source);
  }
  const web = source.indexOf('src/');
  return web >= 0 ? source.slice(web) : source;
}

/** Where the samples in a window went. */
export interface SampleSummary {
  /** Self time by module, and by function. */
  byModule: SelfTime[];
  byFunction: SelfTime[];
  /** Time with the module anywhere on the stack (what it called included). */
  inclusiveByModule: SelfTime[];
}

/** Sums up the samples in [fromMs, toMs). */
export async function summariseSamples(
  profile: CpuProfile,
  locator: SourceLocator,
  fromMs: number,
  toMs: number,
): Promise<SampleSummary> {
  const byModule = new Map<string, number>();
  const byFunction = new Map<string, number>();
  const inclusiveByModule = new Map<string, number>();
  const stacks = new Map<number, Promise<Set<string>>>();
  const add = (totals: Map<string, number>, key: string, ms: number) =>
    totals.set(key, (totals.get(key) ?? 0) + ms);
  for (const sample of profile.samples) {
    if (sample.atMs < fromMs || sample.atMs >= toMs) continue;
    const node = profile.nodes.get(sample.node);
    if (!node || node.callFrame.functionName === '(idle)') continue;
    const location = await locator.locate(node.callFrame);
    add(byModule, location.module, sample.durationMs);
    add(byFunction, `${location.functionName} (${location.module})`, sample.durationMs);
    let stack = stacks.get(node.id);
    if (!stack) {
      stack = modulesOnStack(profile, locator, node);
      stacks.set(node.id, stack);
    }
    for (const module of await stack) add(inclusiveByModule, module, sample.durationMs);
  }
  const top = (totals: Map<string, number>) =>
    [...totals.entries()].map(([name, ms]) => ({ name, ms })).sort((a, b) => b.ms - a.ms);
  return {
    byModule: top(byModule),
    byFunction: top(byFunction),
    inclusiveByModule: top(inclusiveByModule),
  };
}

async function modulesOnStack(
  profile: CpuProfile,
  locator: SourceLocator,
  leaf: ProfileNode,
): Promise<Set<string>> {
  const modules = new Set<string>();
  for (
    let node: ProfileNode | undefined = leaf;
    node;
    node = profile.nodes.get(node.parent ?? -1)
  ) {
    if (node.callFrame.functionName === '(root)') continue;
    modules.add((await locator.locate(node.callFrame)).module);
  }
  return modules;
}
