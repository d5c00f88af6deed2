import { randomBytes } from 'node:crypto';

const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A random base62 string of the given length (about 5.95 bits each). */
export function randomToken(length: number): string {
  const bytes = randomBytes(length * 2);
  let out = '';
  for (let i = 0; out.length < length && i < bytes.length; i++) {
    const byte = bytes[i]!;
    if (byte < 248) out += alphabet[byte % 62]; // 248 = 4 × 62: rejection keeps it uniform
  }
  return out.length === length ? out : out + randomToken(length - out.length);
}

/** A new id with a readable prefix, e.g. `newId('chatcmpl')` → `chatcmpl-…`. */
export function newId(prefix: string, length = 24): string {
  return `${prefix}-${randomToken(length)}`;
}
