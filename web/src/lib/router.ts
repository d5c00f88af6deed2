// A tiny router over the History API: /, /c/:id, /s/:id, /arena, /leaderboard, /admin and
// /invite/:token.
import { useSyncExternalStore } from 'react';
import { consoleRouteUrl, parseConsoleRoute } from './console-routes.js';
import { parseRoute, type Route } from './route.js';

export { parseRoute, type Route } from './route.js';

const changeEvent = 'salon-navigate';

/** The URL of a route. */
export function routeUrl(route: Route): string {
  if (route.name === 'chat') {
    const base = `/c/${encodeURIComponent(route.id)}`;
    return route.messageId ? `${base}?m=${encodeURIComponent(route.messageId)}` : base;
  }
  if (route.name === 'share') return `/s/${encodeURIComponent(route.id)}`;
  if (route.name === 'arena') {
    return route.battleId ? `/arena?b=${encodeURIComponent(route.battleId)}` : '/arena';
  }
  if (route.name === 'leaderboard') return '/leaderboard';
  return consoleRouteUrl(route) ?? '/';
}

/** Goes to a route, adding a history entry unless replace is set. */
export function navigate(route: Route, options: { replace?: boolean } = {}): void {
  const url = routeUrl(route);
  if (url === location.pathname + location.search) return;
  if (options.replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  dispatchEvent(new Event(changeEvent));
}

function subscribe(callback: () => void): () => void {
  addEventListener('popstate', callback);
  addEventListener(changeEvent, callback);
  return () => {
    removeEventListener('popstate', callback);
    removeEventListener(changeEvent, callback);
  };
}

let cachedKey = '';
let cachedRoute: Route = { name: 'home' };

function snapshot(): Route {
  const key = location.pathname + location.search;
  if (key !== cachedKey) {
    cachedKey = key;
    cachedRoute =
      parseConsoleRoute(location.pathname) ?? parseRoute(location.pathname, location.search);
  }
  return cachedRoute;
}

/** The current route, re-rendering on navigation. */
export function useRoute(): Route {
  return useSyncExternalStore(subscribe, snapshot);
}
