// Retrying a run's few essential statements while the database does not answer (a restart, a
// fail-over): a run that is generating, or has generated, should not fail because PostgreSQL was
// away for a few seconds when it claimed its lease or stored its end.
import { isStorageUnavailable } from '../store/storage-unavailable.js';

/** The longest a run waits for the database: longer than a restart or fail-over usually takes. */
export const databaseRetryMs = 30_000;

/**
 * Runs `statement`, and again while it fails because the database is unreachable (backing off
 * from 100 ms to 0.5 s), for up to `budgetMs` or until `signal` aborts; then its error is thrown.
 * Any other error is thrown at once. `onRetry` hears about the first failure.
 */
export async function retryWhileDatabaseAway<T>(
  statement: () => Promise<T>,
  options: { budgetMs?: number; signal?: AbortSignal; onRetry?(error: unknown): void } = {},
): Promise<T> {
  const deadline = performance.now() + (options.budgetMs ?? databaseRetryMs);
  for (let attempt = 0; ; attempt++) {
    try {
      return await statement();
    } catch (error) {
      const retry =
        isStorageUnavailable(error) && performance.now() < deadline && !options.signal?.aborted;
      if (!retry) throw error;
      if (attempt === 0) options.onRetry?.(error);
      await new Promise((resolve) => setTimeout(resolve, Math.min(100 * 2 ** attempt, 500)));
    }
  }
}
