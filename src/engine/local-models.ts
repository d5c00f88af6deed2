// The GGUF files in the models directory: what the engine can serve without a download.
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';

/** One model file on disk. */
export interface LocalModel {
  /** The file name without `.gguf`: the name the engine serves it under. */
  id: string;
  path: string;
  sizeBytes: number;
  modifiedAt: Date;
}

/** The `*.gguf` files in `modelsDir` (not `.partial` downloads), sorted by id; [] if it is missing. */
export async function listLocalModels(modelsDir: string): Promise<LocalModel[]> {
  let names: string[];
  try {
    names = await readdir(modelsDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const models: LocalModel[] = [];
  for (const name of names) {
    if (!/\.gguf$/i.test(name)) continue;
    const filePath = path.join(modelsDir, name);
    // stat, not lstat: a symlink to a model stored elsewhere counts as a model.
    const info = await stat(filePath).catch(() => undefined);
    if (!info?.isFile()) continue;
    const id = name.slice(0, -'.gguf'.length);
    models.push({ id, path: filePath, sizeBytes: info.size, modifiedAt: info.mtime });
  }
  return models.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
