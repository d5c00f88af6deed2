// The first API answers a page needs, requested by main.tsx before React's first render, so
// they travel in parallel with the render instead of one after another. Each hook takes the
// answer once; a later call (a reload, another visit) asks the server again.
import { api } from './client.js';
import { parseRoute } from '../lib/router.js';

const pending = new Map<string, Promise<unknown>>();

/** The conversation path of a route, as useChat requests it. */
export function conversationPath(id: string): string {
  return `/api/conversations/${encodeURIComponent(id)}`;
}

/** Starts the requests the page at this location will make first. */
export function startEarlyFetches(pathname: string, search: string): void {
  const paths = ['/api/auth/state'];
  const route = parseRoute(pathname, search);
  if (route.name === 'chat') paths.push(conversationPath(route.id));
  for (const path of paths) {
    const request = api(path);
    // Nobody may take it (a signed-out visitor never opens the chat): no unhandled rejection.
    request.catch(() => undefined);
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
      return value as T;
    },
    () => {
      pending.delete(path);
      return api<T>(path, options);
    },
  );
}
