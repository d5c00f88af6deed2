// The usage ledger: one row per gateway request, written off the request path. `record` only
// queues the row; a timer writes the queue in one transaction every `flushIntervalMs` (or at once
// when `maxBatchRows` are waiting), as a few multi-row inserts of fixed sizes
// (usage-events-insert.ts). A failed write keeps its rows and is retried with backoff; only a
// queue past `maxPendingRows` (a database down for long) drops rows, and says so.
import type { Kysely } from 'kysely';
import { newTimeOrderedId } from '../lib/ids.js';
import { toTimestamp, type Database, type UsageEventsTable } from '../store/database.js';
import { UsageEventsInsert } from './usage-events-insert.js';
import { addToUsageDaily } from './usage-rollup.js';

/** One request's usage, as the caller knows it. */
export interface UsageRecord {
  /** When the request started (default: now). Budgets count it in this instant's period. */
  createdAt?: Date;
  userId?: string | null;
  apiKeyId?: string | null;
  orgId?: string | null;
  teamId?: string | null;
  endpoint: string;
  /** The model name the client asked for. */
  model: string;
  /** The target that served; null when none did. */
  target?: string | null;
  promptTokens?: number;
  completionTokens?: number;
  costUsd?: number | null;
  latencyMs: number;
  ttftMs?: number | null;
  /** The HTTP status sent to the client. */
  status: number;
  errorCode?: string | null;
}

/** Options for UsageLedger. */
export interface UsageLedgerOptions {
  /** How long a row may wait before it is written: 250 ms keeps dashboards near real time. */
  flushIntervalMs?: number;
  /** Rows per insert; a full batch is written at once. 16 columns × 200 rows stays far below
   * SQLite's and PostgreSQL's limits on bound parameters. */
  maxBatchRows?: number;
  /** Rows kept while the database refuses writes; older rows are dropped (and logged) past it. */
  maxPendingRows?: number;
  /** The longest wait between retries of a failed write. */
  maxRetryDelayMs?: number;
  log?: (message: string) => void;
}

type UsageRow = UsageEventsTable;

// Columns are `integer` (32-bit on PostgreSQL): a wild value must not poison every later batch.
const maxInteger = 2_147_483_647;

/** Queues usage rows and writes them in batches. */
export class UsageLedger {
  readonly #db: Kysely<Database>;
  readonly #flushIntervalMs: number;
  readonly #maxBatchRows: number;
  readonly #maxPendingRows: number;
  readonly #maxRetryDelayMs: number;
  readonly #log: (message: string) => void;
  #pending: UsageRow[] = [];
  #timer?: NodeJS.Timeout;
  #writing?: Promise<void>;
  #failures = 0;
  #closed = false;
  readonly #insertEvents = new UsageEventsInsert();

  constructor(db: Kysely<Database>, options: UsageLedgerOptions = {}) {
    this.#db = db;
    this.#flushIntervalMs = options.flushIntervalMs ?? 250;
    this.#maxBatchRows = options.maxBatchRows ?? 200;
    this.#maxPendingRows = options.maxPendingRows ?? 100_000;
    this.#maxRetryDelayMs = options.maxRetryDelayMs ?? 30_000;
    this.#log = options.log ?? ((message) => console.error(`salon: ${message}`));
  }

  /** Rows queued and not yet written. */
  get pendingRows(): number {
    return this.#pending.length;
  }

  /** Queues one row; never blocks and never throws. */
  record(record: UsageRecord): void {
    if (this.#closed) {
      this.#log(`usage ledger closed: a row for ${record.endpoint} was not recorded`);
      return;
    }
    this.#pending.push(toRow(record));
    const excess = this.#pending.length - this.#maxPendingRows;
    if (excess > 0) {
      this.#pending.splice(0, excess);
      this.#log(`usage ledger: dropped ${excess} unwritten row(s), the queue is full`);
    }
    if (this.#pending.length >= this.#maxBatchRows && this.#failures === 0 && !this.#writing) {
      this.#writeSoon(0);
    } else if (!this.#timer) {
      this.#writeSoon(this.#failures ? this.#retryDelay() : this.#flushIntervalMs);
    }
  }

  /** Writes every queued row; rejects (keeping the rows for a retry) when the database refuses. */
  async flush(): Promise<void> {
    this.#clearTimer();
    while (this.#writing) await this.#writing.catch(() => undefined);
    while (this.#pending.length > 0) {
      const batch = this.#pending.splice(0, this.#maxBatchRows);
      this.#writing = this.#insert(batch);
      try {
        await this.#writing;
        this.#failures = 0;
      } catch (error) {
        this.#pending.unshift(...batch);
        this.#failures++;
        const reason = error instanceof Error ? error.message : String(error);
        this.#log(`usage ledger: writing ${batch.length} row(s) failed, will retry: ${reason}`);
        if (!this.#closed) this.#writeSoon(this.#retryDelay());
        throw error;
      } finally {
        this.#writing = undefined;
      }
    }
  }

  /** Stops the timer and writes what is queued, retrying a few times; logs what it could not write. */
  async close(attempts = 3): Promise<void> {
    this.#closed = true;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        return await this.flush();
      } catch {
        if (attempt < attempts) await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
      }
    }
    this.#clearTimer();
    this.#log(`usage ledger: ${this.#pending.length} row(s) could not be written and are lost`);
    this.#pending = [];
  }

  // One transaction: the daily rollup analytics read moves with the ledger, or neither does.
  async #insert(rows: UsageRow[]): Promise<void> {
    await this.#db.transaction().execute(async (trx) => {
      await this.#insertEvents.run(trx, rows);
      await addToUsageDaily(trx, rows);
    });
  }

  #writeSoon(delayMs: number): void {
    this.#clearTimer();
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.flush().catch(() => undefined); // logged and rescheduled by flush
    }, delayMs);
    // A process may exit with rows queued only through close(), which writes them first.
    this.#timer.unref();
  }

  #retryDelay(): number {
    return Math.min(this.#maxRetryDelayMs, this.#flushIntervalMs * 2 ** this.#failures);
  }

  #clearTimer(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}

function toRow(record: UsageRecord): UsageRow {
  const cost = record.costUsd;
  return {
    // Time-ordered: a batch's keys append to the primary key's index instead of each dirtying a
    // random page of it.
    id: newTimeOrderedId('usage'),
    created_at: toTimestamp(record.createdAt ?? new Date()),
    user_id: record.userId ?? null,
    api_key_id: record.apiKeyId ?? null,
    org_id: record.orgId ?? null,
    team_id: record.teamId ?? null,
    endpoint: record.endpoint,
    model: record.model,
    target: record.target ?? null,
    prompt_tokens: count(record.promptTokens) ?? 0,
    completion_tokens: count(record.completionTokens) ?? 0,
    cost_usd: cost !== undefined && cost !== null && Number.isFinite(cost) ? cost : null,
    latency_ms: count(record.latencyMs) ?? 0,
    ttft_ms: count(record.ttftMs),
    status: count(record.status) ?? 0,
    error_code: record.errorCode ?? null,
  };
}

function count(value: number | null | undefined): number | null {
  if (value === undefined || value === null || !Number.isFinite(value)) return null;
  return Math.min(maxInteger, Math.max(0, Math.round(value)));
}
