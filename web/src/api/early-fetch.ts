// The first API answers a page needs, requested by main.tsx before the app's bundle has even
// loaded, so they travel while it downloads and compiles. The server names the same requests in
// a preload header of index.html (src/server/web-preloads.ts: keep the two lists the same): the
// browser has sent them before this script runs, and fetch() takes the preloaded answers. Each
// hook takes the answer once; a later call (a reload, another visit) asks the server again. An
// answer that has already arrived when React first renders is taken synchronously (takeEarly),
// so that render shows the page with its data instead of a loading state and a second render.
import { api } from './client.js';
import { parseRoute } from '../lib/route.js';

const pending = new Map<string, Promise<unknown>>();
const arrived = new Map<string, unknown>();

/** The API path of a conversation and its whole message tree. */
export function conversationPath(id: string): string {
  return `/api/conversations/${encodeURIComponent(id)}`;
}

/**
 * Messages of the selected branch that opening a chat asks for first: a few screens' worth,
 * the newest. useChat then loads the whole tree after the first paint. The server's preload
 * header names the same number.
 */
export const openingTail = 40;

/** The API path of a conversation's last messages (`?tail=`), as a chat first asks for it. */
export function conversationTailPath(id: string): string {
  return `${conversationPath(id)}?tail=${openingTail}`;
}

/** Starts the requests the page at this location will make first. */
export function startEarlyFetches(pathname: string, search: string): void {
  const paths = ['/api/auth/state'];
  const route = parseRoute(pathname, search);
  if (route.name === 'chat') paths.push(conversationTailPath(route.id));
  for (const path of paths) {
    const request = api(path);
    // Nobody may take it (a signed-out visitor never opens the chat): no unhandled rejection.
    request.then(
      (value) => {
        if (pending.get(path) === request) arrived.set(path, value);
      },
      () => undefined,
    );
    pending.set(path, request);
  }
}

/**
 * A GET through api(), answered by the early request of the same path when there is one.
 * A failed early request is made again (it may have run before the CSRF token or sign-in).
 * The early answer ignores `signal`: callers check it before using the result.
 */
export function apiOrEarly<T>(path: string, options: { signal?: AbortSignal } = {}): Promise<T> {
  const early = pending.get(path);
  if (!early) return api<T>(path, options);
  // Kept until settled, so StrictMode's second effect run shares the same request.
  return early.then(
    (value) => {
      pending.delete(path);
      arrived.delete(path);
      return value as T;
    },
    () => {
      pending.delete(path);
      return api<T>(path, options);
    },
  );
}

/**
 * The early answer for a GET path if it has already arrived, taken (a later call asks the
 * server); undefined while it is on its way, after it failed, or when there was none.
 */
export function takeEarly<T>(path: string): T | undefined {
  if (!arrived.has(path)) return undefined;
  const value = arrived.get(path) as T;
  arrived.delete(path);
  pending.delete(path);
  return value;
}
