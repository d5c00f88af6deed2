// Writes answers in small batches off the scoring path: one insert per ~100 ms or 64 answers
// instead of one per question (remote models answer hundreds per second). A crash loses at
// most the last batch, which a resumed run asks again.
import type { Kysely } from 'kysely';
import type { Database } from '../../store/database.js';
import { recordAnswers, type MmluAnswer } from './run-store.js';

const flushEveryMs = 100;
const flushAtCount = 64;

/** Buffers a run's answers and writes them in order. */
export class AnswerWriter {
  private pending: MmluAnswer[] = [];
  private writing: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private failure: unknown;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly runId: string,
  ) {}

  /** Queues an answer; throws the error of an earlier failed write. */
  add(answer: MmluAnswer): void {
    if (this.failure) throw this.failure;
    this.pending.push(answer);
    if (this.pending.length >= flushAtCount) void this.flush().catch(() => undefined);
    else this.timer ??= setTimeout(() => void this.flush().catch(() => undefined), flushEveryMs);
  }

  /** Writes everything queued so far; resolves once it is stored. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = [];
    this.writing = this.writing.then(async () => {
      if (this.failure) throw this.failure;
      try {
        await recordAnswers(this.db, this.runId, batch);
      } catch (error) {
        this.failure = error;
        throw error;
      }
    });
    return this.writing;
  }
}
