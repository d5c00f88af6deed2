// Salon in process as `salon serve` assembles it (settings, runtime, `buildApp`), on a fresh
// SQLite data dir, listening on 127.0.0.1:0, with one model, `chat`, served by the fake
// OpenAI-style upstream of the tests (which paces its stream).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { resolveSettings } from '../../src/config/settings.js';
import { buildApp } from '../../src/server/app.js';
import { openRuntime } from '../../src/server/runtime.js';
import { signIn, type SignedIn } from '../../tests/helpers/sign-in.js';
import { startFakeOpenAI, type FakeUpstream } from '../../tests/helpers/fake-openai.js';

/** A running Salon, its upstream and a signed-in owner. */
export interface BenchServer {
  url: string;
  runtime: Awaited<ReturnType<typeof openRuntime>>;
  upstream: FakeUpstream;
  owner: SignedIn;
  close(): Promise<void>;
}

/** Starts the fake upstream and Salon over it, and signs an owner in. */
export async function startBenchServer(): Promise<BenchServer> {
  const upstream = await startFakeOpenAI([{ kind: 'reply', text: 'Bonjour !' }]);
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'salon-bench-web-'));
  const config = path.join(dataDir, 'salon.yaml');
  await writeFile(
    config,
    [
      'providers:',
      `  upstream: { type: openai, base_url: "${upstream.url}", timeout: 60 }`,
      'models:',
      '  - { name: chat, targets: [{ provider: upstream, model: fake-chat }] }',
      '',
    ].join('\n'),
  );
  const runtime = await openRuntime(resolveSettings({ dataDir, config }, {}));
  const app = await buildApp(runtime);
  const sockets = new Set<Socket>();
  app.server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  // An owner, so the UI skips first-run setup.
  const owner = await signIn(runtime.store.db, { role: 'owner', email: 'bench@example.com' });
  return {
    url,
    runtime,
    upstream,
    owner,
    async close() {
      const closing = app.close();
      // Followed runs hold SSE responses open: end them so close() does not wait on them.
      for (const socket of sockets) socket.destroy();
      await closing;
      await runtime.close();
      await upstream.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
