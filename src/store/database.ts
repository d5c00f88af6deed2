// The tables as Kysely sees them. Column names are snake_case, as stored; repositories map rows
// to camelCase records at their edge.
//
// Conventions shared by every table (and every future migration):
// - ids are text (`newId(prefix)`), never database sequences, so both dialects agree;
// - timestamps are ISO 8601 UTC text from `Date#toISOString()` (see `Timestamp`);
// - booleans are integer 0/1 (SQLite has no boolean type; Postgres reads integers back as numbers).

import type { Generated } from 'kysely';

/**
 * An instant as ISO 8601 UTC text, e.g. `2025-01-31T12:00:00.000Z`. Chosen over bigint ms because
 * it reads the same on both dialects with no driver type parsers (pg returns int8 as a string),
 * stays legible in `sqlite3` and `psql`, and, being fixed-width UTC, sorts chronologically as text.
 */
export type Timestamp = string;

/** Who a user is to the instance. */
export type UserRole = 'owner' | 'admin' | 'member';

/** `users`: one row per account; `email` is stored lower-cased and is unique. */
export interface UsersTable {
  id: string;
  email: string;
  /** Null for accounts that only sign in through an identity provider. */
  password_hash: string | null;
  display_name: string | null;
  role: UserRole;
  created_at: Timestamp;
  updated_at: Timestamp;
  disabled_at: Timestamp | null;
}

/** `api_keys`: only the hash of a key is stored; `prefix` is what the owner sees in lists. */
export interface ApiKeysTable {
  id: string;
  name: string;
  /** Null for instance-level keys not tied to a user. */
  user_id: string | null;
  prefix: string;
  key_hash: string;
  created_at: Timestamp;
  last_used_at: Timestamp | null;
  expires_at: Timestamp | null;
  revoked_at: Timestamp | null;
  /** JSON array of the model names the key may use; null for every model. */
  allowed_models: string | null;
  /** Requests per minute; null for no limit of the key's own. */
  rpm: number | null;
  /** Tokens (prompt + completion) per minute. */
  tpm: number | null;
  /** Tokens per budget period. */
  budget_tokens: number | null;
  /** US dollars per budget period. */
  budget_usd: number | null;
  /** The budget's period, in UTC; null when the key has no budget. */
  budget_period: BudgetPeriod | null;
}

/** A budget resets at the start of each UTC day or calendar month. */
export type BudgetPeriod = 'day' | 'month';

/** `sessions`: one row per web sign-in; `id` is the SHA-256 of the cookie's token, never the token. */
export interface SessionsTable {
  id: string;
  user_id: string;
  csrf_token: string;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  expires_at: Timestamp;
  ip: string | null;
  user_agent: string | null;
}

/** `login_attempts`: sign-in attempts in the current window, per hash of email and address. */
export interface LoginAttemptsTable {
  key: string;
  count: number;
  window_started_at: Timestamp;
}

/** `settings`: instance-wide settings, one JSON value per key. */
export interface SettingsTable {
  key: string;
  value: string;
  updated_at: Timestamp;
}

/** `folders`: a user's named groups of conversations. */
export interface FoldersTable {
  id: string;
  user_id: string;
  name: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** `conversations`: one chat, owned by one user; its messages form a tree. */
export interface ConversationsTable {
  id: string;
  user_id: string;
  /** Empty until the user names it or the title model has answered. */
  title: string;
  /** The model new replies use unless a request names another; null for the default. */
  model: string | null;
  system_prompt: string | null;
  folder_id: string | null;
  pinned: number;
  archived: number;
  /** The message whose branch is shown (no foreign key: messages reference conversations). */
  selected_leaf_id: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  /** When a message was last added; the conversation list is ordered by it. */
  last_activity_at: Timestamp;
  /** `arena`: a battle's prompt and answers, hidden from the chat (migration 0008). */
  kind: Generated<ConversationKind>;
}

/** An ordinary chat, or the conversation behind an arena battle. */
export type ConversationKind = 'chat' | 'arena';

/** Who wrote a message. */
export type MessageRole = 'user' | 'assistant' | 'system';

/** Where a message's text stands: assistant messages are `streaming` while their run lives. */
export type MessageStatus = 'complete' | 'streaming' | 'interrupted' | 'stopped' | 'error';

/**
 * `messages`: one row per message, each pointing at its parent (null for a root). On SQLite the
 * table also has an integer `rowid` column (the full-text index's key), and on PostgreSQL a
 * generated `search_vector`; neither is listed here because only the search files read them.
 */
export interface MessagesTable {
  id: string;
  conversation_id: string;
  parent_id: string | null;
  role: MessageRole;
  content: string;
  model: string | null;
  status: MessageStatus;
  error: string | null;
  /** The run that generates (or generated) an assistant message. */
  run_id: string | null;
  prompt_tokens: number | null;
  completion_tokens: number | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** `shares`: a public read-only link to a conversation; `id` is the secret token. */
export interface SharesTable {
  id: string;
  conversation_id: string;
  user_id: string;
  created_at: Timestamp;
  revoked_at: Timestamp | null;
}

/** A thumbs up or down. */
export type FeedbackRating = 'up' | 'down';

/** `feedback`: at most one rating per message. */
export interface FeedbackTable {
  message_id: string;
  user_id: string;
  rating: FeedbackRating;
  comment: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** `providers`: OpenAI-style APIs connected from the web UI; `name` is unique. */
export interface ProvidersTable {
  id: string;
  name: string;
  type: 'openai';
  base_url: string;
  /** The API key sealed by lib/secret-box (bound to the row's id); never the key itself. */
  api_key_ciphertext: string | null;
  /** JSON array of the upstream model names served. */
  models: string;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** `usage_events`: the usage ledger, one row per gateway request (no foreign keys: it outlives users and keys). */
export interface UsageEventsTable {
  id: string;
  created_at: Timestamp;
  user_id: string | null;
  api_key_id: string | null;
  org_id: string | null;
  team_id: string | null;
  /** The route, e.g. `/v1/chat/completions`. */
  endpoint: string;
  /** The model name the client asked for. */
  model: string;
  /** The target that served (`provider/model`); null when none did. */
  target: string | null;
  prompt_tokens: number;
  completion_tokens: number;
  /** Null when the target that served has no price. */
  cost_usd: number | null;
  latency_ms: number;
  /** Milliseconds to the first token; null when none came. */
  ttft_ms: number | null;
  /** The HTTP status sent to the client. */
  status: number;
  error_code: string | null;
}

/** `arena_battles`: one prompt answered by two anonymous models, sides `a` and `b`. */
export interface ArenaBattlesTable {
  id: string;
  user_id: string;
  /** The `arena` conversation holding the prompt and both answers. */
  conversation_id: string;
  model_a: string;
  model_b: string;
  message_a_id: string;
  message_b_id: string;
  created_at: Timestamp;
}

/** `arena_votes`: at most one vote per battle, by its user. */
export interface ArenaVotesTable {
  battle_id: string;
  user_id: string;
  outcome: 'a' | 'b' | 'tie' | 'both_bad';
  created_at: Timestamp;
}

/** Every table Salon stores. */
export interface Database {
  users: UsersTable;
  api_keys: ApiKeysTable;
  folders: FoldersTable;
  conversations: ConversationsTable;
  messages: MessagesTable;
  shares: SharesTable;
  feedback: FeedbackTable;
  sessions: SessionsTable;
  login_attempts: LoginAttemptsTable;
  settings: SettingsTable;
  providers: ProvidersTable;
  usage_events: UsageEventsTable;
  arena_battles: ArenaBattlesTable;
  arena_votes: ArenaVotesTable;
}

/** The stored form of an instant (defaults to now). */
export function toTimestamp(date: Date = new Date()): Timestamp {
  return date.toISOString();
}
