// Where a profiled visit's main thread went, per window (the load: navigation → newest
// message painted; the reply: send → reply end + 1 s): time by kind of work, the modules and
// functions the JS samples fell in, and the tasks that took the most CPU.
import {
  cpuProfileOf,
  summariseSamples,
  type SelfTime,
  type SourceLocator,
} from './cpu-profile.js';
import { mainThreadTasks, tasksIn, timeByKind, type TraceEvent, type WorkKind } from './trace.js';

/** The trace categories of a profiled visit: DevTools' own, with JS samples. */
export const profileCategories = [
  'toplevel',
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'blink.user_timing',
  'v8.execute',
  'disabled-by-default-v8.cpu_profiler',
];

/** One task and what it ran. */
export interface TaskProfile {
  /** Milliseconds after the window's start. */
  atMs: number;
  durationMs: number;
  cpuMs: number;
  byKind: Record<WorkKind, number>;
  modules: SelfTime[];
  inclusiveModules: SelfTime[];
}

/** Where one window's main-thread time went. */
export interface WindowProfile {
  name: string;
  durationMs: number;
  /** Main-thread task time in the window, and its CPU time. */
  busyMs: number;
  cpuMs: number;
  byKind: Record<WorkKind, number>;
  /** JS samples: self time by module and function; time with a module on the stack. */
  modules: SelfTime[];
  functions: SelfTime[];
  inclusiveModules: SelfTime[];
  /** The tasks that took the most CPU time, most first. */
  heaviestTasks: TaskProfile[];
}

const round = (ms: number) => Math.round(ms * 10) / 10;

const top = (times: readonly SelfTime[], count: number) =>
  times.slice(0, count).map(({ name, ms }) => ({ name, ms: round(ms) }));

const roundKinds = (kinds: Record<WorkKind, number>) =>
  Object.fromEntries(Object.entries(kinds).map(([kind, ms]) => [kind, round(ms)])) as Record<
    WorkKind,
    number
  >;

/** Sums up the window [from, to) (ms, trace clock) of a profiled trace. */
export async function profileWindow(
  name: string,
  events: readonly TraceEvent[],
  thread: { pid: number; tid: number },
  locator: SourceLocator,
  [fromMs, toMs]: [number, number],
): Promise<WindowProfile> {
  const samples = cpuProfileOf(events, thread.pid, thread.tid);
  const tasks = tasksIn(mainThreadTasks(events, thread), fromMs, toMs);
  const whole = await summariseSamples(samples, locator, fromMs, toMs);
  const heaviestTasks: TaskProfile[] = [];
  for (const task of [...tasks].sort((a, b) => b.cpuMs - a.cpuMs).slice(0, 3)) {
    const end = task.startMs + task.durationMs;
    const inTask = await summariseSamples(samples, locator, task.startMs, end);
    heaviestTasks.push({
      atMs: Math.round(task.startMs - fromMs),
      durationMs: round(task.durationMs),
      cpuMs: round(task.cpuMs),
      byKind: roundKinds(timeByKind(events, thread, task.startMs, end)),
      modules: top(inTask.byModule, 5),
      inclusiveModules: top(inTask.inclusiveByModule, 6),
    });
  }
  return {
    name,
    durationMs: Math.round(toMs - fromMs),
    busyMs: Math.round(tasks.reduce((total, task) => total + task.durationMs, 0)),
    cpuMs: Math.round(tasks.reduce((total, task) => total + task.cpuMs, 0)),
    byKind: roundKinds(timeByKind(events, thread, fromMs, toMs)),
    modules: top(whole.byModule, 8),
    functions: top(whole.byFunction, 8),
    inclusiveModules: top(whole.inclusiveByModule, 10),
    heaviestTasks,
  };
}

function averageTimes(lists: ReadonlyArray<readonly SelfTime[]>, count: number): SelfTime[] {
  const totals = new Map<string, number>();
  for (const list of lists) {
    for (const { name, ms } of list) totals.set(name, (totals.get(name) ?? 0) + ms / lists.length);
  }
  return top(
    [...totals.entries()].map(([name, ms]) => ({ name, ms })).sort((a, b) => b.ms - a.ms),
    count,
  );
}

/**
 * The mean of several visits' profiles of one window (lists keep each visit's top entries,
 * so a name missing from one visit's top counts as 0 there); heaviest tasks over them all.
 */
export function averageProfiles(profiles: readonly WindowProfile[]): WindowProfile {
  const mean = (pick: (profile: WindowProfile) => number) =>
    Math.round(profiles.reduce((sum, profile) => sum + pick(profile), 0) / profiles.length);
  const kinds = Object.keys(profiles[0]!.byKind) as WorkKind[];
  return {
    name: profiles[0]!.name,
    durationMs: mean((profile) => profile.durationMs),
    busyMs: mean((profile) => profile.busyMs),
    cpuMs: mean((profile) => profile.cpuMs),
    byKind: Object.fromEntries(
      kinds.map((kind) => [kind, mean((profile) => profile.byKind[kind])]),
    ) as Record<WorkKind, number>,
    modules: averageTimes(
      profiles.map((profile) => profile.modules),
      8,
    ),
    functions: averageTimes(
      profiles.map((profile) => profile.functions),
      8,
    ),
    inclusiveModules: averageTimes(
      profiles.map((profile) => profile.inclusiveModules),
      10,
    ),
    heaviestTasks: profiles
      .flatMap((profile) => profile.heaviestTasks)
      .sort((a, b) => b.cpuMs - a.cpuMs)
      .slice(0, 3),
  };
}
