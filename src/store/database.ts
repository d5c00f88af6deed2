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
  /** The organisation the account belongs to (migration 0009). */
  org_id: Generated<string>;
  /** The identity provider's id for a provisioned account (SCIM externalId). */
  external_id: Generated<string | null>;
}

/** `orgs`: an organisation; every user belongs to exactly one. */
export interface OrgsTable {
  id: string;
  name: string;
  /** 1: members sign in only through the organisation's identity provider. */
  sso_only: Generated<number>;
  /** Conversations idle for longer are deleted by the retention job; null keeps them. */
  retention_days: number | null;
  /** SHA-256 of the SCIM bearer token; null while SCIM is off. */
  scim_token_hash: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** `teams`: a group of an organisation's users. */
export interface TeamsTable {
  id: string;
  org_id: string;
  name: string;
  /** The identity provider's id for the group this team mirrors (SCIM externalId). */
  external_id: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** A user's role inside one team. */
export type TeamRole = 'manager' | 'member';

/** `team_members`: who is in which team. */
export interface TeamMembersTable {
  team_id: string;
  user_id: string;
  role: TeamRole;
  created_at: Timestamp;
}

/** `invitations`: a link that lets someone join an organisation; only its token's hash is kept. */
export interface InvitationsTable {
  id: string;
  org_id: string;
  token_hash: string;
  /** When set, only this address may accept. */
  email: string | null;
  role: 'admin' | 'member';
  team_id: string | null;
  created_by: string | null;
  created_at: Timestamp;
  expires_at: Timestamp;
  accepted_at: Timestamp | null;
  accepted_by: string | null;
  revoked_at: Timestamp | null;
}

/** `model_access`: a model with rows is open only to those teams (and owners and admins). */
export interface ModelAccessTable {
  org_id: string;
  model: string;
  team_id: string;
  created_at: Timestamp;
}

/** What a quota applies to. */
export type QuotaScope = 'org' | 'team' | 'user';

/** `quotas`: limits on chat and /v1 for one organisation, team or user. */
export interface QuotasTable {
  id: string;
  org_id: string;
  scope: QuotaScope;
  /** The organisation's, team's or user's id. */
  subject_id: string;
  rpm: number | null;
  tpm: number | null;
  budget_tokens: number | null;
  budget_usd: number | null;
  budget_period: BudgetPeriod | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** `org_sso`: an organisation's OpenID Connect identity provider. */
export interface OrgSsoTable {
  org_id: string;
  issuer: string;
  client_id: string;
  /** Sealed by lib/secret-box, bound to the organisation's id. */
  client_secret_ciphertext: string | null;
  groups_claim: Generated<string>;
  /** JSON: [{ group, team?, role? }]. */
  group_mappings: Generated<string>;
  enabled: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** `audit_events`: the append-only, hash-chained audit log. */
export interface AuditEventsTable {
  /** Position in the chain, assigned by the writer (last + 1). */
  seq: number;
  id: string;
  created_at: Timestamp;
  org_id: string | null;
  actor_id: string | null;
  /** What the actor was called at the time: an email, `instance`, `scim`, `system`. */
  actor_label: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  ip: string | null;
  /** JSON object; never message content or secrets. */
  details: string;
  prev_hash: string;
  hash: string;
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
  /** The organisation of the key's user; null for instance keys (migration 0009). */
  org_id: Generated<string | null>;
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
  /** 1 for a temporary chat: deleted once idle by the retention job (migration 0009). */
  temporary: Generated<number>;
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
  /** The replica generating the run while it streams (migration 0011). */
  run_owner: string | null;
  /** When that replica last renewed its lease on the run; too old means it died. */
  run_heartbeat_at: Timestamp | null;
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

/**
 * `usage_daily`: the usage ledger summed per organisation, UTC day, model, team and user (`''` for
 * none), kept up to date by the ledger's flush. Usage analytics read this, never the ledger.
 */
export interface UsageDailyTable {
  org_id: string;
  /** `YYYY-MM-DD`, UTC. */
  day: string;
  model: string;
  /** `''` when the requests had no team. */
  team_id: string;
  /** `''` when the requests had no user (an organisation's key without one). */
  user_id: string;
  // Sums are bigint on PostgreSQL, which pg returns as strings.
  requests: number | string;
  /** Requests answered with a status >= 400. */
  errors: number | string;
  prompt_tokens: number | string;
  completion_tokens: number | string;
  /** Requests without a price count as zero here and in `unpriced_requests`. */
  cost_usd: number;
  unpriced_requests: number | string;
  /** The sum of the requests' latencies, for the average. */
  latency_ms: number | string;
}

/** The summed counters every usage rollup row carries (`usage_daily` and its coarser companions). */
export type UsageRollupCounters = Omit<
  UsageDailyTable,
  'org_id' | 'day' | 'model' | 'team_id' | 'user_id'
>;

/** `usage_daily_model`: `usage_daily` summed per organisation, UTC day and model (migration 0012). */
export interface UsageDailyModelTable extends UsageRollupCounters {
  org_id: string;
  day: string;
  model: string;
}

/**
 * `usage_daily_user`: `usage_daily` summed per organisation, UTC day, user and team (`''` for
 * none; migration 0012): per-user and per-team figures and active users.
 */
export interface UsageDailyUserTable extends UsageRollupCounters {
  org_id: string;
  day: string;
  user_id: string;
  team_id: string;
}

/**
 * `usage_active_days`: per organisation, UTC month (`YYYY-MM`), model and user (never `''`), the
 * days of the month the user sent the model a request, as bits (day 1 → bit 0; migration 0013):
 * active users per model over any range of days.
 */
export interface UsageActiveDaysTable {
  org_id: string;
  month: string;
  model: string;
  user_id: string;
  // bigint on PostgreSQL, which pg returns as a string.
  day_bits: number | string;
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
  usage_daily: UsageDailyTable;
  usage_daily_model: UsageDailyModelTable;
  usage_daily_user: UsageDailyUserTable;
  usage_active_days: UsageActiveDaysTable;
  arena_battles: ArenaBattlesTable;
  arena_votes: ArenaVotesTable;
  orgs: OrgsTable;
  teams: TeamsTable;
  team_members: TeamMembersTable;
  invitations: InvitationsTable;
  model_access: ModelAccessTable;
  quotas: QuotasTable;
  org_sso: OrgSsoTable;
  audit_events: AuditEventsTable;
}

/** The stored form of an instant (defaults to now). */
export function toTimestamp(date: Date = new Date()): Timestamp {
  return date.toISOString();
}
