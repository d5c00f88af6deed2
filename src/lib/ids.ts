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
