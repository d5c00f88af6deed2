// What Salon keeps of a SCIM Group (a team): its name, the identity provider's id for it, and its
// members' user ids, read from a POST/PUT body or changed by PATCH operations (Okta removes a
// member with `members[value eq "id"]`, Entra ID with a `value` list).
import { readOptionalString, type PatchOperation } from './patch-request.js';
import { scimBadRequest } from './scim-error.js';
import { field } from './user-state.js';

/** A Group as Salon stores it: a team and its members' user ids. */
export interface ScimGroupState {
  displayName: string;
  externalId: string | null;
  members: string[];
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function readDisplayName(value: unknown): string {
  if (typeof value !== 'string' || !value.trim()) {
    throw scimBadRequest('invalidValue', 'displayName must be a non-empty string.');
  }
  return value.trim();
}

/** The user ids of a `members` value: `[{ "value": "user-…" }, …]` (a lone object is one). */
export function readMemberIds(value: unknown): string[] {
  const list = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
  return list.map((member, index) => {
    const id = isObject(member) ? field(member, 'value') : undefined;
    if (typeof id !== 'string' || !id) {
      throw scimBadRequest('invalidValue', `members[${index}].value must be a user id.`);
    }
    return id;
  });
}

/** Reads a Group resource sent to POST /Groups or PUT /Groups/:id. */
export function readGroupResource(body: unknown): ScimGroupState {
  if (!isObject(body)) throw scimBadRequest('invalidSyntax', 'The body must be a Group object.');
  return {
    displayName: readDisplayName(field(body, 'displayName')),
    externalId: readOptionalString(field(body, 'externalId'), 'externalId'),
    members: [...new Set(readMemberIds(field(body, 'members')))],
  };
}

function filteredMembers(operation: PatchOperation): string[] {
  const { path, op } = operation;
  const comparisons = path.filter ?? [];
  if (op !== 'remove' || path.subAttribute !== null) {
    throw scimBadRequest(
      'invalidPath',
      'A members value filter is supported only to remove members.',
    );
  }
  return comparisons.map((comparison) => {
    if (comparison.path !== 'members.value' || typeof comparison.value !== 'string') {
      throw scimBadRequest('invalidFilter', 'Members can be picked only by value eq "user id".');
    }
    return comparison.value;
  });
}

/** Applies PATCH operations to a group; attributes Salon does not keep are ignored. */
export function applyGroupPatch(
  state: ScimGroupState,
  operations: PatchOperation[],
): ScimGroupState {
  let { displayName, externalId } = state;
  const members = new Set(state.members);
  for (const operation of operations) {
    const { op, path, value } = operation;
    switch (path.attribute) {
      case 'displayname':
        if (op === 'remove') throw scimBadRequest('mutability', 'displayName cannot be removed.');
        displayName = readDisplayName(value);
        break;
      case 'externalid':
        externalId = op === 'remove' ? null : readOptionalString(value, 'externalId');
        break;
      case 'members': {
        if (path.filter) {
          for (const id of filteredMembers(operation)) members.delete(id);
          break;
        }
        const ids = readMemberIds(value);
        if (op === 'replace' || (op === 'remove' && value === undefined)) members.clear();
        for (const id of ids) {
          if (op === 'remove') members.delete(id);
          else members.add(id);
        }
        break;
      }
      default:
      // id, schemas, meta and extension attributes carry nothing Salon changes.
    }
  }
  return { displayName, externalId, members: [...members] };
}
