// The run bus in Redis, shared by every replica (docs/scale-out.md, "Run bus on Redis"). A run's
// events live in a stream whose entry ids are the events' numbers (`<seq>-0`), so reading after
// N is one XRANGE. Live events reach other replicas over pub/sub, one channel per run, carrying
// the event itself; a replica holds two connections however many runs it follows: one for
// commands, one subscriber. Cancels are a flag key (for late listeners) and one channel every
// replica listens to. Broadcasts (broadcasts.ts) are one channel per topic on the same subscriber
// connection. Standalone Redis: a run's keys share a hash tag, but channels are global.
import { Redis } from 'ioredis';
import { unavailable } from '../lib/errors.js';
import { randomToken } from '../lib/ids.js';
import { TopicListeners } from './broadcasts.js';
import {
  busUnavailableCode,
  defaultGraceMs,
  type NewRunEvent,
  type RunBus,
  type RunBusOptions,
  type RunEvent,
  type Unsubscribe,
} from './bus.js';
import { appendScript, cancelScript, endScript, LuaScript } from './redis-scripts.js';
import { RunFeed } from './run-feed.js';

/** Options for RedisBus. */
export interface RedisBusOptions extends RunBusOptions {
  /** Starts every key and channel name (default `salon:`); tests use their own to keep apart. */
  keyPrefix?: string;
  /**
   * How long a run that never ended keeps its log (its process died): one day by default. Must
   * exceed the longest run, since it counts from the run's first event.
   */
  orphanTtlMs?: number;
  /**
   * Longest wait for Redis, in ms (default 10 s): past it a call rejects, but the command stays
   * queued and still runs, in order, once Redis is back.
   */
  commandTimeoutMs?: number;
  /** Told about connection trouble (at most once per outage and connection). */
  log?: (message: string) => void;
}

const defaultCommandTimeoutMs = 10_000;

const append = new LuaScript(appendScript);
const cancel = new LuaScript(cancelScript);
const end = new LuaScript(endScript);

/** A RunBus in Redis, shared by every replica. */
export class RedisBus implements RunBus {
  readonly #commands: Redis;
  readonly #subscriber: Redis;
  readonly #prefix: string;
  readonly #graceMs: number;
  readonly #orphanTtlMs: number;
  readonly #log: (message: string) => void;
  readonly #commandTimeoutMs: number;
  /** This bus's own append tokens: `<random>:<n>`. */
  readonly #tokenPrefix = randomToken(12);
  #appends = 0;
  /** Followed runs by event channel. */
  readonly #feeds = new Map<string, { feed: RunFeed; opened: Promise<void> }>();
  /** Cancel listeners by run id. */
  readonly #cancelListeners = new Map<string, Set<() => void>>();
  /** Broadcast listeners by topic; each topic with listeners is a subscribed channel. */
  readonly #broadcastListeners = new TopicListeners();
  #closed = false;

  private constructor(commands: Redis, subscriber: Redis, options: RedisBusOptions) {
    this.#commands = commands;
    this.#subscriber = subscriber;
    this.#prefix = options.keyPrefix ?? 'salon:';
    this.#graceMs = Math.max(1, Math.ceil(options.graceMs ?? defaultGraceMs));
    this.#orphanTtlMs = Math.max(this.#graceMs, options.orphanTtlMs ?? 24 * 3_600_000);
    this.#log = options.log ?? (() => undefined);
    this.#commandTimeoutMs = options.commandTimeoutMs ?? defaultCommandTimeoutMs;
  }

  /** Connects to `url`; rejects with a message naming the (redacted) URL when Redis is unreachable. */
  static async connect(url: string, options: RedisBusOptions = {}): Promise<RedisBus> {
    const log = options.log ?? (() => undefined);
    const commandTimeout = options.commandTimeoutMs ?? defaultCommandTimeoutMs;
    const commands = connection(url, 'commands', log, { commandTimeout });
    // Resubscribing is ours to do (see #resume): ioredis would only announce `ready` before it.
    const subscriber = connection(url, 'subscriber', log, {
      commandTimeout,
      autoResubscribe: false,
    });
    try {
      await Promise.all([commands.connect(), subscriber.connect()]);
    } catch (error) {
      commands.disconnect();
      subscriber.disconnect();
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`REDIS_URL: cannot connect to ${redact(url)}: ${reason}`, { cause: error });
    }
    const bus = new RedisBus(commands, subscriber, options);
    await bus.#listen();
    return bus;
  }

  async append(runId: string, event: NewRunEvent): Promise<number> {
    const keys = this.#keys(runId);
    const token = `${this.#tokenPrefix}:${++this.#appends}`;
    const data = JSON.stringify(event.data);
    const seq = await append
      .run(
        this.#commands,
        [keys.log, keys.meta],
        [event.type, data, token, keys.events, this.#orphanTtlMs],
      )
      .catch((error: unknown) => this.#unanswered(error));
    return Number(seq);
  }

  async read(runId: string, after: number): Promise<RunEvent[]> {
    const from = Math.max(0, Math.floor(after)) + 1;
    const entries = await this.#commands.xrange(this.#keys(runId).log, `${from}-0`, '+');
    return entries.map(([id, fields]) => toEvent(id, fields));
  }

  async subscribe(runId: string, listener: (event: RunEvent) => void): Promise<Unsubscribe> {
    const keys = this.#keys(runId);
    let followed = this.#feeds.get(keys.events);
    if (!followed) {
      const feed = new RunFeed(
        (after) => this.read(runId, after),
        (error) => this.#log(`Redis bus: cannot catch up on run ${runId}: ${messageOf(error)}`),
      );
      followed = { feed, opened: this.#open(feed, keys) };
      this.#feeds.set(keys.events, followed);
    }
    const { feed, opened } = followed;
    // Added before the feed starts, so no event announced after this resolves passes it by.
    const own = (event: RunEvent) => listener(event);
    feed.listeners.add(own);
    const stop = () => {
      feed.listeners.delete(own);
      if (feed.listeners.size || this.#feeds.get(keys.events)?.feed !== feed) return;
      this.#feeds.delete(keys.events);
      if (!this.#closed) this.#subscriber.unsubscribe(keys.events).catch(() => undefined);
    };
    try {
      await opened;
    } catch (error) {
      stop();
      throw error;
    }
    return stop;
  }

  async cancel(runId: string): Promise<void> {
    await cancel.run(
      this.#commands,
      [this.#keys(runId).cancel],
      [this.#graceMs, this.#cancelChannel, runId],
    );
  }

  async onCancel(runId: string, listener: () => void): Promise<Unsubscribe> {
    let called = false;
    const own = () => {
      if (called) return;
      called = true;
      listener();
    };
    let listeners = this.#cancelListeners.get(runId);
    if (!listeners) this.#cancelListeners.set(runId, (listeners = new Set()));
    listeners.add(own);
    const stop = () => {
      listeners.delete(own);
      if (!listeners.size && this.#cancelListeners.get(runId) === listeners) {
        this.#cancelListeners.delete(runId);
      }
    };
    try {
      // The cancel channel is subscribed before any listener exists: a cancel set after this
      // check is announced to us, one set before it is seen here.
      if (await this.#commands.exists(this.#keys(runId).cancel)) this.#cancelled(runId);
    } catch (error) {
      stop();
      this.#unanswered(error);
    }
    return stop;
  }

  async end(runId: string): Promise<void> {
    const keys = this.#keys(runId);
    await end.run(this.#commands, [keys.log, keys.meta, keys.cancel], [this.#graceMs]);
  }

  /**
   * Publishes to every replica subscribed at that moment, this one included. At most once: a
   * replica cut off from Redis then never gets it (its resume does not fetch broadcasts).
   */
  async broadcast(topic: string, message: string): Promise<void> {
    await this.#commands
      .publish(this.#broadcastChannel(topic), message)
      .catch((error: unknown) => this.#unanswered(error));
  }

  async onBroadcast(topic: string, listener: (message: string) => void): Promise<Unsubscribe> {
    const channel = this.#broadcastChannel(topic);
    const remove = this.#broadcastListeners.add(topic, listener);
    const stop = () => {
      if (remove() && !this.#closed) this.#subscriber.unsubscribe(channel).catch(() => undefined);
    };
    try {
      // Every call subscribes (idempotent in Redis): a second listener added while the first
      // one's SUBSCRIBE is still on its way must not resolve before it is live either.
      await this.#subscriber.subscribe(channel);
    } catch (error) {
      stop();
      this.#unanswered(error);
    }
    return stop;
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#feeds.clear();
    this.#cancelListeners.clear();
    this.#broadcastListeners.clear();
    await Promise.all(
      [this.#commands, this.#subscriber].map((redis) =>
        redis.quit().catch(() => redis.disconnect()),
      ),
    );
  }

  /**
   * Rethrows a command that waited past commandTimeoutMs as a SalonError saying so (ioredis says
   * only "Command timed out"), so that a run cut off by it tells its reader why; others as they are.
   */
  #unanswered(error: unknown): never {
    if (error instanceof Error && error.message === 'Command timed out') {
      throw unavailable(
        `Redis did not answer within ${this.#commandTimeoutMs / 1000} s.`,
        1,
        busUnavailableCode,
      );
    }
    throw error;
  }

  #keys(runId: string): RunKeys {
    return runKeys(this.#prefix, runId);
  }

  get #cancelChannel(): string {
    return `${this.#prefix}cancels`;
  }

  #broadcastChannel(topic: string): string {
    return `${this.#prefix}broadcast:${topic}`;
  }

  async #listen(): Promise<void> {
    const broadcastPrefix = this.#broadcastChannel('');
    this.#subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.#cancelChannel) this.#cancelled(message);
      else if (channel.startsWith(broadcastPrefix)) {
        const topic = channel.slice(broadcastPrefix.length);
        this.#broadcastListeners.deliver(topic, message, (error) =>
          this.#log(`Redis bus: a listener of ${topic} failed: ${messageOf(error)}`),
        );
      } else this.#feeds.get(channel)?.feed.receive(parseAnnouncement(message));
    });
    await this.#subscriber.subscribe(this.#cancelChannel);
    // Connected already: each `ready` from now on follows a reconnect.
    this.#subscriber.on('ready', () => void this.#resume());
  }

  // After a reconnect: subscribe again, then fetch what was announced while we were away (the
  // events from each log; the cancels from their flags). Subscribing first leaves no window.
  // Broadcasts sent meanwhile are lost: their listeners rely on expiry for those.
  async #resume(): Promise<void> {
    if (this.#closed) return;
    try {
      const broadcasts = [...this.#broadcastListeners.topics()].map((topic) =>
        this.#broadcastChannel(topic),
      );
      await this.#subscriber.subscribe(this.#cancelChannel, ...this.#feeds.keys(), ...broadcasts);
      await Promise.all([...this.#feeds.values()].map(({ feed }) => feed.catchUp()));
      for (const runId of [...this.#cancelListeners.keys()]) {
        if (await this.#commands.exists(this.#keys(runId).cancel)) this.#cancelled(runId);
      }
    } catch (error) {
      if (!this.#closed)
        this.#log(`Redis bus: could not resume after a reconnect: ${messageOf(error)}`);
    }
  }

  async #open(feed: RunFeed, keys: RunKeys): Promise<void> {
    await this.#subscriber.subscribe(keys.events);
    // Read once subscribed: every event numbered above this is announced to us.
    feed.start(Number((await this.#commands.hget(keys.meta, 'seq')) ?? 0));
  }

  #cancelled(runId: string): void {
    const listeners = this.#cancelListeners.get(runId);
    if (!listeners) return;
    this.#cancelListeners.delete(runId);
    for (const listener of listeners) listener();
  }
}

/** The key and channel names of one run. */
export interface RunKeys {
  /** The stream: one entry per event, id `<seq>-0`, fields `t` (type) and `d` (JSON data). */
  log: string;
  /** A hash: `seq` (the last number given) and `tok` (the last append's token). */
  meta: string;
  /** Set while the run is cancelled. */
  cancel: string;
  /** The channel announcing each new event. */
  events: string;
}

/** Names one run's keys; the hash tag keeps them in one Redis Cluster slot. */
export function runKeys(prefix: string, runId: string): RunKeys {
  const base = `${prefix}run:{${runId}}`;
  return {
    log: `${base}:log`,
    meta: `${base}:meta`,
    cancel: `${base}:cancel`,
    events: `${base}:events`,
  };
}

function connection(
  url: string,
  role: string,
  log: (message: string) => void,
  options: { commandTimeout: number; autoResubscribe?: boolean },
): Redis {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 3_000,
    // While Redis is unreachable, commands wait in order for it, never dropped: a run's events
    // all reach its log, its last one included. Callers stop waiting after commandTimeout.
    maxRetriesPerRequest: null,
    ...options,
  });
  let reported = false;
  redis.on('error', (error: Error) => {
    if (reported) return;
    reported = true;
    log(`Redis bus (${role}) at ${redact(url)}: ${error.message}`);
  });
  redis.on('ready', () => (reported = false));
  return redis;
}

function toEvent(id: string, fields: string[]): RunEvent {
  const values = new Map<string, string>();
  for (let i = 0; i < fields.length; i += 2) values.set(fields[i]!, fields[i + 1]!);
  return {
    seq: Number.parseInt(id, 10),
    type: values.get('t') ?? '',
    data: JSON.parse(values.get('d') ?? '{}') as Record<string, unknown>,
  };
}

// `seq\ndata\ntype`, as appendScript publishes it.
function parseAnnouncement(message: string): RunEvent {
  const first = message.indexOf('\n');
  const second = message.indexOf('\n', first + 1);
  return {
    seq: Number(message.slice(0, first)),
    type: message.slice(second + 1),
    data: JSON.parse(message.slice(first + 1, second)) as Record<string, unknown>,
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The URL without its password, for messages. */
function redact(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}
