// The databases the store benches (audit, search, usage) measure: a fresh one per dialect, and
// PostgreSQL left out, with the reason in the report, when no server answers.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type Store } from '../src/store/create-database.js';
import type { DialectName } from '../src/store/store-dialect.js';
import { createTestSchema, postgresUnavailableReason } from '../tests/helpers/postgres.js';

/**
 * A fresh store of `dialect`, migrated to the latest schema, and how to remove it: a temp dir
 * named after `bench` for SQLite, a throwaway schema for PostgreSQL.
 */
export async function openFreshStore(
  dialect: DialectName,
  bench: string,
): Promise<{ store: Store; drop(): Promise<void> }> {
  if (dialect === 'sqlite') {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), `salon-bench-${bench}-`));
    const store = await openDatabase({ dataDir });
    return { store, drop: () => rm(dataDir, { recursive: true, force: true }) };
  }
  const schema = await createTestSchema();
  const store = await openDatabase({ databaseUrl: schema.url, dataDir: '/nonexistent' });
  return { store, drop: schema.drop };
}

/**
 * The asked-for dialects that can run here: PostgreSQL is dropped, loudly on stderr and with
 * its reason in `skipped`, when the test server does not answer.
 */
export async function runnableDialects(
  asked: readonly DialectName[],
): Promise<{ dialects: DialectName[]; skipped: string[] }> {
  if (!asked.includes('postgres')) return { dialects: [...asked], skipped: [] };
  const reason = await postgresUnavailableReason();
  if (!reason) return { dialects: [...asked], skipped: [] };
  const why = `${reason} (set SALON_TEST_DATABASE_URL)`;
  console.error(`\n*** SKIPPED postgres: ${why} ***\n`);
  return {
    dialects: asked.filter((dialect) => dialect !== 'postgres'),
    skipped: [`postgres: ${why}`],
  };
}
