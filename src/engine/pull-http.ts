// The HTTP side of a pull: one GET that follows redirects by hand, so we decide which headers
// travel to which host, plus reading the range headers of the answer.
import { request } from 'undici';
import type { Dispatcher } from 'undici';
import { upstreamError } from '../lib/errors.js';
import { hfEndpoint } from './pull-source.js';

/** The final response of a download, after redirects. */
export type DownloadResponse = Dispatcher.ResponseData;

const maxRedirects = 10;
const redirectStatuses = new Set([301, 302, 303, 307, 308]);

/** Headers for a download: HF_TOKEN goes only to the Hugging Face endpoint, never elsewhere. */
export function downloadHeaders(url: string, env: NodeJS.ProcessEnv): Record<string, string> {
  const headers: Record<string, string> = { 'user-agent': 'salon', 'accept-encoding': 'identity' };
  const token = env.HF_TOKEN;
  if (token && new URL(url).origin === new URL(hfEndpoint(env)).origin) {
    headers.authorization = `Bearer ${token}`;
  }
  return headers;
}

/** The final response of a download, and the file's sha256 if a server on the way gave it. */
export interface OpenedDownload {
  response: DownloadResponse;
  /** Lowercase hex, from Hugging Face's X-Linked-Etag (see `linkedSha256`). */
  linkedSha256?: string;
}

/** GET `url` with the given headers (and Range from `offset`), following redirects. */
export async function openDownload(
  url: string,
  headers: Record<string, string>,
  offset: number,
  signal?: AbortSignal,
): Promise<OpenedDownload> {
  let current = new URL(url);
  let sent = offset > 0 ? { ...headers, range: `bytes=${offset}-` } : { ...headers };
  let sha256: string | undefined;
  for (let hops = 0; ; hops++) {
    const response = await request(current, { method: 'GET', headers: sent, signal });
    sha256 ??= linkedSha256(response.headers);
    if (!redirectStatuses.has(response.statusCode)) return { response, linkedSha256: sha256 };
    await response.body.dump();
    const location = single(response.headers.location);
    if (!location) {
      throw upstreamError(`${url} redirected (${response.statusCode}) without a Location.`, false);
    }
    if (hops >= maxRedirects) throw upstreamError(`${url} redirected too many times.`, false);
    const next = new URL(location, current);
    if (next.protocol !== 'https:' && next.protocol !== 'http:') {
      throw upstreamError(`${url} redirected to a non-HTTP URL.`, false);
    }
    // Hugging Face sends large files to a CDN with a signed URL: the token stays home.
    if (next.origin !== current.origin) {
      sent = Object.fromEntries(Object.entries(sent).filter(([name]) => name !== 'authorization'));
    }
    current = next;
  }
}

/**
 * The sha256 Hugging Face gives for a file stored in LFS (every GGUF is): its X-Linked-Etag,
 * sent with the redirect to the CDN. Anything else there (a git blob's sha1 for a small file,
 * a CDN's md5) is not a sha256 and is ignored.
 */
export function linkedSha256(headers: DownloadResponse['headers']): string | undefined {
  const value = single(headers['x-linked-etag'])
    ?.trim()
    .replace(/^W\//, '')
    .replace(/^"(.*)"$/, '$1')
    .toLowerCase();
  return value && /^[0-9a-f]{64}$/.test(value) ? value : undefined;
}

/** The parsed Content-Range of a response: `bytes start-end/total`, or `bytes *\/total` on a 416. */
export interface ContentRange {
  start: number | null;
  total: number | null;
}

/** Read Content-Range, or undefined when absent or malformed. */
export function contentRange(response: DownloadResponse): ContentRange | undefined {
  const value = single(response.headers['content-range']);
  const match = value && /^bytes (?:(\d+)-\d+|\*)\/(\d+|\*)$/.exec(value.trim());
  if (!match) return undefined;
  return {
    start: match[1] === undefined ? null : Number(match[1]),
    total: match[2] === '*' ? null : Number(match[2]),
  };
}

/** The Content-Length of a response, or null. */
export function contentLength(response: DownloadResponse): number | null {
  const value = single(response.headers['content-length']);
  return value && /^\d+$/.test(value) ? Number(value) : null;
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
