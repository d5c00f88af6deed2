// What admission reads about an organisation and a user on every request, cached in-process so
// that the hot path does not query for it: an organisation's quotas and model access rules, and a
// user's organisation, role and teams. A change (the admin API, SCIM) calls `invalidate`, which
// drops the entries here and, once `share` linked the cache to the bus, on every replica. Entries
// still live only `ttlMs`: Redis pub/sub delivers at most once, and a replica cut off from it
// when the notice went out applies the change when its copy expires (docs/quotas.md).
import type { Kysely } from 'kysely';
import type { Broadcasts } from '../bus/broadcasts.js';
import type { Unsubscribe } from '../bus/bus.js';
import { OrgScope } from '../identity/org-scope.js';
import { getOrg } from '../identity/orgs.js';
import { teamsOfUser } from '../identity/teams.js';
import { findUserById, type UserRole } from '../identity/users.js';
import type { Database } from '../store/database.js';
import type { CallerTeam } from './limit-scopes.js';
import { readModelAccess, type ModelAccess } from './model-access.js';
import { listQuotas, type Quota } from './quotas.js';

/** An organisation's quotas and model access rules. */
export interface OrgPolicy {
  org: { id: string; name: string };
  quotas: readonly Quota[];
  modelAccess: ModelAccess;
}

/** A user as limits and access rules see them. */
export interface UserStanding {
  userId: string;
  orgId: string;
  role: UserRole;
  /**
   * Every team the user is in, earliest joined first (ties by team id): the first is the user's
   * primary team, the one usage rows carry.
   */
  teams: readonly CallerTeam[];
}

/** Reads an organisation's policy from the store. */
export async function loadOrgPolicy(db: Kysely<Database>, orgId: string): Promise<OrgPolicy> {
  const scope = new OrgScope(db, orgId);
  const [org, quotas, modelAccess] = await Promise.all([
    getOrg(db, orgId),
    listQuotas(scope),
    readModelAccess(scope),
  ]);
  return { org: { id: org.id, name: org.name }, quotas, modelAccess };
}

/** Reads a user's organisation, role and teams; undefined for an unknown user. */
export async function loadUserStanding(
  db: Kysely<Database>,
  userId: string,
): Promise<UserStanding | undefined> {
  const user = await findUserById(db, userId);
  if (!user) return undefined;
  const teams = await teamsOfUser(new OrgScope(db, user.orgId), userId);
  const named = teams.map((team) => ({ id: team.id, name: team.name }));
  return { userId, orgId: user.orgId, role: user.role, teams: named };
}

// The bound for a change whose notice was lost; long enough that a busy organisation reads its
// policy a few times a minute, not on every request.
const defaultTtlMs = 5_000;
const topic = 'org-policy-invalidations';
// Bounds memory on an instance with many active users; past it the oldest entries go first.
const maxEntries = 10_000;

interface Entry<T> {
  value: Promise<T>;
  expiresAt: number;
}

/** Options for OrgPolicyCache. */
export interface OrgPolicyCacheOptions {
  ttlMs?: number;
  now?: () => number;
}

/** Organisation policies and user standings, each read at most once per `ttlMs`. */
export class OrgPolicyCache {
  readonly #db: Kysely<Database>;
  readonly #ttlMs: number;
  readonly #now: () => number;
  readonly #policies = new Map<string, Entry<OrgPolicy>>();
  readonly #standings = new Map<string, Entry<UserStanding | undefined>>();
  #shared?: { broadcasts: Broadcasts; log: (message: string) => void };

  constructor(db: Kysely<Database>, options: OrgPolicyCacheOptions = {}) {
    this.#db = db;
    this.#ttlMs = options.ttlMs ?? defaultTtlMs;
    this.#now = options.now ?? Date.now;
  }

  /** The organisation's quotas and model access rules. */
  policy(orgId: string): Promise<OrgPolicy> {
    return this.#read(this.#policies, orgId, () => loadOrgPolicy(this.#db, orgId));
  }

  /** The user's organisation, role and teams; undefined for an unknown user. */
  standing(userId: string): Promise<UserStanding | undefined> {
    return this.#read(this.#standings, userId, () => loadUserStanding(this.#db, userId));
  }

  /**
   * From now on, `invalidate` reaches every replica listening on `broadcasts`, and theirs apply
   * here. The function returned stops both.
   */
  async share(broadcasts: Broadcasts, log: (message: string) => void): Promise<Unsubscribe> {
    const stop = await broadcasts.onBroadcast(topic, (orgId) => this.#forget(orgId));
    const shared = { broadcasts, log };
    this.#shared = shared;
    return () => {
      stop();
      if (this.#shared === shared) this.#shared = undefined;
    };
  }

  /**
   * Forgets what is cached about an organisation and its users, after a change to its quotas,
   * model access, teams or members: the next request reads them again, here at once and on the
   * other replicas as soon as they hear of it. Call after the change is committed. Never throws:
   * should the bus fail, the change applies elsewhere within `ttlMs`.
   */
  async invalidate(orgId: string): Promise<void> {
    this.#forget(orgId);
    const shared = this.#shared;
    await shared?.broadcasts.broadcast(topic, orgId).catch((error: unknown) => {
      const reason = error instanceof Error ? error.message : String(error);
      shared.log(`could not tell other replicas that organisation ${orgId} changed: ${reason}`);
    });
  }

  #forget(orgId: string): void {
    this.#policies.delete(orgId);
    // A user who just left the organisation is in neither: drop every standing, it is cheap.
    this.#standings.clear();
  }

  #read<T>(entries: Map<string, Entry<T>>, id: string, load: () => Promise<T>): Promise<T> {
    const now = this.#now();
    const cached = entries.get(id);
    if (cached && cached.expiresAt > now) return cached.value;
    const value = load();
    entries.delete(id); // re-inserting moves it to the young end of the Map's order
    entries.set(id, { value, expiresAt: now + this.#ttlMs });
    if (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
    // A failed read is not kept: the next request tries again.
    value.catch(() => {
      if (entries.get(id)?.value === value) entries.delete(id);
    });
    return value;
  }
}
