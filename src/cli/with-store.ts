// Shared by the commands that work on the database (`keys`, `users`): open, run, always close.
import { isSalonError } from '../lib/errors.js';
import type { Store } from '../store/create-database.js';

/**
 * Runs `task` on a freshly opened store and closes it. A user mistake (a SalonError below 500)
 * prints `salon <name>: <message>` on stderr and sets exit code 1; anything else propagates.
 */
export async function withStore(
  name: string,
  openStore: () => Promise<Store>,
  task: (store: Store) => Promise<void>,
): Promise<void> {
  const store = await openStore();
  try {
    await task(store);
  } catch (error) {
    if (!isSalonError(error) || error.status >= 500) throw error;
    console.error(`salon ${name}: ${error.message}`);
    process.exitCode = 1;
  } finally {
    await store.close();
  }
}
