// The shapes of docs/web-api.md, as the browser sees them.

/** A signed-in account. */
export interface User {
  id: string;
  email: string;
  displayName: string | null;
  role: 'owner' | 'admin' | 'member';
  /** Owners and admins of `org_default` administer the whole instance. */
  orgId: string;
  createdAt: string;
}

/** GET /api/auth/state. */
export interface AuthState {
  setupRequired: boolean;
  signupEnabled: boolean;
  user: User | null;
  csrfToken?: string;
}

/** One model name from GET /api/models; aliases carry the name they point to. */
export interface ModelEntry {
  id: string;
  aliasOf?: string;
}

/** An open model of the curated catalog. */
export interface CatalogEntry {
  id: string;
  name: string;
  description: string;
  sizeBytes: number;
  downloaded: boolean;
}

/** A provider connected from the web UI (GET /api/providers); its API key never comes back. */
export interface ProviderEntry {
  id: string;
  name: string;
  type: 'openai';
  baseUrl: string;
  /** Upstream model names. */
  models: string[];
  hasApiKey: boolean;
  createdAt: string;
  /** The model names this server serves for it (empty when salon.yaml took its name). */
  routes: string[];
}

/** A chat and its settings. */
export interface Conversation {
  id: string;
  title: string | null;
  model: string | null;
  systemPrompt: string | null;
  folderId: string | null;
  pinned: boolean;
  archived: boolean;
  selectedLeafId: string | null;
  createdAt: string;
  updatedAt: string;
  lastActivityAt: string;
  /** Never listed or searched; deleted by the server once idle. */
  temporary?: boolean;
}

/** One of the user's working share links (GET /api/shares). */
export interface SharedLink {
  id: string;
  /** The public page: /s/:id. */
  url: string;
  conversationId: string;
  /** '' for an untitled conversation. */
  title: string;
  createdAt: string;
}

/** GET /api/conversations/:id: the whole tree, or with `?tail=` its end (complete false). */
export interface ConversationAnswer {
  conversation: Conversation;
  messages: Message[];
  /** With `?tail=`: the selected branch's last message, and whether nothing was left out. */
  leafId?: string | null;
  complete?: boolean;
}

/** Where an assistant message stands. */
export type MessageStatus = 'complete' | 'streaming' | 'interrupted' | 'stopped' | 'error';

/** A thumbs up or down with an optional comment. */
export interface Feedback {
  rating: 'up' | 'down';
  comment: string | null;
}

/** One node of a conversation's message tree. */
export interface Message {
  id: string;
  conversationId: string;
  parentId: string | null;
  role: 'user' | 'assistant' | 'system';
  content: string;
  model: string | null;
  status: MessageStatus;
  error: string | null;
  runId: string | null;
  feedback: Feedback | null;
  createdAt: string;
}

/** A folder of conversations. */
export interface Folder {
  id: string;
  name: string;
  createdAt: string;
}

/** One search hit; highlights are [start, end) ranges into snippet. */
export interface SearchResult {
  conversationId: string;
  conversationTitle: string | null;
  messageId: string;
  role: Message['role'];
  snippet: string;
  highlights: Array<[number, number]>;
}

/** The answer of posting, editing or regenerating: the new messages and their run. */
export interface RunStart {
  userMessage?: Message;
  assistantMessage: Message;
  runId: string;
}

/** The events of a run's SSE stream. */
export type RunEvent =
  | { type: 'text-delta'; id: number; text: string }
  | { type: 'finish'; id: number; finishReason: string }
  | { type: 'error'; id: number; message: string };
