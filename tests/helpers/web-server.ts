// The real Salon for the browser suites, in process: settings, runtime and `buildApp` as
// `salon serve` assembles them, listening on 127.0.0.1:0 and serving the built web UI at `/`.
// Models are the embedded engine (`modelFile`) and/or fake OpenAI-style upstreams (`config`).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { resolveSettings } from '../../src/config/settings.js';
import { buildApp } from '../../src/server/app.js';
import { openRuntime } from '../../src/server/runtime.js';

const webDir = path.resolve('web');
const builtIndex = path.join(webDir, 'dist', 'index.html');

/** A running Salon with its web UI. */
export interface WebServer {
  url: string;
  app: FastifyInstance;
  runtime: Awaited<ReturnType<typeof openRuntime>>;
  /** Cuts every open connection, as a network failure between browser and server would. */
  dropConnections(): number;
  close(): Promise<void>;
}

function newestChange(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    newest = Math.max(newest, statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/**
 * Builds web/dist when it is missing or older than the UI's sources (so the suites test the
 * UI as written, not a stale build). Throws with vite's output when the build fails.
 */
export function ensureWebBuild(): void {
  if (existsSync(builtIndex)) {
    const sources = Math.max(
      newestChange(path.join(webDir, 'src')),
      newestChange(path.join(webDir, 'public')),
      statSync(path.join(webDir, 'index.html')).mtimeMs,
    );
    if (statSync(builtIndex).mtimeMs >= sources) return;
  }
  const result = spawnSync('npm', ['run', 'build:web'], {
    encoding: 'utf8',
    timeout: 120_000,
    // Under vitest NODE_ENV is 'test', which would make Vite ship React's development build.
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (result.status !== 0) {
    throw new Error(`npm run build:web failed:\n${result.stdout}\n${result.stderr}`);
  }
}

/**
 * A salon.yaml: one OpenAI-style provider per upstream, each serving one model of its name,
 * and with `tinyModel` the embedded engine as `small`, on a short context so that its
 * gibberish replies (it rarely ends them itself) stop after a few hundred tokens.
 */
export function salonConfig(options: {
  upstreams?: Record<string, string>;
  tinyModel?: { path: string; contextSize: number };
}): string {
  const upstreams = Object.entries(options.upstreams ?? {});
  const lines = ['providers:'];
  if (options.tinyModel) {
    const { path: modelPath, contextSize } = options.tinyModel;
    lines.push(
      `  local: { type: llama, model_path: "${modelPath}", context_size: ${contextSize}, sequences: 2 }`,
    );
  }
  for (const [name, url] of upstreams) {
    lines.push(`  ${name}: { type: openai, base_url: "${url}", timeout: 20 }`);
  }
  lines.push('models:');
  if (options.tinyModel) lines.push('  - { name: small, targets: [{ provider: local }] }');
  for (const [name] of upstreams) {
    lines.push(`  - { name: ${name}, targets: [{ provider: ${name}, model: fake-${name} }] }`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Starts Salon on a fresh SQLite data dir, with the embedded engine and/or a salon.yaml; `env`
 * adds settings (SALON_UPSTREAM_ALLOW, …).
 */
export async function startWebServer(
  options: { modelFile?: string; config?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<WebServer> {
  ensureWebBuild();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'salon-web-'));
  let config: string | undefined;
  if (options.config) {
    config = path.join(dataDir, 'salon.yaml');
    await writeFile(config, options.config);
  }
  const settings = resolveSettings(
    { dataDir, config },
    { ...options.env, ...(options.modelFile && { SALON_MODEL: options.modelFile }) },
  );
  const runtime = await openRuntime(settings);
  const app = await buildApp(runtime);
  const sockets = new Set<Socket>();
  app.server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  const close = async () => {
    const closing = app.close();
    // Followed runs keep SSE responses open: end them so close() does not wait on them.
    for (const socket of sockets) socket.destroy();
    await closing;
    await runtime.close();
    await rm(dataDir, { recursive: true, force: true });
  };
  const home = await fetch(url);
  const type = home.headers.get('content-type') ?? '';
  if (!home.ok || !type.startsWith('text/html')) {
    await close();
    throw new Error(
      `GET / answered ${home.status} ${type}: buildApp does not serve the web UI ` +
        '(webUi from src/server/web-ui.ts is not registered in src/server/app.ts)',
    );
  }
  return {
    url,
    app,
    runtime,
    dropConnections() {
      const count = sockets.size;
      for (const socket of sockets) socket.destroy();
      return count;
    },
    close,
  };
}
