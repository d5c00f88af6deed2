// Builds the web UI: `vite build web` (root web/, output web/dist, served by src/server/web-ui.ts).
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [react()],
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
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
});
