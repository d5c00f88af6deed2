// Builds the web UI: `vite build web` (root web/, output web/dist, served by src/server/web-ui.ts).
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type HtmlTagDescriptor, type Plugin, type Rolldown } from 'vite';

const appModule = fileURLToPath(new URL('./src/app-root.tsx', import.meta.url));
const entryModule = fileURLToPath(new URL('./src/main.tsx', import.meta.url));

/**
 * Names `app-root` every module that the app chunk imports statically and the entry does not, so
 * they all land in the one app chunk. By itself Rolldown splits the small modules that lazy
 * chunks share with the app (React's JSX runtime, i18n, icons) into chunks of their own: 8
 * module files for the first paint where 3 do (entry, app, Rolldown's runtime). With the page and
 * its two preloaded API requests that was more than the 6 connections per host a browser opens on
 * HTTP/1.1, and the app chunk queued behind them. Lazy chunks import those modules from the app
 * chunk, which is always loaded before them.
 */
function appChunkName(): Rolldown.CodeSplittingNameFunction {
  let app: Set<string> | undefined;
  const reach = (start: string, ctx: Rolldown.ChunkingContext, into: Set<string>) => {
    const queue = [start];
    for (let id = queue.pop(); id !== undefined; id = queue.pop()) {
      if (into.has(id)) continue;
      into.add(id);
      queue.push(...(ctx.getModuleInfo(id)?.importedIds ?? []));
    }
    return into;
  };
  return (id, ctx) => {
    if (!app) {
      const entry = reach(entryModule, ctx, new Set());
      app = new Set([...reach(appModule, ctx, new Set())].filter((module) => !entry.has(module)));
    }
    return app.has(id) ? 'app-root' : null;
  };
}

/**
 * Adds `<link rel="modulepreload">` for the app chunk that main.tsx imports dynamically (and
 * the chunks it imports), so the browser downloads it alongside the small entry instead of
 * after the entry has run. Vite preloads only static imports by itself.
 */
function preloadAppChunk(moduleSuffix: string): Plugin {
  return {
    name: 'salon-preload-app-chunk',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(_html, { bundle }) {
        if (!bundle) return [];
        const chunks = Object.values(bundle).flatMap((item) =>
          item.type === 'chunk' ? [item] : [],
        );
        // The chunk that holds the module (appChunkName makes it a group, with no facade).
        const app = chunks.find((chunk) => chunk.moduleIds.some((id) => id.endsWith(moduleSuffix)));
        if (!app)
          throw new Error(`no chunk for ${moduleSuffix}: preloadAppChunk has nothing to do`);
        const files = new Set<string>();
        const add = (fileName: string) => {
          const chunk = chunks.find((item) => item.fileName === fileName);
          if (!chunk || chunk.isEntry || files.has(fileName)) return;
          files.add(fileName);
          chunk.imports.forEach(add);
        };
        add(app.fileName);
        return [...files].map((file): HtmlTagDescriptor => ({
          tag: 'link',
          attrs: { rel: 'modulepreload', crossorigin: true, href: `/${file}` },
          injectTo: 'head',
        }));
      },
    },
  };
}

export default defineConfig({
  plugins: [react(), preloadAppChunk('/src/app-root.tsx')],
  resolve: {
    alias: [
      {
        // rehype-katex's browser build parses KaTeX's HTML with DOMParser, which the CSP
        // reports as blocked inline styles; the parse5 build makes the same tree in JS.
        find: /^hast-util-from-html-isomorphic$/,
        replacement: new URL(
          '../node_modules/hast-util-from-html-isomorphic/index.js',
          import.meta.url,
        ).pathname,
      },
    ],
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Hashed names under assets/ are served with a one-year immutable cache.
    assetsDir: 'assets',
    target: 'es2022',
    // KaTeX's fonts stay files: the CSP has no data: fonts.
    assetsInlineLimit: 0,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [{ name: appChunkName(), debugName: 'app-root' }],
          // The app's modules only: what they share with the entry stays in the entry.
          includeDependenciesRecursively: false,
        },
      },
    },
    modulePreload: {
      // The entry's one dynamic import is the app chunk, which index.html already preloads with
      // every chunk it imports (preloadAppChunk): a second list of them in the entry would
      // only make it bigger. Coupling: Vite names the entry of web/index.html assets/index-*.js.
      resolveDependencies: (_filename, deps, { hostId, hostType }) =>
        hostType === 'js' && /^assets\/index-[\w-]+\.js$/.test(hostId) ? [] : deps,
    },
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
});
