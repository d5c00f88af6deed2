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

/** GET `url` with the given headers (and Range from `offset`), following redirects. */
export async function openDownload(
  url: string,
  headers: Record<string, string>,
  offset: number,
  signal?: AbortSignal,
): Promise<DownloadResponse> {
  let current = new URL(url);
  let sent = offset > 0 ? { ...headers, range: `bytes=${offset}-` } : { ...headers };
  for (let hops = 0; ; hops++) {
    const response = await request(current, { method: 'GET', headers: sent, signal });
    if (!redirectStatuses.has(response.statusCode)) return response;
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
