import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listLocalModels } from './local-models.js';

describe('listLocalModels', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'salon-models-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('lists .gguf files sorted by id, ignoring partial downloads and other entries', async () => {
    await writeFile(path.join(dir, 'zeta.gguf'), 'GGUF1234');
    await writeFile(path.join(dir, 'Alpha.gguf'), 'GGUF');
    await writeFile(path.join(dir, 'beta.gguf.partial'), 'GGUF');
    await writeFile(path.join(dir, 'notes.txt'), 'hello');
    await mkdir(path.join(dir, 'folder.gguf'));
    const models = await listLocalModels(dir);
    expect(models.map(({ id, path: file, sizeBytes }) => ({ id, file, sizeBytes }))).toEqual([
      { id: 'Alpha', file: path.join(dir, 'Alpha.gguf'), sizeBytes: 4 },
      { id: 'zeta', file: path.join(dir, 'zeta.gguf'), sizeBytes: 8 },
    ]);
    expect(models[0]?.modifiedAt).toBeInstanceOf(Date);
  });

  it('returns [] for a missing directory', async () => {
    expect(await listLocalModels(path.join(dir, 'missing'))).toEqual([]);
  });
});
