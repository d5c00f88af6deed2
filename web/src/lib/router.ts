// A tiny router over the History API: /, /c/:id and /s/:id are all the SPA needs.
import { useSyncExternalStore } from 'react';

/** Where the app is. */
export type Route =
  | { name: 'home' }
  | { name: 'chat'; id: string; messageId: string | null }
  | { name: 'share'; id: string };

const changeEvent = 'salon-navigate';

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
  return { name: 'home' };
}

/** The URL of a route. */
export function routeUrl(route: Route): string {
  if (route.name === 'chat') {
    const base = `/c/${encodeURIComponent(route.id)}`;
    return route.messageId ? `${base}?m=${encodeURIComponent(route.messageId)}` : base;
  }
  if (route.name === 'share') return `/s/${encodeURIComponent(route.id)}`;
  return '/';
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
    cachedRoute = parseRoute(location.pathname, location.search);
  }
  return cachedRoute;
}

/** The current route, re-rendering on navigation. */
export function useRoute(): Route {
  return useSyncExternalStore(subscribe, snapshot);
}
