// Durable runs: a reply is generated off the request that asked for it. The run streams from
// the gateway, appends numbered events to the bus (any client, on any replica, follows them)
// and flushes its text to the message row. Stop arrives as a bus cancel signal, from any
// replica; shutting down marks the runs still going as interrupted, their text kept. A run
// admitted by governance (quotas, model access) is settled with its usage once it has ended: one
// usage ledger row per reply, and its tokens counted against the caller's budgets.
import type { Kysely } from 'kysely';
import type { RunBus, Unsubscribe } from '../bus/bus.js';
import type { Gateway } from '../gateway/gateway.js';
import type { ChatMessage, FinishReason, Usage } from '../gateway/types.js';
import type { PriceConfig } from '../config/schema.js';
import type { Admission, Governance, UsageOutcome } from '../governance/governance.js';
import { isSalonError, unavailable } from '../lib/errors.js';
import type { Database } from '../store/database.js';
import { defaultFlushIntervalMs, MessageWriter, type FinalState } from './message-writer.js';
import { describeRunFailure } from './run-failure.js';
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
  log?(message: string, error?: unknown): void;
}

type AbortReason = 'stop' | 'shutdown';

const interruptedMessage = 'The server stopped before the reply was finished.';

/** Starts runs and keeps track of the ones this process is generating. */
export class RunManager {
  private readonly active = new Map<string, { controller: AbortController; done: Promise<void> }>();
  private readonly afterRuns = new Set<Promise<void>>();
  private readonly closing = new AbortController();
  private closed = false;

  constructor(private readonly options: RunManagerOptions) {}

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
    this.active.set(run.runId, { controller, done });
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

  /** Interrupts every run still going and waits until their state is stored. */
  async close(): Promise<void> {
    this.closed = true;
    const runs = [...this.active.values()];
    for (const run of runs) run.controller.abort('shutdown' satisfies AbortReason);
    await Promise.all(runs.map((run) => run.done));
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
    // The row first: a client that sees the last event and reloads finds the final state.
    await writer.finish(state).catch((error: unknown) => {
      this.log(`run ${run.runId}: could not save its end`, error);
    });
    if (run.admission) {
      const outcome = meter.outcome(state.status, failure, usage);
      this.options.governance?.settle(run.admission, outcome);
    }
    await bus.append(run.runId, event);
    await bus.end(run.runId);
    stopListening();
    const outcome = { ...state, text: writer.content };
    const afterRun = Promise.resolve()
      .then(() => this.options.onSettled?.(run, outcome, this.closing.signal))
      .catch((error: unknown) => this.log(`run ${run.runId}: after the run`, error))
      .finally(() => this.afterRuns.delete(afterRun));
    this.afterRuns.add(afterRun);
  }

  private ending(
    reason: AbortReason | undefined,
    failure: unknown,
    finishReason: FinishReason,
    usage: Usage | null,
  ) {
    if (reason === 'shutdown') {
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
