// The web UI's initial download: what web/dist/index.html loads before the app can start
// (its scripts, stylesheets and module preloads, and the chunks those scripts import
// statically), each gzipped at level 9; every other script and stylesheet is a lazy chunk.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { ChunkPart } from './bundle-composition.js';

/** The goal for the initial JS + CSS, gzipped: 250 kB, as vite counts them (1,000 bytes). */
export const bundleGoalBytes = 250_000;

/** One asset and its sizes. */
export interface AssetSize {
  file: string;
  kind: 'js' | 'css';
  bytes: number;
  gzipBytes: number;
}

/** The initial assets, the lazy ones, and the initial total against the goal. */
export interface BundleReport {
  initial: AssetSize[];
  lazy: AssetSize[];
  initialGzipBytes: number;
  lazyGzipBytes: number;
  goalBytes: number;
  /** Initial gzipped bytes over the goal (below 1 meets it). */
  ratio: number;
  /**
   * What Salon itself sends for the initial assets to a browser accepting gzip and brotli
   * (measured when the long-chat part runs), and with which Content-Encoding.
   */
  served?: { bytes: number; encodings: string[] };
  /** What the initial scripts are made of, by package (--profile, from source maps). */
  composition?: Record<string, ChunkPart[]>;
}

// NODE_ENV decides React's build: under vitest (NODE_ENV=test) `vite build` bundles React's
// development build (757 kB instead of 489 kB, and several times slower).
const productionEnv = { ...process.env, NODE_ENV: 'production' };

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, {
    encoding: 'utf8',
    timeout: 180_000,
    env: productionEnv,
  });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
  }
}

/** Runs `npm run build:web` (a production build into web/dist). */
export function buildWebUi(): void {
  run('npm', ['run', 'build:web']);
}

/**
 * Builds the web UI again, with source maps, into `outDir`. Rolldown names chunks by their
 * content, so the maps fit web/dist when both were built from the same sources: returns
 * whether the chunk names agree.
 */
export async function buildSourceMaps(outDir: string, distDir: string): Promise<boolean> {
  run('npx', ['vite', 'build', 'web', '--sourcemap', '--outDir', outDir, '--emptyOutDir']);
  const scripts = async (dir: string) =>
    (await readdir(path.join(dir, 'assets'))).filter((file) => file.endsWith('.js')).sort();
  return (await scripts(outDir)).join() === (await scripts(distDir)).join();
}

/** A fingerprint of web/dist's index.html: it changes whenever web/dist is rebuilt differently. */
export async function distFingerprint(distDir: string): Promise<string> {
  const html = await readFile(path.join(distDir, 'index.html'));
  return createHash('sha256').update(html).digest('hex');
}

// `<script src>`, `<link rel=stylesheet|modulepreload href>`: attribute order varies.
function initialReferences(html: string): string[] {
  const references: string[] = [];
  for (const [tag] of html.matchAll(/<(?:script|link)\b[^>]*>/gi)) {
    const attribute = (name: string) =>
      new RegExp(`\\s${name}\\s*=\\s*["']([^"']*)["']`, 'i').exec(tag)?.[1];
    if (tag.toLowerCase().startsWith('<script')) {
      const src = attribute('src');
      if (src) references.push(src);
      continue;
    }
    const rel = attribute('rel')?.toLowerCase() ?? '';
    const href = attribute('href');
    if (href && (rel === 'stylesheet' || rel === 'modulepreload')) references.push(href);
  }
  return references;
}

// Static imports of a built chunk (`import{a}from"./x.js"`, `import"./y.js"`), not `import()`.
function staticImports(code: string): string[] {
  return [...code.matchAll(/\bimport\s*(?:[\w$*{},\s]+?\s*from\s*)?["']([^"']+\.js)["']/g)].map(
    (match) => match[1]!,
  );
}

function kindOf(file: string): AssetSize['kind'] | undefined {
  if (file.endsWith('.js')) return 'js';
  if (file.endsWith('.css')) return 'css';
  return undefined;
}

async function sizeOf(distDir: string, file: string): Promise<AssetSize> {
  const content = await readFile(path.join(distDir, file));
  return {
    file,
    kind: kindOf(file)!,
    bytes: content.length,
    gzipBytes: gzipSync(content, { level: 9 }).length,
  };
}

const sum = (assets: readonly AssetSize[]) =>
  assets.reduce((total, asset) => total + asset.gzipBytes, 0);

/** Measures a built web UI (web/dist). */
export async function measureBundle(distDir: string): Promise<BundleReport> {
  const html = await readFile(path.join(distDir, 'index.html'), 'utf8');
  const initial = new Set<string>();
  const pending = initialReferences(html)
    .filter((reference) => kindOf(reference) && !/^[a-z]+:\/\//i.test(reference))
    .map((reference) => reference.replace(/^\//, ''));
  while (pending.length) {
    const file = pending.pop()!;
    if (initial.has(file)) continue;
    initial.add(file);
    if (kindOf(file) !== 'js') continue;
    const code = await readFile(path.join(distDir, file), 'utf8');
    for (const imported of staticImports(code)) {
      pending.push(path.posix.join(path.posix.dirname(file), imported));
    }
  }
  const assets = (await readdir(path.join(distDir, 'assets')))
    .map((name) => `assets/${name}`)
    .filter((file) => kindOf(file));
  const initialSizes = await Promise.all([...initial].sort().map((file) => sizeOf(distDir, file)));
  const lazySizes = await Promise.all(
    assets.filter((file) => !initial.has(file)).map((file) => sizeOf(distDir, file)),
  );
  lazySizes.sort((a, b) => b.gzipBytes - a.gzipBytes);
  const initialGzipBytes = sum(initialSizes);
  return {
    initial: initialSizes,
    lazy: lazySizes,
    initialGzipBytes,
    lazyGzipBytes: sum(lazySizes),
    goalBytes: bundleGoalBytes,
    ratio: initialGzipBytes / bundleGoalBytes,
  };
}

/** Fetches the initial assets from a running Salon as a browser would, and sums the bytes sent. */
export async function measureServed(
  baseUrl: string,
  initial: readonly AssetSize[],
): Promise<NonNullable<BundleReport['served']>> {
  let bytes = 0;
  const encodings = new Set<string>();
  for (const asset of initial) {
    const response = await fetch(new URL(`/${asset.file}`, baseUrl), {
      headers: { 'accept-encoding': 'gzip, deflate, br, zstd' },
    });
    if (!response.ok) throw new Error(`GET /${asset.file} answered ${response.status}`);
    // fetch decodes bodies: count the bytes on the wire from Content-Length when encoded.
    const body = await response.arrayBuffer();
    bytes += Number(response.headers.get('content-length') ?? body.byteLength);
    encodings.add(response.headers.get('content-encoding') ?? 'identity');
  }
  return { bytes, encodings: [...encodings] };
}
