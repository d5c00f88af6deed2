// Durable runs: a reply is generated off the request that asked for it. The run streams from
// the gateway, appends numbered events to the bus (any client, on any replica, follows them)
// and flushes its text to the message row. Stop arrives as a bus cancel signal, from any
// replica; shutting down marks the runs still going as interrupted, their text kept. Each run is
// leased to this replica (run-leases.ts): renewed while it runs, so that the other replicas take
// over only the runs of a replica that died, and this one sweeps for theirs. A run
// admitted by governance (quotas, model access) is settled with its usage once it has ended: one
// usage ledger row per reply, and its tokens counted against the caller's budgets.
import { sql, type Kysely } from 'kysely';
import type { RunBus, Unsubscribe } from '../bus/bus.js';
import type { Gateway } from '../gateway/gateway.js';
import type { ChatMessage, FinishReason, Usage } from '../gateway/types.js';
import type { PriceConfig } from '../config/schema.js';
import type { Admission, Governance, UsageOutcome } from '../governance/governance.js';
import { isSalonError, unavailable } from '../lib/errors.js';
import type { Database } from '../store/database.js';
import { defaultFlushIntervalMs, MessageWriter, type FinalState } from './message-writer.js';
import { randomToken } from '../lib/ids.js';
import { retryWhileDatabaseAway } from './retry-while-database-away.js';
import { describeRunFailure } from './run-failure.js';
import {
  defaultRunHeartbeatMs,
  expiryIntervals,
  interruptAbandonedRuns,
  RunLeases,
} from './run-leases.js';
import { errorEvent, finishEvent, textDeltaEvent } from './run-events.js';

/** What a run generates, and where it writes. */
export interface RunStart {
  runId: string;
  /** The assistant message, already stored as `streaming`. */
  messageId: string;
  conversationId: string;
  model: string;
  messages: ChatMessage[];
  /** The reply's admission, settled with its usage when the run ends. */
  admission?: Admission;
}

/** How a run ended, with the text it produced. */
export interface RunOutcome extends FinalState {
  text: string;
}

/** What the run manager works with. */
export interface RunManagerOptions {
  db: Kysely<Database>;
  bus: RunBus;
  gateway: Gateway;
  /** Settles each run's admission (the usage ledger, budgets). */
  governance?: Pick<Governance, 'settle'>;
  flushIntervalMs?: number;
  /** Most tokens per reply; the provider's own limit when unset. */
  maxTokens?: number;
  /**
   * Called once a run's end is stored and published (titles hook in here). Not awaited by the
   * run; `close` aborts `signal` and waits for it.
   */
  onSettled?(run: RunStart, outcome: RunOutcome, signal: AbortSignal): Promise<void> | void;
  /** This process among the replicas (default: a new random id), the owner of its runs. */
  replicaId?: string;
  /** How often run leases are renewed and abandoned runs swept (default 5 s). */
  heartbeatMs?: number;
  log?(message: string, error?: unknown): void;
}

/** A new random replica id, e.g. `replica_k3h9x2ab`. */
export function newReplicaId(): string {
  return `replica_${randomToken(8)}`;
}

// `lost`: another replica judged the run abandoned (this one missed its renewals) and ended it.
type AbortReason = 'stop' | 'shutdown' | 'lost';

const interruptedMessage = 'The server stopped before the reply was finished.';

/** Starts runs and keeps track of the ones this process is generating. */
export class RunManager {
  private readonly active = new Map<
    string,
    {
      runId: string;
      messageId: string;
      controller: AbortController;
      done: Promise<void>;
      /** Generation is over and the end is being stored. */
      ending?: boolean;
    }
  >();
  private readonly afterRuns = new Set<Promise<void>>();
  private readonly closing = new AbortController();
  private closed = false;
  private drainStarted = false;
  private readonly leases: RunLeases;
  private readonly heartbeatMs: number;
  private readonly leaseTimer: NodeJS.Timeout;
  private leaseTick?: Promise<void>;
  /** A lease tick failed (the database did not answer); cleared once it answers again. */
  private databaseLost = false;
  /** No sweep before this time (ms since the epoch): set when the database comes back. */
  private sweepNotBefore = 0;

  constructor(private readonly options: RunManagerOptions) {
    this.leases = new RunLeases(options.db, options.replicaId ?? newReplicaId());
    this.heartbeatMs = options.heartbeatMs ?? defaultRunHeartbeatMs;
    this.leaseTimer = setInterval(() => void this.tendLeases(), this.heartbeatMs).unref();
  }

  /** This replica's id: the owner written on the runs it generates. */
  get replicaId(): string {
    return this.leases.replicaId;
  }

  /**
   * Renews this replica's run leases (one statement), stops the runs it lost, then marks the runs
   * of dead replicas interrupted. Runs every heartbeat; call it to sweep at once (start-up).
   */
  tendLeases(now = new Date()): Promise<void> {
    this.leaseTick ??= this.tend(now).finally(() => (this.leaseTick = undefined));
    return this.leaseTick;
  }

  private async tend(now: Date): Promise<void> {
    try {
      for (const messageId of await this.leases.renew(now)) {
        const run = [...this.active.values()].find((entry) => entry.messageId === messageId);
        // Its end was stored while the renewal ran: the row is no longer streaming, not lost.
        if (run?.ending) continue;
        this.log(`run ${run?.runId ?? messageId}: another replica took it over; stopping`);
        run?.controller.abort('lost' satisfies AbortReason);
      }
      if (this.databaseLost) {
        // The renewal may have touched no row: make sure the database answers.
        await sql`select 1`.execute(this.options.db);
        this.databaseLost = false;
        this.sweepNotBefore = Date.now() + this.heartbeatMs * expiryIntervals;
        this.log('the database answers again; sweeping for abandoned replies resumes shortly');
      }
      if (Date.now() < this.sweepNotBefore) return;
      const expiredBefore = new Date(now.getTime() - this.heartbeatMs * expiryIntervals);
      const swept = await interruptAbandonedRuns(this.options, expiredBefore);
      if (swept.length) {
        const owners = [...new Set(swept.map((run) => run.owner ?? 'an earlier process'))];
        this.log(
          `marked ${swept.length} repl${swept.length === 1 ? 'y' : 'ies'} of ${owners.join(', ')} interrupted (no heartbeat)`,
        );
      }
    } catch (error) {
      // Once the database is back every lease looks expired, the other replicas' live ones too:
      // sweep again only after they have had as long to renew as a lease lasts.
      this.databaseLost = true;
      this.log('renewing run leases failed', error);
    }
  }

  /** Starts generating in the background; the message must already be stored as `streaming`. */
  start(run: RunStart): void {
    if (this.closed) {
      const error = unavailable('Salon is shutting down.');
      if (run.admission) {
        this.options.governance?.settle(run.admission, {
          latencyMs: 0,
          status: error.status,
          errorCode: error.code,
        });
      }
      throw error;
    }
    const controller = new AbortController();
    const done = this.execute(run, controller)
      .catch((error: unknown) => this.log(`run ${run.runId} failed`, error))
      .finally(() => this.active.delete(run.runId));
    this.active.set(run.runId, { runId: run.runId, messageId: run.messageId, controller, done });
  }

  /** Asks the run to stop, wherever it runs. */
  stop(runId: string): Promise<void> {
    return this.options.bus.cancel(runId);
  }

  /** Resolves once the run has ended here (at once when it is not running in this process). */
  async settled(runId: string): Promise<void> {
    await this.active.get(runId)?.done;
  }

  /** How many runs this process is generating. */
  get activeCount(): number {
    return this.active.size;
  }

  /** True once a graceful shutdown began: readiness turns off so load balancers go elsewhere. */
  get draining(): boolean {
    return this.drainStarted || this.closed;
  }

  /**
   * Gives the running runs (and any a request in flight still starts) up to `waitMs` to finish on
   * their own, renewing their leases meanwhile; then `close` interrupts the rest, text kept.
   */
  async drain(waitMs: number): Promise<void> {
    this.drainStarted = true;
    const deadline = performance.now() + waitMs;
    while (this.active.size && performance.now() < deadline) {
      let timer: NodeJS.Timeout | undefined;
      const wait = Math.min(deadline - performance.now(), 100);
      const runs = Promise.all([...this.active.values()].map((run) => run.done));
      await Promise.race([runs, new Promise((resolve) => (timer = setTimeout(resolve, wait)))]);
      clearTimeout(timer);
    }
    await this.close();
  }

  /** Interrupts every run still going and waits until their state is stored. */
  async close(): Promise<void> {
    this.closed = true;
    const runs = [...this.active.values()];
    for (const run of runs) run.controller.abort('shutdown' satisfies AbortReason);
    await Promise.all(runs.map((run) => run.done));
    clearInterval(this.leaseTimer);
    await this.leaseTick;
    this.closing.abort();
    await Promise.all(this.afterRuns);
  }

  private async execute(run: RunStart, controller: AbortController): Promise<void> {
    const { bus, db, gateway } = this.options;
    const writer = new MessageWriter(
      db,
      run.messageId,
      this.options.flushIntervalMs ?? defaultFlushIntervalMs,
      (error) => this.log(`run ${run.runId}: could not save the text so far`, error),
    );
    let stopListening: Unsubscribe = () => undefined;
    let finishReason: FinishReason = 'stop';
    let usage: Usage | null = null;
    let failure: unknown;
    const meter = new RunMeter();
    try {
      const claimed = await retryWhileDatabaseAway(() => this.leases.claim(run.messageId), {
        signal: controller.signal,
        onRetry: (error) => this.log(`run ${run.runId}: the database is away; waiting`, error),
      });
      if (!claimed) controller.abort('lost');
      stopListening = await bus.onCancel(run.runId, () => controller.abort('stop'));
      const started = await gateway.chat(run.model, {
        messages: run.messages,
        maxTokens: this.options.maxTokens,
        signal: controller.signal,
      });
      meter.served(started);
      for await (const part of started.parts) {
        if (part.type === 'finish') {
          finishReason = part.finishReason;
          usage = part.usage ?? null;
        } else if (part.text) {
          meter.firstToken();
          writer.append(part.text);
          await bus.append(run.runId, textDeltaEvent(part.text));
        }
      }
    } catch (error) {
      failure = error;
    }
    const reason = controller.signal.aborted
      ? (controller.signal.reason as AbortReason)
      : undefined;
    const { state, event } = this.ending(reason, failure, finishReason, usage);
    if (state.status === 'error') this.log(`run ${run.runId}: the model failed`, failure);
    // The row first: a client that sees the last event and reloads finds the final state. A row
    // no longer streaming was ended by the replica that took the run over, with its last event.
    // The lease is renewed until the end is stored, so that a run waiting for the database to
    // come back is not taken for abandoned.
    const active = this.active.get(run.runId);
    if (active) active.ending = true;
    const stored = await this.storeEnd(run.runId, writer, state);
    this.leases.release(run.messageId);
    if (run.admission) {
      const outcome = meter.outcome(state.status, failure, usage);
      this.options.governance?.settle(run.admission, outcome);
    }
    if (stored) {
      await bus.append(run.runId, event);
      await bus.end(run.runId);
    }
    stopListening();
    const outcome = { ...state, text: writer.content };
    const afterRun = Promise.resolve()
      .then(() => this.options.onSettled?.(run, outcome, this.closing.signal))
      .catch((error: unknown) => this.log(`run ${run.runId}: after the run`, error))
      .finally(() => this.afterRuns.delete(afterRun));
    this.afterRuns.add(afterRun);
  }

  /**
   * Writes the run's final state, retrying while the database does not answer (a restart, a
   * fail-over): the text is complete in memory, and giving up would leave the row to the sweep,
   * which ends it `interrupted` although it finished. True when the end is stored, or given up on
   * (the followers then still get the last event).
   */
  private async storeEnd(runId: string, writer: MessageWriter, state: FinalState) {
    try {
      return await retryWhileDatabaseAway(() => writer.finish(state), {
        onRetry: (error) => this.log(`run ${runId}: could not save its end yet; retrying`, error),
      });
    } catch (error) {
      this.log(`run ${runId}: could not save its end; a sweep will end its row`, error);
      return true;
    }
  }

  private ending(
    reason: AbortReason | undefined,
    failure: unknown,
    finishReason: FinishReason,
    usage: Usage | null,
  ) {
    if (reason === 'shutdown' || reason === 'lost') {
      return {
        state: { status: 'interrupted', error: interruptedMessage, usage } satisfies FinalState,
        event: errorEvent(interruptedMessage),
      };
    }
    if (reason === 'stop' || finishReason === 'abort') {
      return {
        state: { status: 'stopped', error: null, usage } satisfies FinalState,
        event: finishEvent('abort', usage),
      };
    }
    if (failure !== undefined) {
      const message = describeRunFailure(failure);
      return {
        state: { status: 'error', error: message, usage } satisfies FinalState,
        event: errorEvent(message),
      };
    }
    return {
      state: { status: 'complete', error: null, usage } satisfies FinalState,
      event: finishEvent(finishReason, usage),
    };
  }

  private log(message: string, error?: unknown): void {
    if (this.options.log) this.options.log(message, error);
    else console.error(`salon: ${message}`, error ?? '');
  }
}

/** What the usage ledger learns of one run: who served, when the first token came, how it ended. */
class RunMeter {
  readonly #startedAt = performance.now();
  #firstTokenAt?: number;
  #served?: { target: string; price?: PriceConfig };

  served(started: { target: string; price?: PriceConfig }): void {
    this.#served = started;
  }

  firstToken(): void {
    this.#firstTokenAt ??= performance.now();
  }

  /**
   * The ledger's view: a run the gateway never started carries the error's status; one that
   * started is a 200 whose error code says how it ended, if not complete (`stopped`,
   * `interrupted`, or the model's error).
   */
  outcome(status: FinalState['status'], failure: unknown, usage: Usage | null): UsageOutcome {
    const code = (error: unknown) => (isSalonError(error) ? error.code : 'internal_error');
    const errorCode =
      status === 'complete' ? undefined : status === 'error' ? code(failure) : status;
    const httpStatus =
      this.#served || status !== 'error' ? 200 : isSalonError(failure) ? failure.status : 500;
    return {
      target: this.#served?.target,
      price: this.#served?.price,
      promptTokens: usage?.promptTokens,
      completionTokens: usage?.completionTokens,
      latencyMs: performance.now() - this.#startedAt,
      ttftMs: this.#firstTokenAt === undefined ? undefined : this.#firstTokenAt - this.#startedAt,
      status: httpStatus,
      errorCode,
    };
  }
}
