// The SPA's routes and how a location maps to one. Free of React: the entry chunk (main.tsx's
// early requests) uses it before React has loaded. The admin console's and invitations' paths
// are parsed by console-routes.ts instead, in the app's chunk: the entry never needs them.

/** Where the app is. */
export type Route =
  | { name: 'home' }
  | { name: 'chat'; id: string; messageId: string | null }
  | { name: 'share'; id: string }
  | { name: 'arena'; battleId: string | null }
  | { name: 'leaderboard' }
  | { name: 'admin'; section: string | null }
  | { name: 'invite'; token: string };

/** Parses a location into a route. */
export function parseRoute(pathname: string, search: string): Route {
  const chat = /^\/c\/([^/]+)\/?$/.exec(pathname);
  if (chat?.[1]) {
    return {
      name: 'chat',
      id: decodeURIComponent(chat[1]),
      messageId: new URLSearchParams(search).get('m'),
    };
  }
  const share = /^\/s\/([^/]+)\/?$/.exec(pathname);
  if (share?.[1]) return { name: 'share', id: decodeURIComponent(share[1]) };
  if (/^\/arena\/?$/.test(pathname)) {
    return { name: 'arena', battleId: new URLSearchParams(search).get('b') };
  }
  if (/^\/leaderboard\/?$/.test(pathname)) return { name: 'leaderboard' };
  return { name: 'home' };
}
