// What to call the teams and users a usage report names by id. Looked up through the report's
// OrgScope: an id from another organisation (there should be none) gets no name, never a leak.
import type { OrgScope } from '../identity/org-scope.js';

/** A user as a usage report shows them. */
export interface UsageUserName {
  email: string;
  displayName: string | null;
}

/** Names for the ids in a report; ids of deleted teams or users are missing. */
export interface UsageNames {
  teams: Record<string, string>;
  users: Record<string, UsageUserName>;
}

// Bound parameters per `in (…)`: well below SQLite's and PostgreSQL's limits.
const idsPerQuery = 500;

function chunks(ids: Iterable<string>): string[][] {
  const unique = [...new Set(ids)];
  const result: string[][] = [];
  for (let start = 0; start < unique.length; start += idsPerQuery) {
    result.push(unique.slice(start, start + idsPerQuery));
  }
  return result;
}

/** The names of the given teams and users of the scope's organisation. */
export async function usageNames(
  scope: OrgScope,
  ids: { teamIds?: Iterable<string>; userIds?: Iterable<string> },
): Promise<UsageNames> {
  const names: UsageNames = { teams: {}, users: {} };
  for (const chunk of chunks(ids.teamIds ?? [])) {
    const teams = await scope
      .selectFrom('teams')
      .select(['id', 'name'])
      .where('id', 'in', chunk)
      .execute();
    for (const team of teams) names.teams[team.id] = team.name;
  }
  for (const chunk of chunks(ids.userIds ?? [])) {
    const users = await scope
      .selectFrom('users')
      .select(['id', 'email', 'display_name'])
      .where('id', 'in', chunk)
      .execute();
    for (const user of users) {
      names.users[user.id] = { email: user.email, displayName: user.display_name };
    }
  }
  return names;
}
