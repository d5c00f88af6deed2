// Stopping `salon serve` without losing anything, within a bounded time (SALON_SHUTDOWN_TIMEOUT):
// readiness turns off first and the server goes on serving for a moment, so a load balancer
// polling /readyz drains this replica before its listener closes; then followers of running
// replies are told to reconnect (to another replica; they resume with Last-Event-ID), the
// listener stops accepting connections and requests in flight finish. Running replies get a share
// of the budget to finish and are then interrupted with their text kept; last, the usage ledger is
// flushed and the store and bus closed. Connections that still hang when their share is up are
// cut, so the process always exits in time.
import type { FastifyInstance } from 'fastify';
import type { RunManager } from '../chat/run-manager.js';

// Shares of the budget. Readiness is off for a fifth of it (at most 2 s) before the listener
// closes; requests in flight and replies may run until 60% of it, which leaves the rest for
// interrupting replies, flushing the ledger and closing connections.
const readinessShare = 0.2;
const readinessMaxMs = 2_000;
const requestsShare = 0.6;
const runsShare = 0.6;

/** What a graceful shutdown stops. */
export interface GracefulShutdownParts {
  app: FastifyInstance;
  runs: RunManager;
  /** Background jobs to stop first (retention). */
  stopJobs(): Promise<void>;
  /** Flushes the usage ledger and closes the gateway, the bus and the store. */
  closeRuntime(): Promise<void>;
  timeoutMs: number;
  log(message: string): void;
}

/** Stops serving in the order above; resolves once everything is closed. */
export async function shutDownGracefully(parts: GracefulShutdownParts): Promise<void> {
  const { app, runs, timeoutMs, log } = parts;
  const startedAt = performance.now();
  const elapsed = () => `${Math.round(performance.now() - startedAt)} ms`;
  log(`draining: /readyz answers 503; ${runs.activeCount} running repl(ies) to hand over`);
  const runsDone = runs
    .drain(timeoutMs * runsShare)
    .then(() => log(`replies finished or interrupted after ${elapsed()}`));
  const readinessMs = Math.min(timeoutMs * readinessShare, readinessMaxMs);
  const appClosed = delay(readinessMs)
    .then(() => closeApp(app, timeoutMs * requestsShare - readinessMs))
    .then((cut) => log(`stopped listening after ${elapsed()}${cut ? ` (${cut})` : ''}`));
  await Promise.all([parts.stopJobs(), runsDone, appClosed]);
  await parts.closeRuntime();
  log(`shut down in ${elapsed()}`);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Closes the app: its preClose hooks tell followers to reconnect, the listener stops, requests in
 * flight finish. Connections still open after `waitMs` are cut; says so in its result.
 */
async function closeApp(app: FastifyInstance, waitMs: number): Promise<string | undefined> {
  let cut: string | undefined;
  const timer = setTimeout(() => {
    cut = 'cut the connections still open';
    app.server.closeAllConnections();
  }, waitMs);
  try {
    await app.close();
  } finally {
    clearTimeout(timer);
  }
  return cut;
}
