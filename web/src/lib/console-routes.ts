// The admin console's and invitation links' paths (/admin, /admin/:section, /invite/:token).
// Kept out of route.ts, which the entry chunk carries for its early requests: these pages make
// none, so the chat's first download does not grow with them.
import type { Route } from './route.js';

/** The admin or invitation route of a path, or undefined for any other path. */
export function parseConsoleRoute(pathname: string): Route | undefined {
  const admin = /^\/admin(?:\/([^/]+))?\/?$/.exec(pathname);
  if (admin) return { name: 'admin', section: admin[1] ? decodeURIComponent(admin[1]) : null };
  const invite = /^\/invite\/([^/]+)\/?$/.exec(pathname);
  if (invite?.[1]) return { name: 'invite', token: decodeURIComponent(invite[1]) };
  return undefined;
}

/** The path of an admin or invitation route. */
export function consoleRouteUrl(route: Route): string | undefined {
  if (route.name === 'admin') {
    return route.section ? `/admin/${encodeURIComponent(route.section)}` : '/admin';
  }
  if (route.name === 'invite') return `/invite/${encodeURIComponent(route.token)}`;
  return undefined;
}
