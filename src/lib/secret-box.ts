// Secrets at rest (provider API keys): AES-256-GCM under a key derived with scrypt from
// SALON_SECRET, or, when it is unset, from a random key written once to <data-dir>/secret.key.
// Both go through the same derivation, so `SALON_SECRET=$(cat .salon/secret.key)` opens what
// the file sealed: that is how one machine's secrets move to several replicas.
//
// Sealed format (text, one line): `v1:<key id>:<iv>:<ciphertext>:<tag>`, base64url parts. The
// key id (8 hex digits of an HMAC of the key) tells a wrong key from a damaged ciphertext.
import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  randomBytes,
  scrypt,
  type ScryptOptions,
} from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SalonError } from './errors.js';

/** Encrypts and decrypts short secrets; the key is derived on first use. */
export interface SecretBox {
  /** The sealed text of `plaintext`, bound to `context` (e.g. the row's id). */
  seal(plaintext: string, context?: string): Promise<string>;
  /** The plaintext of a sealed text; throws `secret_undecryptable` on a wrong key or tampering. */
  open(sealed: string, context?: string): Promise<string>;
  /** Where the key comes from, for messages: `SALON_SECRET` or the key file's path. */
  readonly keySource: string;
}

/** Where the master secret comes from. */
export interface SecretBoxOptions {
  /** SALON_SECRET; when absent, `<dataDir>/secret.key` is read or created. */
  secret?: string;
  dataDir: string;
}

const version = 'v1';
const keyFileName = 'secret.key';
// A fixed salt: every replica sharing SALON_SECRET must derive the same key, and a per-instance
// salt would need storing beside the data it protects. N = 2^15 costs about 0.1 s, once.
const scryptSalt = 'salon/secret-box/v1';
const scryptOptions: ScryptOptions = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

/** 500 `secret_undecryptable`: a stored secret cannot be read with this server's key. */
export const secretUndecryptable = (message: string, cause?: unknown) =>
  new SalonError('secret_undecryptable', message, { status: 500, type: 'server_error', cause });

/** The key file's path inside a data dir. */
export function secretKeyFile(dataDir: string): string {
  return path.join(dataDir, keyFileName);
}

/** A box over SALON_SECRET or the data dir's key file (created on first use when missing). */
export function openSecretBox(options: SecretBoxOptions): SecretBox {
  const keySource = options.secret ? 'SALON_SECRET' : secretKeyFile(options.dataDir);
  let derived: Promise<{ key: Buffer; id: string }> | undefined;
  const key = () => {
    derived ??= (options.secret ? Promise.resolve(options.secret) : readOrCreateKeyFile(keySource))
      .then(deriveKey)
      .then((key) => ({ key, id: keyId(key) }));
    derived.catch(() => (derived = undefined)); // a later call may succeed (e.g. disk full)
    return derived;
  };
  return {
    keySource,
    async seal(plaintext, context = '') {
      const { key: secretKey, id } = await key();
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', secretKey, iv);
      cipher.setAAD(Buffer.from(context));
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const parts = [iv, ciphertext, cipher.getAuthTag()].map((part) => part.toString('base64url'));
      return [version, id, ...parts].join(':');
    },
    async open(sealed, context = '') {
      const parts = sealed.split(':');
      if (parts.length !== 5 || parts[0] !== version) {
        throw secretUndecryptable(
          `A stored secret is not in a format this version reads (${parts[0]}).`,
        );
      }
      const [, sealedId, iv, ciphertext, tag] = parts as [string, string, string, string, string];
      const { key: secretKey, id } = await key();
      if (sealedId !== id) {
        throw secretUndecryptable(
          `A stored secret was encrypted with another key (key id ${sealedId}; ${keySource} gives ${id}). ` +
            'Start Salon with the SALON_SECRET (or secret.key) it had when the secret was saved.',
        );
      }
      try {
        const decipher = createDecipheriv('aes-256-gcm', secretKey, decode(iv), {
          authTagLength: 16, // a truncated tag would be accepted otherwise
        });
        decipher.setAAD(Buffer.from(context));
        decipher.setAuthTag(decode(tag));
        return Buffer.concat([decipher.update(decode(ciphertext)), decipher.final()]).toString(
          'utf8',
        );
      } catch (error) {
        throw secretUndecryptable(
          'A stored secret is damaged: it fails its integrity check.',
          error,
        );
      }
    },
  };
}

function decode(part: string): Buffer {
  return Buffer.from(part, 'base64url');
}

function deriveKey(secret: string): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(secret, scryptSalt, 32, scryptOptions, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

function keyId(key: Buffer): string {
  return createHmac('sha256', key).update('salon key id').digest('hex').slice(0, 8);
}

// Written to a temp file, then linked into place: link() fails when the name exists, so two
// processes starting at once agree on one key and nobody reads a half-written file.
async function readOrCreateKeyFile(file: string): Promise<string> {
  const existing = await readKeyFile(file);
  if (existing) return existing;
  await mkdir(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  await writeFile(temporary, randomBytes(32).toString('base64url') + '\n', { mode: 0o600 });
  try {
    await link(temporary, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await unlink(temporary).catch(() => undefined);
  }
  const created = await readKeyFile(file);
  if (!created) throw new Error(`${file} is empty: delete it or set SALON_SECRET.`);
  return created;
}

async function readKeyFile(file: string): Promise<string | undefined> {
  try {
    return (await readFile(file, 'utf8')).trim() || undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
