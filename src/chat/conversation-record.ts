import type { Selectable } from 'kysely';
import type { ConversationsTable } from '../store/database.js';

/** A conversation as the API shows it (docs/web-api.md). */
export interface Conversation {
  id: string;
  title: string;
  model: string | null;
  systemPrompt: string | null;
  folderId: string | null;
  pinned: boolean;
  archived: boolean;
  selectedLeafId: string | null;
  createdAt: string;
  updatedAt: string;
  lastActivityAt: string;
  /** A temporary chat, deleted once idle by the retention job. */
  temporary: boolean;
}

/** Maps a `conversations` row to its record. */
export function toConversation(row: Omit<Selectable<ConversationsTable>, 'kind'>): Conversation {
  return {
    id: row.id,
    title: row.title,
    model: row.model,
    systemPrompt: row.system_prompt,
    folderId: row.folder_id,
    pinned: row.pinned === 1,
    archived: row.archived === 1,
    selectedLeafId: row.selected_leaf_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    lastActivityAt: row.last_activity_at,
    temporary: row.temporary === 1,
  };
}
