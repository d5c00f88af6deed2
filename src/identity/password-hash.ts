// Password hashing with scrypt. The hash string carries its own parameters
// (`$scrypt$ln=15,r=8,p=3$<salt>$<key>`, base64url) so they can be raised later without
// invalidating stored hashes.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

// OWASP's scrypt row for 32 MiB of memory: N = 2^15, r = 8, p = 3 (about 250 ms on one core).
const defaults = { ln: 15, r: 8, p: 3 };
const saltBytes = 16;
const keyBytes = 32;
const pattern = /^\$scrypt\$ln=(\d+),r=(\d+),p=(\d+)\$([\w-]+)\$([\w-]+)$/;

function derive(password: string, salt: Buffer, length: number, ln: number, r: number, p: number) {
  const N = 2 ** ln;
  // Node's default 32 MiB ceiling is exactly what N = 2^15, r = 8 needs, without headroom.
  const options: ScryptOptions = { N, r, p, maxmem: 256 * N * r };
  return new Promise<Buffer>((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, length, options, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

/** A salted scrypt hash of `password`, parameters included. */
export async function hashPassword(password: string): Promise<string> {
  const { ln, r, p } = defaults;
  const salt = randomBytes(saltBytes);
  const key = await derive(password, salt, keyBytes, ln, r, p);
  return `$scrypt$ln=${ln},r=${r},p=${p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/** True when `password` matches `hash` (constant-time); false for a missing or malformed hash. */
export async function verifyPassword(
  hash: string | null | undefined,
  password: string,
): Promise<boolean> {
  const match = hash ? pattern.exec(hash) : null;
  if (!match) return false;
  const [ln, r, p] = [match[1], match[2], match[3]].map(Number) as [number, number, number];
  // Bounds keep a tampered row from turning a sign-in into a memory or CPU bomb.
  if (ln < 10 || ln > 20 || r < 1 || r > 32 || p < 1 || p > 16) return false;
  const salt = Buffer.from(match[4]!, 'base64url');
  const expected = Buffer.from(match[5]!, 'base64url');
  if (expected.length < 16 || expected.length > 64) return false;
  const actual = await derive(password, salt, expected.length, ln, r, p);
  return timingSafeEqual(actual, expected);
}

let dummy: Promise<string> | undefined;

/**
 * A hash of a random password with today's parameters, for checking a password against when the
 * account has none: the reply then takes as long as for a real account.
 */
export function dummyPasswordHash(): Promise<string> {
  dummy ??= hashPassword(randomBytes(24).toString('base64url'));
  return dummy;
}
