// The bus inside one process: plain maps and callbacks. Enough for a single Salon; several
// replicas need a shared backend behind the same interface.
import { TopicListeners } from './broadcasts.js';
import {
  defaultGraceMs,
  type NewRunEvent,
  type RunBus,
  type RunBusOptions,
  type RunEvent,
  type Unsubscribe,
} from './bus.js';

interface RunEntry {
  events: RunEvent[];
  listeners: Set<(event: RunEvent) => void>;
  cancelled: boolean;
  cancelListeners: Set<() => void>;
  dropTimer?: NodeJS.Timeout;
}

/** A RunBus for one process. */
export class MemoryBus implements RunBus {
  private readonly runs = new Map<string, RunEntry>();
  private readonly graceMs: number;
  private readonly broadcastListeners = new TopicListeners();

  constructor(options: RunBusOptions = {}) {
    this.graceMs = options.graceMs ?? defaultGraceMs;
  }

  async append(runId: string, event: NewRunEvent): Promise<number> {
    const entry = this.entry(runId);
    const stored = { seq: entry.events.length + 1, type: event.type, data: event.data };
    entry.events.push(stored);
    for (const listener of [...entry.listeners]) listener(stored);
    return stored.seq;
  }

  async read(runId: string, after: number): Promise<RunEvent[]> {
    // Sequence numbers are array positions + 1, so the events after N start at index N.
    return this.runs.get(runId)?.events.slice(Math.max(0, after)) ?? [];
  }

  async subscribe(runId: string, listener: (event: RunEvent) => void): Promise<Unsubscribe> {
    const entry = this.entry(runId);
    const own = (event: RunEvent) => listener(event);
    entry.listeners.add(own);
    return () => {
      entry.listeners.delete(own);
      this.forgetIfUnused(runId, entry);
    };
  }

  async cancel(runId: string): Promise<void> {
    const entry = this.entry(runId);
    if (entry.cancelled) return;
    entry.cancelled = true;
    const listeners = [...entry.cancelListeners];
    entry.cancelListeners.clear();
    for (const listener of listeners) listener();
    // Kept so that a run registering late still sees it, but not forever when the run is
    // unknown here (already dropped, or a typo); a run that exists calls end() soon after.
    if (!entry.dropTimer && !entry.events.length) this.scheduleDrop(runId, entry);
  }

  async onCancel(runId: string, listener: () => void): Promise<Unsubscribe> {
    const entry = this.entry(runId);
    if (entry.cancelled) {
      listener();
      return () => undefined;
    }
    const own = () => listener();
    entry.cancelListeners.add(own);
    return () => {
      entry.cancelListeners.delete(own);
      this.forgetIfUnused(runId, entry);
    };
  }

  async end(runId: string): Promise<void> {
    const entry = this.runs.get(runId);
    if (!entry) return;
    clearTimeout(entry.dropTimer);
    this.scheduleDrop(runId, entry);
  }

  /** Calls every listener of the topic before it resolves; rejects with the first one that threw. */
  async broadcast(topic: string, message: string): Promise<void> {
    const errors: unknown[] = [];
    this.broadcastListeners.deliver(topic, message, (error) => errors.push(error));
    if (errors.length) throw errors[0];
  }

  async onBroadcast(topic: string, listener: (message: string) => void): Promise<Unsubscribe> {
    const stop = this.broadcastListeners.add(topic, listener);
    return () => void stop();
  }

  async close(): Promise<void> {
    for (const entry of this.runs.values()) clearTimeout(entry.dropTimer);
    this.runs.clear();
    this.broadcastListeners.clear();
  }

  private entry(runId: string): RunEntry {
    let entry = this.runs.get(runId);
    if (!entry) {
      entry = { events: [], listeners: new Set(), cancelled: false, cancelListeners: new Set() };
      this.runs.set(runId, entry);
    }
    return entry;
  }

  private scheduleDrop(runId: string, entry: RunEntry): void {
    entry.dropTimer = setTimeout(() => {
      if (this.runs.get(runId) === entry) this.runs.delete(runId);
    }, this.graceMs);
    entry.dropTimer.unref();
  }

  // A subscription to a run that never produced anything must not leave an entry behind.
  private forgetIfUnused(runId: string, entry: RunEntry): void {
    const unused =
      !entry.events.length &&
      !entry.listeners.size &&
      !entry.cancelListeners.size &&
      !entry.cancelled;
    if (unused && this.runs.get(runId) === entry) this.runs.delete(runId);
  }
}
