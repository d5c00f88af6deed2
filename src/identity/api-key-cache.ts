// A short-lived in-process cache of API keys read by `verifyApiKey`, so most requests skip the
// database. Bound: a key revoked, or whose user was disabled, by ANOTHER process stays accepted
// here for at most `ttlMs` (expiry is checked on every call; `revokeApiKey` here evicts at once).

// The promised bound on revocation across replicas: documented in `verifyApiKey` and the CLI.
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

  /** The cached value for this key hash, if still fresh. */
  get(keyHash: string, now = Date.now()): T | undefined {
    const entry = this.#entries.get(keyHash);
    if (!entry) return undefined;
    if (entry.expiresAt > now) return entry.value;
    this.#entries.delete(keyHash);
    return undefined;
  }

  /** Remembers a key just read from the database for `ttlMs`. */
  set(keyHash: string, value: T, now = Date.now()): void {
    this.#entries.delete(keyHash); // re-inserting moves it to the young end of the Map's order
    this.#entries.set(keyHash, { value, expiresAt: now + ttlMs });
    if (this.#entries.size > maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
  }

  /** Forgets the key with this id (after a revocation). */
  evict(id: string): void {
    for (const [hash, entry] of this.#entries)
      if (entry.value.id === id) this.#entries.delete(hash);
  }
}
