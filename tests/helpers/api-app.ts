// The web UI's API over a real runtime (storage on the given dialect, an empty gateway), on
// the app `salon serve` builds.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { resolveSettings } from '../../src/config/settings.js';
import { buildApp, type AppOptions } from '../../src/server/app.js';
import { openRuntime, type RuntimeOptions } from '../../src/server/runtime.js';
import type { StoreTarget } from './stores.js';

/** A running API and what it runs on. */
export interface ApiTestApp {
  app: FastifyInstance;
  runtime: Awaited<ReturnType<typeof openRuntime>>;
  dataDir: string;
  /** Closes the app and the runtime and deletes the data. */
  dispose(): Promise<void>;
}

/** What a test may add to the app: settings from `env` (SALON_UPSTREAM_ALLOW, …), a resolver. */
export type ApiTestAppOptions = AppOptions & RuntimeOptions & { env?: NodeJS.ProcessEnv };

/** Opens a fresh database on `target` and the API over it. */
export async function openApiTestApp(
  target: StoreTarget,
  { env = {}, resolve, ...options }: ApiTestAppOptions = {},
): Promise<ApiTestApp> {
  const database = await target.createDatabase();
  const { databaseUrl } = database.options;
  // SQLite lives in the data dir; with PostgreSQL the data dir holds only models.
  const dataDir = databaseUrl
    ? await mkdtemp(path.join(os.tmpdir(), 'salon-api-'))
    : database.options.dataDir;
  const settings = resolveSettings(
    { dataDir },
    { ...env, ...(databaseUrl && { DATABASE_URL: databaseUrl }) },
  );
  const runtime = await openRuntime(settings, { resolve });
  const app = await buildApp(runtime, options);
  await app.ready();
  return {
    app,
    runtime,
    dataDir: settings.dataDir,
    async dispose() {
      await app.close();
      await runtime.close();
      await database.drop();
      if (databaseUrl) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
