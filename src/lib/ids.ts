import { randomFillSync } from 'node:crypto';

const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

// CSPRNG bytes come from a pool refilled 4 KiB at a time: one call into OpenSSL per ~80 ids
// instead of one per id (a gateway request makes several; bench/gateway saw ~17 µs each).
// Every byte is used once, as Node's own randomUUID does with its cache.
const pool = Buffer.alloc(4096);
let offset = pool.length;

function randomByte(): number {
  if (offset === pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  return pool[offset++]!;
}

/** A random base62 string of the given length (about 5.95 bits each). */
export function randomToken(length: number): string {
  let out = '';
  while (out.length < length) {
    const byte = randomByte();
    if (byte < 248) out += alphabet[byte % 62]; // 248 = 4 × 62: rejection keeps it uniform
  }
  return out;
}

/** A new id with a readable prefix, e.g. `newId('chatcmpl')` → `chatcmpl-…`. */
export function newId(prefix: string, length = 24): string {
  return `${prefix}-${randomToken(length)}`;
}

// Base 36 (digits and lowercase letters) sorts the same byte-wise (SQLite) and under a locale's
// collation (PostgreSQL), which base62's upper and lower case would not; 9 digits of
// milliseconds last until the year 5188.
const timeDigits = 9;

/**
 * A new id that sorts after those made in earlier milliseconds: `prefix-`, the time in base 36,
 * then random base62 to `length`. For rows inserted in bulk under a text primary key: each new
 * key lands at the index's right edge instead of on a random page (the usage ledger's SQLite
 * writes cost ~2x the CPU with random ids, bench/gateway).
 */
export function newTimeOrderedId(prefix: string, length = 24, now = Date.now()): string {
  const time = Math.max(0, Math.floor(now)).toString(36).padStart(timeDigits, '0');
  return `${prefix}-${time}${randomToken(Math.max(0, length - timeDigits))}`;
}
