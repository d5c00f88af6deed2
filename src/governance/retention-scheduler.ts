// Runs the retention job inside `salon serve`: shortly after start, then every few minutes. Each
// run first takes the `retention` lease (store/lease.ts), renewed between batches, so with several
// replicas one of them runs it at a time; the others skip their turn. `stop` cancels the timer and
// waits for a run in progress to finish its current batch.
import type { RetentionConfig } from '../config/schema.js';
import { Lease } from '../store/lease.js';
import { runRetention, type RetentionOptions, type RetentionReport } from './retention.js';

/** What the scheduler needs. */
export interface RetentionSchedulerOptions extends Omit<
  RetentionOptions,
  'temporaryIdleMinutes' | 'now' | 'shouldContinue'
> {
  /** salon.yaml's `retention:` section, as read at start. */
  config: RetentionConfig;
  /** Delay before the first run (default 30 s: after start-up, not during it). */
  firstRunDelayMs?: number;
  /**
   * How long a lease lasts unless renewed (default 5 minutes). Renewed before every batch, so it
   * must stay well above one batch's duration, or a second replica could start alongside.
   */
  leaseTtlMs?: number;
  log?(message: string, error?: unknown): void;
}

/** Schedules retention runs and runs them one at a time across replicas. */
export class RetentionScheduler {
  readonly #options: RetentionSchedulerOptions;
  readonly #lease: Lease;
  #timer?: NodeJS.Timeout;
  #running?: Promise<RetentionReport | null>;
  #stopped = false;

  constructor(options: RetentionSchedulerOptions) {
    this.#options = options;
    this.#lease = new Lease(options.store.db, 'retention', options.leaseTtlMs ?? 5 * 60_000);
  }

  /** Schedules the first run; later ones follow every `interval_minutes`. */
  start(): void {
    this.#schedule(this.#options.firstRunDelayMs ?? 30_000);
  }

  /**
   * Runs the job now if this process gets the lease; null when another holds it. Failures are
   * logged and reported as null: the next run tries again, and deletions are idempotent.
   */
  runOnce(): Promise<RetentionReport | null> {
    this.#running ??= this.#run().finally(() => (this.#running = undefined));
    return this.#running;
  }

  /** Cancels the timer and waits for a run in progress (it stops after its current batch). */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  async #run(): Promise<RetentionReport | null> {
    const { config, log = defaultLog } = this.#options;
    try {
      if (this.#stopped || !(await this.#lease.acquire())) return null;
      try {
        const report = await runRetention({
          ...this.#options,
          temporaryIdleMinutes: config.temporary_idle_minutes,
          shouldContinue: async () => !this.#stopped && (await this.#lease.acquire()),
        });
        for (const org of report.orgs) {
          log(
            `retention: deleted ${org.conversations} conversation(s) (${org.temporary} temporary) in ${org.orgId}`,
          );
        }
        return report;
      } finally {
        await this.#lease.release();
      }
    } catch (error) {
      log('retention run failed', error);
      return null;
    }
  }

  #schedule(delayMs: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      void this.runOnce().finally(() => {
        this.#schedule(this.#options.config.interval_minutes * 60_000);
      });
    }, delayMs);
    // Never what keeps a process alive: the server is, and `stop` clears it on shutdown.
    this.#timer.unref();
  }
}

function defaultLog(message: string, error?: unknown): void {
  console.error(`salon: ${message}${error instanceof Error ? `: ${error.message}` : ''}`);
}
