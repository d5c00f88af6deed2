// Downloads into `<file>.partial`, resuming from what an earlier attempt left there. The partial
// is always a prefix of the real file (appends only), so a resume can trust it up to the final
// checksum; anything that proves it wrong deletes it.
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { isSalonError } from '../lib/errors.js';
import { FileDigest, digestFile } from './pull-digest.js';
import { downloadFailed, httpStatusError, notGguf } from './pull-errors.js';
import { contentLength, contentRange, openDownload } from './pull-http.js';
import type { DownloadResponse, OpenedDownload } from './pull-http.js';

/** What a pull reports as it goes. */
export interface PullProgress {
  /** `verify` while hashing a file kept from an earlier attempt, then `download`. */
  phase: 'verify' | 'download';
  /** Bytes of the file so far, including any resumed part. */
  bytes: number;
  /** The whole file's size, when the server says. */
  totalBytes: number | null;
}

/** How to download: where the partial lives, what to send, whom to tell. */
export interface DownloadOptions {
  url: string;
  partialPath: string;
  headers: Record<string, string>;
  onProgress?: (progress: PullProgress) => void;
  signal?: AbortSignal;
}

/** The complete file's digest, and the sha256 the server gave for it, if any. */
export interface Downloaded {
  digest: FileDigest;
  linkedSha256?: string;
}

/** Download into the partial file, resuming it; returns the digest of the complete file. */
export async function downloadToPartial(options: DownloadOptions): Promise<Downloaded> {
  const { url, partialPath } = options;
  // A second round only follows a server that garbled our Range: it then starts from zero.
  for (let round = 0; round < 2; round++) {
    const kept = await keptDigest(options);
    const { response, linkedSha256 } = await open(options, kept.bytes);
    const done = async (digest: FileDigest, total: number | null): Promise<Downloaded> => ({
      digest: await finished(digest, total, options),
      linkedSha256,
    });
    if (response.statusCode === 416 && kept.bytes > 0) {
      await response.body.dump();
      const total = contentRange(response)?.total ?? null;
      if (total === null || total === kept.bytes) return done(kept, null);
      await rm(partialPath, { force: true });
      continue;
    }
    if (response.statusCode !== 200 && response.statusCode !== 206) {
      await response.body.dump();
      throw httpStatusError(url, response.statusCode);
    }
    if (response.statusCode === 206) {
      const range = contentRange(response);
      if (range?.start !== kept.bytes) {
        await response.body.dump();
        await rm(partialPath, { force: true });
        continue;
      }
      const length = contentLength(response);
      const total = range.total ?? (length === null ? null : kept.bytes + length);
      await writeBody(response, kept, total, options);
      return done(kept, total);
    }
    // 200: the whole file. If we asked for a range, the server ignored it: start from zero.
    const digest = kept.bytes > 0 ? new FileDigest() : kept;
    const total = contentLength(response);
    await writeBody(response, digest, total, options);
    return done(digest, total);
  }
  throw downloadFailed(url, new Error('the server kept answering with the wrong byte range'));
}

async function keptDigest(options: DownloadOptions): Promise<FileDigest> {
  const report = (bytes: number) =>
    options.onProgress?.({ phase: 'verify', bytes, totalBytes: null });
  const digest = await digestFile(options.partialPath, report);
  if (!digest) return new FileDigest();
  if (digest.knowsMagic() && !digest.isGguf()) {
    await rm(options.partialPath, { force: true });
    return new FileDigest();
  }
  return digest;
}

async function open(options: DownloadOptions, offset: number): Promise<OpenedDownload> {
  try {
    return await openDownload(options.url, options.headers, offset, options.signal);
  } catch (error) {
    if (isSalonError(error) || options.signal?.aborted) throw error;
    throw downloadFailed(options.url, error);
  }
}

async function writeBody(
  response: DownloadResponse,
  digest: FileDigest,
  totalBytes: number | null,
  options: DownloadOptions,
): Promise<void> {
  const { url, onProgress } = options;
  onProgress?.({ phase: 'download', bytes: digest.bytes, totalBytes });
  const file = createWriteStream(options.partialPath, { flags: digest.bytes > 0 ? 'a' : 'w' });
  try {
    await pipeline(
      response.body,
      async function* (source: AsyncIterable<Buffer>) {
        for await (const chunk of source) {
          digest.update(chunk);
          if (digest.knowsMagic() && !digest.isGguf()) throw notGguf(url);
          onProgress?.({ phase: 'download', bytes: digest.bytes, totalBytes });
          yield chunk;
        }
      },
      file,
      { signal: options.signal },
    );
  } catch (error) {
    if (isSalonError(error) && error.code === 'model_not_gguf') {
      await rm(options.partialPath, { force: true });
      throw error;
    }
    if (options.signal?.aborted) throw error;
    throw downloadFailed(url, error);
  }
}

async function finished(
  digest: FileDigest,
  totalBytes: number | null,
  options: DownloadOptions,
): Promise<FileDigest> {
  if (!digest.isGguf()) {
    await rm(options.partialPath, { force: true });
    throw notGguf(options.url);
  }
  if (totalBytes !== null && digest.bytes !== totalBytes) {
    const error = new Error(`received ${digest.bytes} of ${totalBytes} bytes`);
    throw downloadFailed(options.url, error);
  }
  return digest;
}
