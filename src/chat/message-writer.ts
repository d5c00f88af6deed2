// Writes a streaming reply's text to its row as it grows, and its final state at the end.
import type { Kysely } from 'kysely';
import type { Usage } from '../gateway/types.js';
import { toTimestamp, type Database, type MessageStatus } from '../store/database.js';

/**
 * How often the growing text is written. Clients follow the bus, not the row, so this only
 * bounds what a crash loses and what a reload shows; 250 ms is also far below any threshold at
 * which a run would be judged dead from a stale row (leases count in tens of seconds).
 */
export const defaultFlushIntervalMs = 250;

/** How a reply ended. */
export interface FinalState {
  status: Exclude<MessageStatus, 'streaming'>;
  error: string | null;
  usage: Usage | null;
}

/** Accumulates one assistant message's text and flushes it to the database. */
export class MessageWriter {
  private text = '';
  private written = '';
  private timer?: NodeJS.Timeout;
  // Writes run one after another so an older flush can never land after a newer one.
  private writes: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly messageId: string,
    private readonly intervalMs: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** The text so far. */
  get content(): string {
    return this.text;
  }

  /** Adds text; it reaches the row within the flush interval. */
  append(text: string): void {
    this.text += text;
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.enqueue(() => this.flush());
    }, this.intervalMs);
  }

  /**
   * Writes the whole text with the final status, after any pending flush. False when the row was
   * no longer streaming: another replica judged the run abandoned and ended it (run-leases.ts).
   * True when the row is gone (its conversation or account was deleted mid-run): nobody else
   * ended the run, so its followers still need the last event from this one.
   */
  async finish(state: FinalState): Promise<boolean> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.writes;
    const result = await this.db
      .updateTable('messages')
      .set({
        content: this.text,
        status: state.status,
        error: state.error,
        prompt_tokens: state.usage?.promptTokens ?? null,
        completion_tokens: state.usage?.completionTokens ?? null,
        updated_at: toTimestamp(),
      })
      .where('id', '=', this.messageId)
      .where('status', '=', 'streaming')
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 1) return true;
    const row = await this.db
      .selectFrom('messages')
      .select('id')
      .where('id', '=', this.messageId)
      .executeTakeFirst();
    return row === undefined;
  }

  private enqueue(write: () => Promise<void>): void {
    this.writes = this.writes.then(write).catch(this.onError);
  }

  private async flush(): Promise<void> {
    const text = this.text;
    if (text === this.written) return;
    // Only while streaming: a row already marked otherwise (interrupted by a restart of another
    // process) is not brought back by a late flush.
    await this.db
      .updateTable('messages')
      .set({ content: text, updated_at: toTimestamp() })
      .where('id', '=', this.messageId)
      .where('status', '=', 'streaming')
      .execute();
    this.written = text;
  }
}
