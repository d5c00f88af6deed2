// The ways a model pull fails on purpose, each with a message that says what to do next.
import { SalonError, upstreamError } from '../lib/errors.js';

/** The download is not a GGUF file (an HTML page, a safetensors file, …). */
export const notGguf = (url: string) =>
  new SalonError(
    'model_not_gguf',
    `${url} did not return a GGUF file (its first bytes are not 'GGUF'). ` +
      'Check the URL points at a .gguf file, not a web page or another format.',
    { status: 502, type: 'upstream_error' },
  );

/** The downloaded bytes hash to something else than expected. */
export const checksumMismatch = (url: string, expected: string, actual: string) =>
  new SalonError(
    'model_checksum_mismatch',
    `The file from ${url} has sha256 ${actual}, expected ${expected}. ` +
      'The partial download was deleted; nothing was installed.',
    { status: 502, type: 'upstream_error' },
  );

/** The transfer stopped before the end; the partial file is kept for a resume. */
export const downloadFailed = (url: string, cause: unknown) =>
  upstreamError(
    `Download of ${url} failed: ${cause instanceof Error ? cause.message : String(cause)}. ` +
      'Run the same command again to retry; it resumes what was downloaded.',
    true,
    cause,
  );

/** The server answered with an error status. */
export function httpStatusError(url: string, status: number): SalonError {
  if (status === 401 || status === 403) {
    return upstreamError(
      `${url} answered ${status}: the repository may be private or gated. ` +
        'Accept its licence on Hugging Face and set HF_TOKEN to a token with read access.',
      false,
    );
  }
  if (status === 404) return upstreamError(`${url} answered 404: no such file.`, false);
  return upstreamError(`${url} answered HTTP ${status}.`, status >= 500 || status === 429);
}
