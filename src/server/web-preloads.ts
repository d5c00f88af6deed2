// The API answers a web UI page asks for first, announced in a `Link: rel=preload` header of its
// index.html: the browser requests them as soon as that answer's headers arrive, instead of
// once the entry script has downloaded and run, and the entry's fetch() then takes the preloaded
// answer. Coupling: these must be the requests of web/src/api/early-fetch.ts (same paths, GET
// with same-origin credentials), or the browser asks twice; tests/browser/long-chat.test.ts
// checks that each is requested once.

/** The messages a chat opens with: `openingTail` in web/src/api/early-fetch.ts. */
const openingTail = 40;

// Conversation ids are `conv-` and URL-safe letters: anything else gets no preload, so nothing
// from the URL can reach the header unescaped.
const chatPath = /^\/c\/([A-Za-z0-9_-]+)\/?$/;

/** The API paths that the page at `pathname` requests before anything else. */
export function firstApiRequests(pathname: string): string[] {
  const paths = ['/api/auth/state'];
  const chat = chatPath.exec(pathname);
  if (chat) paths.push(`/api/conversations/${chat[1]}?tail=${openingTail}`);
  return paths;
}

/** The `Link` header value preloading `firstApiRequests(pathname)`. */
export function preloadLinks(pathname: string): string {
  return firstApiRequests(pathname)
    .map((path) => `<${path}>; rel=preload; as=fetch; crossorigin`)
    .join(', ');
}
