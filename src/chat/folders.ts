// Folders: a user's named groups of conversations. Deleting one leaves its conversations
// outside any folder (the foreign key sets them to null).
import type { Kysely } from 'kysely';
import { notFound } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import { toTimestamp, type Database, type FoldersTable } from '../store/database.js';
import type { Selectable } from 'kysely';

/** A folder as the API shows it. */
export interface Folder {
  id: string;
  name: string;
  createdAt: string;
}

function toFolder(row: Pick<Selectable<FoldersTable>, 'id' | 'name' | 'created_at'>): Folder {
  return { id: row.id, name: row.name, createdAt: row.created_at };
}

const missing = (id: string) => notFound(`No folder with id '${id}'.`, 'folder_not_found');

/** The user's folders, by name. */
export async function listFolders(db: Kysely<Database>, userId: string): Promise<Folder[]> {
  const rows = await db
    .selectFrom('folders')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('name')
    .orderBy('id')
    .execute();
  return rows.map(toFolder);
}

/** Creates a folder. */
export async function createFolder(
  db: Kysely<Database>,
  userId: string,
  name: string,
): Promise<Folder> {
  const now = toTimestamp();
  const row = { id: newId('folder'), user_id: userId, name, created_at: now, updated_at: now };
  await db.insertInto('folders').values(row).execute();
  return toFolder(row);
}

/** Renames a folder; 404 when not the user's. */
export async function renameFolder(
  db: Kysely<Database>,
  userId: string,
  id: string,
  name: string,
): Promise<Folder> {
  const result = await db
    .updateTable('folders')
    .set({ name, updated_at: toTimestamp() })
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) throw missing(id);
  const row = await db.selectFrom('folders').selectAll().where('id', '=', id).executeTakeFirst();
  return toFolder(row!);
}

/** Deletes a folder; its conversations stay, outside any folder. 404 when not the user's. */
export async function deleteFolder(
  db: Kysely<Database>,
  userId: string,
  id: string,
): Promise<void> {
  const result = await db
    .deleteFrom('folders')
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (Number(result.numDeletedRows) === 0) throw missing(id);
}
