// Serves the web UI (web/dist) at `/`: hashed assets with a one-year cache, index.html for
// every other GET outside the API (the SPA routes itself), and a strict CSP on HTML. Text
// files go out brotli- or gzip-compressed when the build wrote those twins. index.html names
// the page's first API requests in a preload header (web-preloads.ts).
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, onSendHookHandler } from 'fastify';
import { preloadLinks } from './web-preloads.js';

/** Options for webUi. */
export interface WebUiOptions {
  /** The built web UI (web/dist). */
  root: string;
}

/** web/dist of this checkout: the same two levels up from src/server/ and dist/server/. */
export const builtWebRoot = fileURLToPath(new URL('../../web/dist', import.meta.url));

/** Prefixes that belong to the server: never answered with index.html. */
const reservedPrefixes = ['/api', '/v1', '/scim', '/healthz', '/readyz', '/metrics'];

/**
 * The CSP of every HTML answer. No inline script anywhere; styles only from our own files
 * (KaTeX and React set element styles through the CSSOM, which CSP does not restrict).
 */
export const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

const missingBuildPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Salon</title></head>
<body><h1>Salon</h1><p>The web UI is not built yet. Run <code>npm run build:web</code>,
then reload this page. The API is up: <a href="/healthz">/healthz</a>.</p></body></html>`;

/** Whether a path belongs to the API or operations routes. */
export function isReservedPath(pathname: string): boolean {
  return reservedPrefixes.some(
    (prefix) => pathname === prefix || pathname.startsWith(`${prefix}/`),
  );
}

/** Registers the web UI's routes on the app. */
export async function webUi(app: FastifyInstance, options: WebUiOptions): Promise<void> {
  const root = path.resolve(options.root);
  // serve: false — we route ourselves so unknown paths reach index.html or the 404 handler.
  // preCompressed: the .br/.gz twins written by scripts/precompress-web.mjs, when accepted.
  await app.register(fastifyStatic, { root, serve: false, preCompressed: true });

  // On the app, so that any HTML answer gets these headers; Fastify passes an app's hooks down to
  // the scopes registered before, so it runs for every answer, each /v1 one included. A callback
  // hook, not an async one: an async hook puts a promise and a turn of the microtask queue
  // between `reply.send` and the write (bench/gateway).
  app.addHook('onSend', addHtmlHeaders);

  app.get('/*', async (request, reply) => {
    const pathname = decodePath(request.url.split('?')[0] ?? '/');
    if (pathname === undefined || isReservedPath(pathname)) return reply.callNotFound();
    const file = await staticFile(root, pathname);
    if (file) {
      // preCompressed picks the body by accept-encoding: caches in between must know.
      reply.header('vary', 'accept-encoding');
      const immutable = file.startsWith('assets/');
      return reply.sendFile(file, {
        // Hashed names never change content; index.html and the rest are revalidated.
        maxAge: immutable ? 31_536_000_000 : 0,
        immutable,
        cacheControl: true,
      });
    }
    // A missing file with an extension (a stale asset, /favicon.ico) is a real 404.
    if (pathname !== '/index.html' && path.posix.extname(pathname) !== '') {
      return reply.callNotFound();
    }
    if (!(await isFile(path.join(root, 'index.html')))) {
      return reply.code(200).type('text/html; charset=utf-8').send(missingBuildPage);
    }
    reply.header('cache-control', 'no-cache');
    reply.header('vary', 'accept-encoding');
    reply.header('link', preloadLinks(pathname));
    return reply.sendFile('index.html', { maxAge: 0, cacheControl: false });
  });
}

/** Adds the security headers of an HTML page to an answer that is one. */
const addHtmlHeaders: onSendHookHandler = (_request, reply, payload, done) => {
  const type = reply.getHeader('content-type');
  if (typeof type === 'string' && type.startsWith('text/html')) setHtmlHeaders(reply);
  done(null, payload);
};

function setHtmlHeaders(reply: FastifyReply): void {
  reply.header('content-security-policy', contentSecurityPolicy);
  reply.header('x-content-type-options', 'nosniff');
  reply.header('referrer-policy', 'no-referrer');
  reply.header('x-frame-options', 'DENY');
}

function decodePath(raw: string): string | undefined {
  try {
    return path.posix.normalize(decodeURIComponent(raw));
  } catch {
    return undefined;
  }
}

/** The path of a regular file under root for a URL path, or undefined (never outside root). */
async function staticFile(root: string, pathname: string): Promise<string | undefined> {
  const relative = pathname.replace(/^\/+/, '');
  if (relative === '' || relative === 'index.html') return undefined;
  if (relative.split('/').some((part) => part.startsWith('.'))) return undefined;
  const absolute = path.resolve(root, relative);
  if (!absolute.startsWith(root + path.sep)) return undefined;
  return (await isFile(absolute)) ? relative : undefined;
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}
