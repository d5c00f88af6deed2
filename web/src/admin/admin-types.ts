// The admin API's shapes as the console reads them (src/server/routes/admin/*).

/** A team with its member count (GET /api/admin/teams). */
export interface TeamSummary {
  id: string;
  name: string;
  externalId: string | null;
  memberCount: number;
  createdAt: string;
}

/** One person in a team (GET /api/admin/teams/:id/members). */
export interface TeamMember {
  userId: string;
  email: string;
  displayName: string | null;
  role: 'manager' | 'member';
  joinedAt: string;
}

/** Where an invitation stands. */
export type InvitationStatus = 'pending' | 'accepted' | 'expired' | 'revoked';

/** An invitation link (the token itself is only in the creation's answer). */
export interface Invitation {
  id: string;
  email: string | null;
  role: 'admin' | 'member';
  teamId: string | null;
  createdAt: string;
  expiresAt: string;
  acceptedAt: string | null;
  status: InvitationStatus;
}

/** An organisation (GET /api/admin/org, /api/admin/orgs). */
export interface Org {
  id: string;
  name: string;
  ssoOnly: boolean;
  retentionDays: number | null;
  scimEnabled: boolean;
  createdAt: string;
}

/** A provider as GET /api/admin/providers describes it (never its key). */
export interface AdminProvider {
  name: string;
  source: 'config' | 'web';
  type: string;
  baseUrl?: string;
  modelPath?: string;
  hasApiKey?: boolean;
}

/** A served model and its targets (GET /api/admin/models). */
export interface AdminModel {
  name: string;
  aliasOf: string | null;
  balance: string;
  targets: { provider: string; model: string | null; weight: number }[];
  fallbacks: string[];
}

/** A target's health (GET /api/admin/targets). */
export interface TargetHealth {
  target: string;
  inFlight: number;
  requests: number;
  failures: number;
  successes: number;
  latencyMs: number | null;
  firstTokenMs: number | null;
  pausedUntil: string | null;
  breaker: { state: 'closed' | 'open' | 'half-open'; consecutiveFailures: number };
}

/** Totals of requests since an instant. */
export interface UsageSummary {
  requests: number;
  totalTokens: number;
  costUsd: number;
}

/** An API key with this month's usage (GET /api/admin/keys). */
export interface ApiKeyEntry {
  id: string;
  name: string;
  userId: string | null;
  orgId: string | null;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
  limits: {
    models: string[] | null;
    rpm: number | null;
    tpm: number | null;
    budgetTokens: number | null;
    budgetUsd: number | null;
    budgetPeriod: 'day' | 'month' | null;
  };
  usageThisMonth: UsageSummary;
}

/** One audit event (GET /api/admin/audit). */
export interface AuditEvent {
  seq: number;
  id: string;
  createdAt: string;
  actorId: string | null;
  actorLabel: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  ip: string | null;
  details: Record<string, unknown>;
}

/** A page of the audit log. */
export interface AuditPage {
  data: AuditEvent[];
  nextBefore: number | null;
}

/** A list answer of the admin API. */
export interface DataList<T> {
  data: T[];
}
