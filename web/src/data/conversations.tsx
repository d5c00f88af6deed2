// The signed-in user's conversation list and folders, shared by the sidebar and the chat
// view (a new chat, a new title or new activity shows up in the sidebar at once).
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import type { ReactNode } from 'react';
import { api } from '../api/client.js';
import { firstPaintShown } from '../lib/first-paint.js';
import type { Conversation, Folder } from '../api/types.js';

/** Fields of a conversation the user can change. */
export type ConversationPatch = Partial<
  Pick<
    Conversation,
    'title' | 'model' | 'systemPrompt' | 'folderId' | 'pinned' | 'archived' | 'selectedLeafId'
  >
>;

interface ConversationsValue {
  items: Conversation[];
  folders: Folder[];
  hasMore: boolean;
  loading: boolean;
  error: Error | undefined;
  refresh(): Promise<void>;
  loadMore(): Promise<void>;
  upsert(conversation: Conversation): void;
  update(id: string, patch: ConversationPatch): Promise<Conversation>;
  remove(id: string): Promise<void>;
  createFolder(name: string): Promise<Folder>;
  renameFolder(id: string, name: string): Promise<void>;
  deleteFolder(id: string): Promise<void>;
}

const ConversationsContext = createContext<ConversationsValue | undefined>(undefined);
const pageSize = 50;
/** The API's largest page. */
const maxPage = 200;

/** Pinned first, then the most recent activity first (the server's order). */
export function sortConversations(items: Conversation[]): Conversation[] {
  return [...items].sort((a, b) => {
    if (a.pinned !== b.pinned) return a.pinned ? -1 : 1;
    return a.lastActivityAt < b.lastActivityAt ? 1 : a.lastActivityAt > b.lastActivityAt ? -1 : 0;
  });
}

/** Provides the conversation list. */
export function ConversationsProvider({ children }: { children: ReactNode }) {
  const [items, setItems] = useState<Conversation[]>([]);
  const [folders, setFolders] = useState<Folder[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<Error | undefined>();
  const loaded = useRef(pageSize);

  const refresh = useCallback(async () => {
    try {
      // Reload as many as are shown, so "load more" pages stay after a refresh.
      const [page, folderList] = await Promise.all([
        api<{ items: Conversation[]; nextCursor: string | null }>(
          `/api/conversations?limit=${Math.min(loaded.current, maxPage)}&archived=0`,
        ),
        api<Folder[] | { items?: Folder[]; folders?: Folder[] }>('/api/folders'),
      ]);
      setItems(sortConversations(page.items.filter((item) => !item.archived)));
      setCursor(page.nextCursor ?? null);
      setFolders(
        Array.isArray(folderList) ? folderList : (folderList.folders ?? folderList.items ?? []),
      );
      setError(undefined);
    } catch (caught) {
      setError(caught as Error);
    } finally {
      setLoading(false);
    }
  }, []);

  // The list waits for the first frame to be shown: the chat it would compete with comes first.
  useEffect(() => firstPaintShown(() => void refresh()), [refresh]);

  const loadMore = useCallback(async () => {
    if (!cursor) return;
    const page = await api<{ items: Conversation[]; nextCursor: string | null }>(
      `/api/conversations?limit=${pageSize}&archived=0&cursor=${encodeURIComponent(cursor)}`,
    );
    loaded.current += pageSize;
    setItems((previous) => {
      const known = new Set(previous.map((item) => item.id));
      return sortConversations([...previous, ...page.items.filter((item) => !known.has(item.id))]);
    });
    setCursor(page.nextCursor ?? null);
  }, [cursor]);

  const upsert = useCallback((conversation: Conversation) => {
    setItems((previous) => {
      const rest = previous.filter((item) => item.id !== conversation.id);
      return sortConversations(conversation.archived ? rest : [conversation, ...rest]);
    });
  }, []);

  const update = useCallback(
    async (id: string, patch: ConversationPatch) => {
      const conversation = await api<Conversation>(`/api/conversations/${encodeURIComponent(id)}`, {
        method: 'PATCH',
        body: patch,
      });
      upsert(conversation);
      return conversation;
    },
    [upsert],
  );

  const remove = useCallback(async (id: string) => {
    await api(`/api/conversations/${encodeURIComponent(id)}`, { method: 'DELETE' });
    setItems((previous) => previous.filter((item) => item.id !== id));
  }, []);

  const createFolder = useCallback(async (name: string) => {
    const folder = await api<Folder>('/api/folders', { method: 'POST', body: { name } });
    setFolders((previous) => [...previous, folder]);
    return folder;
  }, []);

  const renameFolder = useCallback(async (id: string, name: string) => {
    const folder = await api<Folder>(`/api/folders/${encodeURIComponent(id)}`, {
      method: 'PATCH',
      body: { name },
    });
    setFolders((previous) => previous.map((item) => (item.id === id ? folder : item)));
  }, []);

  const deleteFolder = useCallback(
    async (id: string) => {
      await api(`/api/folders/${encodeURIComponent(id)}`, { method: 'DELETE' });
      setFolders((previous) => previous.filter((item) => item.id !== id));
      // The server may move or delete the folder's chats: ask it.
      await refresh();
    },
    [refresh],
  );

  const value = useMemo<ConversationsValue>(
    () => ({
      items,
      folders,
      hasMore: cursor !== null,
      loading,
      error,
      refresh,
      loadMore,
      upsert,
      update,
      remove,
      createFolder,
      renameFolder,
      deleteFolder,
    }),
    [
      items,
      folders,
      cursor,
      loading,
      error,
      refresh,
      loadMore,
      upsert,
      update,
      remove,
      createFolder,
      renameFolder,
      deleteFolder,
    ],
  );
  return <ConversationsContext.Provider value={value}>{children}</ConversationsContext.Provider>;
}

/** The conversation list. */
export function useConversations(): ConversationsValue {
  const value = useContext(ConversationsContext);
  if (!value) throw new Error('useConversations outside ConversationsProvider');
  return value;
}
