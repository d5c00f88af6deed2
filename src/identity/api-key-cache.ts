// A short-lived in-process cache of API keys read by `verifyApiKey`, so most requests skip the
// database. A change to a key or its owner evicts it here at once and, through the bus, on every
// other replica (api-key-evictions.ts). That notice can be lost (Redis pub/sub delivers at most
// once), so entries still expire: a key revoked elsewhere stays accepted here `ttlMs` at most.

// The bound on revocation across replicas when an eviction notice is lost: documented in
// `verifyApiKey`, docs/scale-out.md and the CLI.
const ttlMs = 5_000;
// Enough for every active key of a large instance; past it the oldest entries go first.
const maxEntries = 10_000;

interface Entry<T> {
  value: T;
  expiresAt: number;
}

/** Keys as last read from the database, by key hash, each kept `ttlMs` from that read. */
export class ApiKeyCache<T extends { id: string }> {
  readonly #entries = new Map<string, Entry<T>>();
  #evictions = 0;

  /**
   * Changes at each eviction. Take it before reading a key from the database and hand it to
   * `set`: a read that raced with an eviction may hold the state from before the change.
   */
  get generation(): number {
    return this.#evictions;
  }

  /** The cached value for this key hash, if still fresh. */
  get(keyHash: string, now = Date.now()): T | undefined {
    const entry = this.#entries.get(keyHash);
    if (!entry) return undefined;
    if (entry.expiresAt > now) return entry.value;
    this.#entries.delete(keyHash);
    return undefined;
  }

  /**
   * Remembers a key just read from the database for `ttlMs`, unless something was evicted since
   * `generation` was taken (the read may then predate the change that evicted it).
   */
  set(keyHash: string, value: T, generation: number, now = Date.now()): void {
    if (generation !== this.#evictions) return;
    this.#entries.delete(keyHash); // re-inserting moves it to the young end of the Map's order
    this.#entries.set(keyHash, { value, expiresAt: now + ttlMs });
    if (this.#entries.size > maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
  }

  /** Forgets the keys with these ids (after a revocation, or a change to their owner). */
  evict(ids: Iterable<string>): void {
    this.#evictions++;
    const evicted = new Set(ids);
    for (const [hash, entry] of this.#entries)
      if (evicted.has(entry.value.id)) this.#entries.delete(hash);
  }
}
