// A lease on a background job, so that with several replicas one runs it at a time. The lease is
// a row in `settings` (`lease:<job>`) holding its holder and expiry as JSON. Taking it is an
// insert that does nothing on a conflict, or a compare-and-swap update (`where value = <what was
// read>`) once the holder's time is up: both are single statements that SQLite and PostgreSQL
// each apply to one writer only, so two replicas racing for it cannot both win.
import type { Kysely } from 'kysely';
import { randomToken } from '../lib/ids.js';
import { toTimestamp, type Database } from '../store/database.js';

interface LeaseValue {
  holder: string;
  expiresAt: string;
}

function parseLease(value: string): LeaseValue | undefined {
  try {
    const parsed = JSON.parse(value) as Partial<LeaseValue>;
    if (typeof parsed.holder === 'string' && typeof parsed.expiresAt === 'string') {
      return { holder: parsed.holder, expiresAt: parsed.expiresAt };
    }
  } catch {
    // an unreadable row is treated as expired, and replaced
  }
  return undefined;
}

/** One process's claim on a job; `acquire` again to renew it before it expires. */
export class JobLease {
  /** Who holds it: unique per JobLease, so two schedulers in one process are told apart too. */
  readonly holder = `holder_${randomToken(12)}`;
  readonly #key: string;
  /** The value this lease last wrote, which `release` and the next renewal compare against. */
  #written?: string;

  constructor(
    private readonly db: Kysely<Database>,
    job: string,
    private readonly ttlMs: number,
  ) {
    this.#key = `lease:${job}`;
  }

  /** Takes the lease, or renews it when held here; false while another holder's is unexpired. */
  async acquire(now: Date = new Date()): Promise<boolean> {
    const value = JSON.stringify({
      holder: this.holder,
      expiresAt: toTimestamp(new Date(now.getTime() + this.ttlMs)),
    } satisfies LeaseValue);
    const inserted = await this.db
      .insertInto('settings')
      .values({ key: this.#key, value, updated_at: toTimestamp(now) })
      .onConflict((conflict) => conflict.column('key').doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1) return this.#took(value);

    const row = await this.db
      .selectFrom('settings')
      .select('value')
      .where('key', '=', this.#key)
      .executeTakeFirst();
    if (!row) return false; // released between the two statements: try again next time
    const current = parseLease(row.value);
    const ours = current?.holder === this.holder;
    if (current && !ours && current.expiresAt > toTimestamp(now)) return false;
    const updated = await this.db
      .updateTable('settings')
      .set({ value, updated_at: toTimestamp(now) })
      .where('key', '=', this.#key)
      .where('value', '=', row.value)
      .executeTakeFirst();
    return Number(updated.numUpdatedRows) === 1 ? this.#took(value) : false;
  }

  /** Gives the lease up, if this process still holds it. */
  async release(): Promise<void> {
    if (!this.#written) return;
    await this.db
      .deleteFrom('settings')
      .where('key', '=', this.#key)
      .where('value', '=', this.#written)
      .execute();
    this.#written = undefined;
  }

  #took(value: string): true {
    this.#written = value;
    return true;
  }
}
