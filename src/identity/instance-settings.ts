// Instance-wide settings an owner or admin changes from the web UI, stored one JSON value per key
// in `settings`. Every read goes to the database, so a change applies on every replica at once.
import type { Kysely } from 'kysely';
import { toTimestamp, type Database } from '../store/database.js';

/** The settings and their types. */
export interface InstanceSettings {
  /** Whether anyone may create a member account from the sign-in page. */
  signupEnabled: boolean;
}

/** What an instance starts with: closed to self sign-up. */
export const defaultInstanceSettings: Readonly<InstanceSettings> = { signupEnabled: false };

const keys = Object.keys(defaultInstanceSettings) as (keyof InstanceSettings)[];

/** Every setting, stored values over defaults; a value of the wrong type reads as the default. */
export async function getInstanceSettings(db: Kysely<Database>): Promise<InstanceSettings> {
  const rows = await db.selectFrom('settings').selectAll().where('key', 'in', keys).execute();
  const settings: InstanceSettings = { ...defaultInstanceSettings };
  for (const row of rows) {
    const key = row.key as keyof InstanceSettings;
    const value: unknown = JSON.parse(row.value);
    if (typeof value === typeof defaultInstanceSettings[key]) {
      (settings as unknown as Record<string, unknown>)[key] = value;
    }
  }
  return settings;
}

/** Stores the given settings (others unchanged) and returns them all. */
export async function updateInstanceSettings(
  db: Kysely<Database>,
  changes: Partial<InstanceSettings>,
): Promise<InstanceSettings> {
  const updatedAt = toTimestamp();
  for (const key of keys) {
    if (changes[key] === undefined) continue;
    const value = JSON.stringify(changes[key]);
    await db
      .insertInto('settings')
      .values({ key, value, updated_at: updatedAt })
      .onConflict((conflict) =>
        conflict.column('key').doUpdateSet({ value, updated_at: updatedAt }),
      )
      .execute();
  }
  return getInstanceSettings(db);
}
