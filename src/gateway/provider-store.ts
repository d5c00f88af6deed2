// Providers connected from the web UI, stored in `providers`. The API key is sealed by the
// secret box (bound to the row's id, so a sealed key copied to another row does not open) and
// leaves this module only as the config handed to the gateway, never in a listed record.
import type { Kysely } from 'kysely';
import type { OpenAIProviderConfig } from '../config/schema.js';
import { SalonError } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import type { SecretBox } from '../lib/secret-box.js';
import { toTimestamp, type Database, type ProvidersTable } from '../store/database.js';

/** A stored provider as listed: the key is only ever `hasApiKey`. */
export interface StoredProvider {
  id: string;
  name: string;
  type: 'openai';
  baseUrl: string;
  models: string[];
  hasApiKey: boolean;
  createdBy: string | null;
  createdAt: string;
}

/** What creating a stored provider takes. */
export interface NewStoredProvider {
  name: string;
  baseUrl: string;
  apiKey?: string;
  models: string[];
  createdBy: string | null;
}

function toStoredProvider(row: ProvidersTable): StoredProvider {
  return {
    id: row.id,
    name: row.name,
    type: row.type,
    baseUrl: row.base_url,
    models: JSON.parse(row.models) as string[],
    hasApiKey: row.api_key_ciphertext !== null,
    createdBy: row.created_by,
    createdAt: row.created_at,
  };
}

/** Stores a provider, its key sealed; 409 when the name is taken. */
export async function createStoredProvider(
  db: Kysely<Database>,
  box: SecretBox,
  input: NewStoredProvider,
): Promise<StoredProvider> {
  const id = newId('prov');
  const now = toTimestamp();
  const row: ProvidersTable = {
    id,
    name: input.name,
    type: 'openai',
    base_url: input.baseUrl,
    api_key_ciphertext: input.apiKey ? await box.seal(input.apiKey, id) : null,
    models: JSON.stringify(input.models),
    created_by: input.createdBy,
    created_at: now,
    updated_at: now,
  };
  // ON CONFLICT DO NOTHING on both dialects: no driver-specific error codes to decode.
  const inserted = await db
    .insertInto('providers')
    .values(row)
    .onConflict((conflict) => conflict.column('name').doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) {
    throw new SalonError('conflict', `A provider named '${input.name}' already exists.`, {
      status: 409,
      type: 'invalid_request_error',
      param: 'name',
    });
  }
  return toStoredProvider(row);
}

/** Every stored provider, oldest first (the order their routes are added in). */
export async function listStoredProviders(db: Kysely<Database>): Promise<StoredProvider[]> {
  const rows = await db
    .selectFrom('providers')
    .selectAll()
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(toStoredProvider);
}

/** Deletes a stored provider; the deleted one, or undefined when the id is unknown. */
export async function deleteStoredProvider(
  db: Kysely<Database>,
  id: string,
): Promise<StoredProvider | undefined> {
  const row = await db
    .deleteFrom('providers')
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
  return row && toStoredProvider(row);
}

/** A stored provider with the gateway config it runs with (the key decrypted). */
export interface LoadedProvider {
  provider: StoredProvider;
  config: OpenAIProviderConfig;
}

/**
 * Every stored provider with its decrypted config, for the gateway at start-up. A key that
 * does not open (another SALON_SECRET) is reported through `onError` and the provider skipped,
 * so that one lost key does not keep the server down.
 */
export async function loadStoredProviders(
  db: Kysely<Database>,
  box: SecretBox,
  onError: (provider: StoredProvider, error: unknown) => void,
): Promise<LoadedProvider[]> {
  const rows = await db
    .selectFrom('providers')
    .selectAll()
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  const loaded: LoadedProvider[] = [];
  for (const row of rows) {
    const provider = toStoredProvider(row);
    try {
      const apiKey = row.api_key_ciphertext && (await box.open(row.api_key_ciphertext, row.id));
      loaded.push({ provider, config: providerConfig(provider, apiKey || undefined) });
    } catch (error) {
      onError(provider, error);
    }
  }
  return loaded;
}

/** The gateway config of a provider. */
export function providerConfig(provider: StoredProvider, apiKey?: string): OpenAIProviderConfig {
  return { type: 'openai', base_url: provider.baseUrl, ...(apiKey && { api_key: apiKey }) };
}
