import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSecretBox, secretKeyFile } from './secret-box.js';

describe('secret box', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'salon-secret-'));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('round-trips a secret, with a fresh IV each time and no plaintext in the sealed text', async () => {
    const box = openSecretBox({ secret: 'correct horse battery staple', dataDir });
    const first = await box.seal('sk-upstream-1234', 'prov-1');
    const second = await box.seal('sk-upstream-1234', 'prov-1');
    expect(first).toMatch(/^v1:[0-9a-f]{8}:[\w-]+:[\w-]+:[\w-]+$/);
    expect(first).not.toBe(second);
    expect(first).not.toContain('1234');
    expect(await box.open(first, 'prov-1')).toBe('sk-upstream-1234');
    expect(await box.open(await box.seal('ünïcødé ✓'))).toBe('ünïcødé ✓');
  });

  it('detects tampering and a sealed text moved to another context', async () => {
    const box = openSecretBox({ secret: 'one', dataDir });
    const sealed = await box.seal('sk-secret', 'prov-1');
    const parts = sealed.split(':');
    const ciphertext = Buffer.from(parts[3]!, 'base64url');
    ciphertext[0]! ^= 1;
    parts[3] = ciphertext.toString('base64url');
    await expect(box.open(parts.join(':'), 'prov-1')).rejects.toMatchObject({
      code: 'secret_undecryptable',
      message: expect.stringMatching(/damaged/),
    });
    await expect(box.open(sealed, 'prov-2')).rejects.toMatchObject({
      code: 'secret_undecryptable',
    });
    await expect(box.open('v9:whatever')).rejects.toMatchObject({
      message: expect.stringMatching(/format/),
    });
  });

  it('refuses a wrong key with a message naming the key source', async () => {
    const sealed = await openSecretBox({ secret: 'one', dataDir }).seal('sk-secret');
    await expect(openSecretBox({ secret: 'two', dataDir }).open(sealed)).rejects.toMatchObject({
      code: 'secret_undecryptable',
      message: expect.stringMatching(/another key.*SALON_SECRET/),
    });
  });

  it('without SALON_SECRET, creates one key file (0600) on first use and reuses it', async () => {
    const file = secretKeyFile(dataDir);
    const boxes = [openSecretBox({ dataDir }), openSecretBox({ dataDir })];
    expect(boxes[0]!.keySource).toBe(file);
    // Both derive at once: they must agree on one file.
    const sealed = await Promise.all(boxes.map((box) => box.seal('sk-file')));
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const key = (await readFile(file, 'utf8')).trim();
    expect(Buffer.from(key, 'base64url')).toHaveLength(32);
    const later = openSecretBox({ dataDir });
    for (const text of sealed) expect(await later.open(text)).toBe('sk-file');
    // The file's content as SALON_SECRET opens the same secrets (moving to several replicas).
    expect(await openSecretBox({ secret: key, dataDir: '/nonexistent' }).open(sealed[0]!)).toBe(
      'sk-file',
    );
  });

  it('reports an empty key file instead of overwriting it', async () => {
    const other = await mkdtemp(path.join(os.tmpdir(), 'salon-secret-'));
    await writeFile(secretKeyFile(other), '');
    await expect(openSecretBox({ dataDir: other }).seal('x')).rejects.toThrow(/is empty/);
    await rm(other, { recursive: true, force: true });
  });
});
