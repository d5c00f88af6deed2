// Salon listening on a real port with a given salon.yaml (SQLite in a temporary data dir)
// and an API key, as `salon serve` builds it: for clients that need a URL (openai, mistralai).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { resolveSettings } from '../../src/config/settings.js';
import { createApiKey } from '../../src/identity/api-keys.js';
import { buildApp } from '../../src/server/app.js';
import { openRuntime } from '../../src/server/runtime.js';

/** A running Salon. */
export interface GatewayApp {
  /** `http://127.0.0.1:PORT/v1` */
  baseURL: string;
  apiKey: string;
  app: FastifyInstance;
  runtime: Awaited<ReturnType<typeof openRuntime>>;
  close(): Promise<void>;
}

/** Starts Salon with `yaml` as its salon.yaml; `env` adds settings (REDIS_URL, …). */
export async function startGatewayApp(
  yaml: string,
  env: NodeJS.ProcessEnv = {},
): Promise<GatewayApp> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'salon-gateway-'));
  const config = path.join(dataDir, 'salon.yaml');
  await writeFile(config, yaml);
  const runtime = await openRuntime(resolveSettings({ dataDir, config }, env));
  const app = await buildApp(runtime);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as { port: number };
  const { key } = await createApiKey(runtime.store.db, { name: 'test' });
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    apiKey: key,
    app,
    runtime,
    async close() {
      await app.close();
      await runtime.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
