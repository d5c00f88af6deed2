// The only URLs model text may link to: http(s) and mailto. Anything else (javascript:,
// data:, vbscript:, relative paths that could hit our own API) is dropped.

const allowed = new Set(['http:', 'https:', 'mailto:']);

/** The URL when it is an absolute http(s) or mailto URL, else undefined. */
export function safeUrl(url: string | null | undefined): string | undefined {
  if (!url) return undefined;
  // The WHATWG parser is the browser's own: it drops tabs and newlines inside schemes
  // ("java\tscript:") exactly as navigation would, so checking its protocol is enough.
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return undefined;
  }
  return allowed.has(parsed.protocol) ? parsed.href : undefined;
}
