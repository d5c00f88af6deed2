// `salon models pull`: fetch a GGUF file into the models directory. The final name appears only
// by an atomic rename of a complete, verified file, so the engine never sees half a model.
import { mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { badRequest } from '../lib/errors.js';
import { digestFile } from './pull-digest.js';
import { downloadToPartial } from './pull-download.js';
import type { PullProgress } from './pull-download.js';
import { checksumMismatch } from './pull-errors.js';
import { downloadHeaders } from './pull-http.js';
import { resolvePullSource } from './pull-source.js';

export { resolvePullSource } from './pull-source.js';
export type { PullSource } from './pull-source.js';
export type { PullProgress } from './pull-download.js';

/** What to pull, where to, and how to report. */
export interface PullOptions {
  /** A catalog id, `hf:owner/repo/path/file.gguf[@revision]` or an http(s) URL. */
  spec: string;
  modelsDir: string;
  onProgress?: (progress: PullProgress) => void;
  /** Aborting stops the transfer and keeps the partial file for a later resume. */
  signal?: AbortSignal;
  /** Expected sha256 in hex; overrides the catalog's. */
  sha256?: string;
  /** Where SALON_HF_ENDPOINT and HF_TOKEN are read (default: process.env). */
  env?: NodeJS.ProcessEnv;
}

/** The installed file. */
export interface PullResult {
  path: string;
  bytes: number;
  sha256: string;
}

/** Download a model into `modelsDir`, resuming an earlier attempt and verifying what it can. */
export async function pullModel(options: PullOptions): Promise<PullResult> {
  const env = options.env ?? process.env;
  const source = resolvePullSource(options.spec, env);
  const expected = expectedSha256(options.sha256 ?? source.sha256);
  await mkdir(options.modelsDir, { recursive: true });
  const finalPath = path.join(options.modelsDir, source.fileName);
  const partialPath = `${finalPath}.partial`;

  const installed = await digestFile(finalPath, (bytes) =>
    options.onProgress?.({ phase: 'verify', bytes, totalBytes: null }),
  );
  // A file already there is kept when it is sound; otherwise the download replaces it.
  if (installed?.isGguf() && (!expected || installed.sha256() === expected)) {
    return { path: finalPath, bytes: installed.bytes, sha256: installed.sha256() };
  }

  const { digest, linkedSha256 } = await downloadToPartial({
    url: source.url,
    partialPath,
    headers: downloadHeaders(source.url, env),
    onProgress: options.onProgress,
    signal: options.signal,
  });
  const sha256 = digest.sha256();
  // Without a checksum from the user or the catalog, the one Hugging Face sends still catches
  // a corrupt transfer or a bad resume.
  const vouched = expected ?? linkedSha256;
  if (vouched && sha256 !== vouched) {
    await rm(partialPath, { force: true });
    throw checksumMismatch(source.url, vouched, sha256);
  }
  await flushToDisk(partialPath);
  await rename(partialPath, finalPath);
  return { path: finalPath, bytes: digest.bytes, sha256 };
}

function expectedSha256(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const normalized = value.trim().toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(normalized)) {
    throw badRequest(`'${value}' is not a sha256 (64 hex digits).`, 'sha256', 'invalid_sha256');
  }
  return normalized;
}

// Without fsync a crash right after the rename could leave a complete-looking name over
// missing blocks on some file systems.
async function flushToDisk(filePath: string): Promise<void> {
  const handle = await open(filePath, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
