// A browser for redirect flows without a browser: fetch with manual redirects, a cookie jar per
// host (paths are ignored: sending a cookie to more paths of the same test server is harmless),
// and HTML forms submitted with their hidden fields. Enough to walk oidc-provider's development
// login and consent pages.

/** One browser profile. */
export class BrowserSession {
  private readonly jars = new Map<string, Map<string, string>>();

  /** The cookies held for `url`'s host. */
  cookies(url: string): Map<string, string> {
    const host = new URL(url).host;
    let jar = this.jars.get(host);
    if (!jar) this.jars.set(host, (jar = new Map()));
    return jar;
  }

  /** Sends a request as this browser would (no redirect followed) and keeps its cookies. */
  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const jar = this.cookies(url);
    const headers = new Headers(init.headers);
    if (jar.size) headers.set('cookie', [...jar].map(([k, v]) => `${k}=${v}`).join('; '));
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const separator = pair!.indexOf('=');
      const name = pair!.slice(0, separator).trim();
      const value = pair!.slice(separator + 1).trim();
      const expired = attributes.some((attribute) => {
        const [key, raw] = attribute.split('=').map((part) => part.trim());
        if (key!.toLowerCase() === 'max-age') return Number(raw) <= 0;
        if (key!.toLowerCase() === 'expires') return Date.parse(raw!) <= Date.now();
        return false;
      });
      if (expired || value === '') jar.delete(name);
      else jar.set(name, value);
    }
    return response;
  }

  /**
   * Follows redirects and submits forms from `url` until a redirect leads to a URL for which
   * `stop` is true; returns that URL without visiting it. `fill` adds fields to each form.
   */
  async walk(
    url: string,
    stop: (url: URL) => boolean,
    fill: (fields: URLSearchParams) => void = () => undefined,
  ): Promise<URL> {
    let next: { url: string; init?: RequestInit } = { url };
    for (let step = 0; step < 20; step++) {
      const response = await this.request(next.url, next.init);
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        const target = new URL(location, next.url);
        if (stop(target)) return target;
        next = { url: target.href };
        continue;
      }
      const html = await response.text();
      const form = /<form[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/i.exec(html);
      if (response.status !== 200 || !form) {
        throw new Error(`unexpected ${response.status} at ${next.url}: ${html.slice(0, 500)}`);
      }
      const fields = new URLSearchParams();
      for (const input of form[2]!.matchAll(/<input[^>]*type="hidden"[^>]*>/gi)) {
        const name = /name="([^"]*)"/.exec(input[0])?.[1];
        const value = /value="([^"]*)"/.exec(input[0])?.[1] ?? '';
        if (name) fields.set(name, value);
      }
      fill(fields);
      next = {
        url: new URL(decodeEntities(form[1]!), next.url).href,
        init: {
          method: 'POST',
          body: fields.toString(),
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        },
      };
    }
    throw new Error(`no end after 20 steps from ${url}`);
  }
}

function decodeEntities(text: string): string {
  return text
    .replace(/&amp;/g, '&')
    .replace(/&#x2F;/gi, '/')
    .replace(/&#47;/g, '/');
}
