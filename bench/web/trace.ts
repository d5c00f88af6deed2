// Reading a Chrome trace (JSON from Browser.stopTracing): the renderer main thread's tasks,
// the bench's user-timing marks, and where the time of a window went.

/** One trace event (the fields used here). */
export interface TraceEvent {
  name: string;
  cat: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  /** CPU time of the thread during the event (absent for some events). */
  tdur?: number;
  args?: { name?: string; data?: Record<string, unknown> } & Record<string, unknown>;
}

/** A main-thread task, in milliseconds on the trace's clock. */
export interface TraceTask {
  startMs: number;
  durationMs: number;
  /**
   * The thread's CPU time during the task. Well below `durationMs` when the thread was
   * waiting for a core: on a busy machine that wait, not the page, makes a task long.
   */
  cpuMs: number;
}

/** Parses what stopTracing returned. */
export function parseTrace(buffer: Buffer): TraceEvent[] {
  const parsed = JSON.parse(buffer.toString('utf8')) as
    { traceEvents?: TraceEvent[] } | TraceEvent[];
  return Array.isArray(parsed) ? parsed : (parsed.traceEvents ?? []);
}

// Chrome names the scheduler's task event `RunTask` in devtools.timeline and
// `ThreadControllerImpl::RunTask` in toplevel; either is one task.
const taskNames = new Set(['RunTask', 'ThreadControllerImpl::RunTask']);

/** The renderer main thread that worked the most: the page's (other renderers idle). */
export function pageMainThread(events: readonly TraceEvent[]): { pid: number; tid: number } {
  const mains = new Set(
    events
      .filter((event) => event.ph === 'M' && event.name === 'thread_name')
      .filter((event) => event.args?.name === 'CrRendererMain')
      .map((event) => `${event.pid}:${event.tid}`),
  );
  const busy = new Map<string, number>();
  for (const event of events) {
    const key = `${event.pid}:${event.tid}`;
    if (mains.has(key) && taskNames.has(event.name) && event.dur) {
      busy.set(key, (busy.get(key) ?? 0) + event.dur);
    }
  }
  const [best] = [...busy.entries()].sort((a, b) => b[1] - a[1]);
  if (!best) throw new Error('the trace has no renderer main-thread tasks');
  const [pid, tid] = best[0].split(':').map(Number) as [number, number];
  return { pid, tid };
}

/** The top-level tasks of a thread (nested task events are part of their parent). */
export function mainThreadTasks(
  events: readonly TraceEvent[],
  thread: { pid: number; tid: number },
): TraceTask[] {
  const own = events
    .filter(
      (event) =>
        event.pid === thread.pid &&
        event.tid === thread.tid &&
        event.ph === 'X' &&
        taskNames.has(event.name) &&
        event.dur !== undefined,
    )
    .sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
  const tasks: TraceTask[] = [];
  let end = -Infinity;
  for (const event of own) {
    if (event.ts < end) continue;
    end = event.ts + event.dur!;
    tasks.push({
      startMs: event.ts / 1000,
      durationMs: event.dur! / 1000,
      cpuMs: (event.tdur ?? event.dur!) / 1000,
    });
  }
  return tasks;
}

/** The tasks that started in [fromMs, toMs). */
export function tasksIn(tasks: readonly TraceTask[], fromMs: number, toMs: number): TraceTask[] {
  return tasks.filter((task) => task.startMs >= fromMs && task.startMs < toMs);
}

/** The time (ms, trace clock) of a `performance.mark` made in the page, if traced. */
export function markTime(events: readonly TraceEvent[], name: string): number | undefined {
  const mark = events.find((event) => event.name === name && event.cat.includes('user_timing'));
  return mark ? mark.ts / 1000 : undefined;
}

/** Main-thread time by kind of work, as DevTools groups it. */
export type WorkKind = 'script' | 'gc' | 'style' | 'layout' | 'paint' | 'parse' | 'other';

function kindOfEvent(name: string): WorkKind {
  if (/GC|Scavenge|MarkCompact|Sweep/i.test(name)) return 'gc';
  if (name === 'UpdateLayoutTree' || name === 'ParseAuthorStyleSheet') return 'style';
  if (
    name === 'Layout' ||
    name === 'UpdateLayerTree' ||
    name === 'IntersectionObserverController::ComputeIntersections'
  )
    return 'layout';
  if (/^(Paint|PrePaint|Layerize|Commit|PaintImage|CompositeLayers|Decode)/.test(name))
    return 'paint';
  if (name === 'ParseHTML') return 'parse';
  if (
    /^(FunctionCall|EvaluateScript|TimerFire|EventDispatch|FireAnimationFrame|RunMicrotasks|XHR|v8\.|V8\.|HandlePostMessage|FireIdleCallback)/.test(
      name,
    )
  )
    return 'script';
  return 'other';
}

/**
 * Self time by kind of work of the thread's events in tasks starting in [fromMs, toMs):
 * a forced layout inside a script counts as layout, GC inside it as gc.
 */
export function timeByKind(
  events: readonly TraceEvent[],
  thread: { pid: number; tid: number },
  fromMs: number,
  toMs: number,
): Record<WorkKind, number> {
  const totals: Record<WorkKind, number> = {
    script: 0,
    gc: 0,
    style: 0,
    layout: 0,
    paint: 0,
    parse: 0,
    other: 0,
  };
  const inWindow = events
    .filter(
      (event) =>
        event.pid === thread.pid &&
        event.tid === thread.tid &&
        event.ph === 'X' &&
        event.dur !== undefined &&
        event.ts / 1000 >= fromMs &&
        event.ts / 1000 < toMs,
    )
    .sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
  const stack: Array<{ end: number; kind: WorkKind }> = [];
  for (const event of inWindow) {
    while (stack.length && stack.at(-1)!.end <= event.ts) stack.pop();
    const parent = stack.at(-1);
    let kind = kindOfEvent(event.name);
    // Unnamed plumbing inside a script is script.
    if (kind === 'other' && parent && parent.kind !== 'other') kind = parent.kind;
    if (parent) totals[parent.kind] -= event.dur! / 1000;
    totals[kind] += event.dur! / 1000;
    stack.push({ end: event.ts + event.dur!, kind });
  }
  return totals;
}
