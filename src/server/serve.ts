// `salon serve`: opens the runtime, creates the owner from env on first start, listens, and
// shuts down gracefully on SIGINT/SIGTERM (graceful-shutdown.ts); SIGHUP reloads salon.yaml.
import type { Settings } from '../config/settings.js';
import { appendAudit } from '../governance/audit-log.js';
import { setupOwnerIfNone } from '../identity/setup-owner.js';
import { buildApp } from './app.js';
import { shutDownGracefully } from './graceful-shutdown.js';
import { noModelHint } from './routes/v1/models.js';
import { reloadGateway } from './reload-gateway.js';
import { startRetention } from './retention-runtime.js';
import { openRuntime } from './runtime.js';

/** Starts Salon and resolves once it listens; returns functions that stop it and reload its config. */
export async function serve(
  settings: Settings,
): Promise<{ url: string; stop(): Promise<void>; reload(): Promise<void> }> {
  const runtime = await openRuntime(settings);
  if (settings.adminEmail && settings.adminPassword) {
    const owner = await setupOwnerIfNone(runtime.store.db, {
      email: settings.adminEmail,
      password: settings.adminPassword,
    });
    if (owner) {
      await appendAudit(runtime.store.db, {
        orgId: owner.orgId,
        actorLabel: 'system',
        action: 'org.owner_created',
        targetType: 'user',
        targetId: owner.id,
        details: { email: owner.email, via: 'SALON_ADMIN_EMAIL' },
      });
      console.error(`Created the owner account ${owner.email}.`);
    }
  }
  const app = await buildApp(runtime, { logger: { level: process.env.SALON_LOG_LEVEL ?? 'warn' } });
  const address = await app.listen({ port: settings.port, host: settings.host });
  const retention = startRetention(runtime);
  const models = runtime.gateway.listModels();
  // One write, so that a script waiting for "listening on" also has the model line.
  const summary = models.length
    ? `Models: ${models.map((m) => (m.aliasOf ? `${m.name} → ${m.aliasOf}` : m.name)).join(', ')}`
    : noModelHint;
  console.error(`${summary}\nSalon is listening on ${address} as ${runtime.runs.replicaId}`);
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= shutDownGracefully({
      app,
      runs: runtime.runs,
      stopJobs: () => retention.stop(),
      closeRuntime: () => runtime.close(),
      timeoutMs: settings.shutdownTimeoutMs,
      log: (message) => console.error(`salon: ${message}`),
    }));
  const reload = async () => {
    try {
      const summary = await reloadGateway(settings, runtime.gateway, runtime.governance);
      await appendAudit(runtime.store.db, {
        orgId: null,
        actorLabel: 'system',
        action: 'gateway.reloaded',
        details: { ...summary, via: 'SIGHUP' },
      });
      console.error(
        `Reloaded: providers added [${summary.added.join(', ')}], changed [${summary.changed.join(', ')}], removed [${summary.removed.join(', ')}]`,
      );
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      console.error(`Reload failed, still serving the previous config: ${reason}`);
    }
  };
  return { url: address, stop, reload };
}
