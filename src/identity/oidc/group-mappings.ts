// Group claim → teams and role. Rules (docs/sso.md, "Group mappings"):
// - a mapping with a `team` puts everyone in `group` into that team (created if missing) as a
//   member; at each sign-in the person leaves the mapped teams whose groups they are no longer in,
//   while teams no mapping names are left as admins set them;
// - once any mapping carries a `role`, the identity provider decides the role at every sign-in:
//   admin when a matching mapping says admin, member otherwise. Without role mappings, roles stay
//   as set in Salon. The owner is never changed, and no mapping can make anyone owner.
import type { UserRole } from '../../store/database.js';

/** Roles a group may grant: never owner. */
export type MappedRole = 'admin' | 'member';

/** One row of an organisation's `group_mappings`. */
export interface GroupMapping {
  group: string;
  /** The team (by name) that the group's members join. */
  team?: string;
  role?: MappedRole;
}

/** What the mappings say about one person. */
export interface MappingPlan {
  /** Teams (by name) the person must be in. */
  teams: string[];
  /** Teams (by name) some mapping names but this person's groups do not reach. */
  leaveTeams: string[];
  /** The role the identity provider gives, or undefined when roles are not mapped. */
  role?: MappedRole;
}

/** The teams and role `groups` lead to under `mappings`. */
export function planMappings(
  mappings: readonly GroupMapping[],
  groups: readonly string[],
): MappingPlan {
  const held = new Set(groups);
  const matched = mappings.filter((mapping) => held.has(mapping.group));
  const teams = new Set(matched.flatMap((mapping) => (mapping.team ? [mapping.team] : [])));
  const leaveTeams = new Set(
    mappings.flatMap((mapping) => (mapping.team && !teams.has(mapping.team) ? [mapping.team] : [])),
  );
  const rolesMapped = mappings.some((mapping) => mapping.role);
  const role = rolesMapped
    ? matched.some((mapping) => mapping.role === 'admin')
      ? 'admin'
      : 'member'
    : undefined;
  return { teams: [...teams], leaveTeams: [...leaveTeams], ...(role && { role }) };
}

/** The role an account ends with: the owner stays owner, others take the mapped role if any. */
export function resultingRole(current: UserRole, mapped: MappedRole | undefined): UserRole {
  if (current === 'owner' || mapped === undefined) return current;
  return mapped;
}
