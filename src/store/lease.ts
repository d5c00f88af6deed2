// A named lease, so that with several replicas one of them does a thing at a time (the retention
// job, any periodic cluster-wide work). The lease is a row in `settings` (`lease:<name>`) holding
// its holder and expiry as JSON. Taking it is an
// insert that does nothing on a conflict, or a compare-and-swap update (`where value = <what was
// read>`) once the holder's time is up: both are single statements that SQLite and PostgreSQL
// each apply to one writer only, so two replicas racing for it cannot both win. Expiry compares
// the replicas' clocks: they must agree (NTP) to well within a lease's time to live.
import type { Kysely } from 'kysely';
import { randomToken } from '../lib/ids.js';
import { toTimestamp, type Database } from './database.js';

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

/** Options of a lease. */
export interface LeaseOptions {
  /**
   * Names the holder, e.g. the replica id, so an operator reading the row can tell who holds it;
   * a random suffix keeps two leases of one process apart.
   */
  holderPrefix?: string;
}

/** One claim on a named lease; `acquire` again to renew it before it expires. */
export class Lease {
  /** Who holds it: unique per Lease, so two schedulers in one process are told apart too. */
  readonly holder: string;
  readonly #key: string;
  /** The value this lease last wrote, which `release` and the next renewal compare against. */
  #written?: string;

  constructor(
    private readonly db: Kysely<Database>,
    name: string,
    private readonly ttlMs: number,
    options: LeaseOptions = {},
  ) {
    this.#key = `lease:${name}`;
    this.holder = `${options.holderPrefix ?? 'holder'}_${randomToken(12)}`;
  }

  /** Whether this claim holds the lease as of its last `acquire` (it may have expired since). */
  get held(): boolean {
    return this.#written !== undefined;
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
    if (!row) return this.#lost(); // released between the two statements: try again next time
    const current = parseLease(row.value);
    const ours = current?.holder === this.holder;
    if (current && !ours && current.expiresAt > toTimestamp(now)) return this.#lost();
    const updated = await this.db
      .updateTable('settings')
      .set({ value, updated_at: toTimestamp(now) })
      .where('key', '=', this.#key)
      .where('value', '=', row.value)
      .executeTakeFirst();
    return Number(updated.numUpdatedRows) === 1 ? this.#took(value) : this.#lost();
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

  #lost(): false {
    this.#written = undefined;
    return false;
  }
}
