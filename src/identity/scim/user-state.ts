// What Salon keeps of a SCIM User, read from a POST/PUT body or changed by PATCH operations.
// Salon stores one display name, not given and family names: `displayName` wins, then
// `name.formatted`, then the given and family names joined (when a request sends both).
import { readBoolean, readOptionalString, type PatchOperation } from './patch-request.js';
import { scimBadRequest } from './scim-error.js';

/** A User's attributes as Salon stores them; `userName` is the account's email. */
export interface ScimUserState {
  userName: string;
  externalId: string | null;
  displayName: string | null;
  active: boolean;
}

/** A POST or PUT body: `active` is absent when the request leaves it as it is. */
export type ScimUserInput = Omit<ScimUserState, 'active'> & { active?: boolean };

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** `object[name]`, matching the name in any case (SCIM attribute names are case-insensitive). */
export function field(object: Record<string, unknown>, name: string): unknown {
  const key = Object.keys(object).find(
    (candidate) => candidate.toLowerCase() === name.toLowerCase(),
  );
  return key === undefined ? undefined : object[key];
}

function readUserName(value: unknown): string {
  if (typeof value !== 'string' || !value.trim()) {
    throw scimBadRequest('invalidValue', 'userName must be the user’s email address.');
  }
  return value.trim();
}

function joinNames(given: string | null, family: string | null): string | null {
  return [given, family].filter(Boolean).join(' ') || null;
}

function displayNameFrom(name: unknown): string | null {
  if (name === undefined || name === null) return null;
  if (!isObject(name)) throw scimBadRequest('invalidValue', 'name must be an object.');
  return (
    readOptionalString(field(name, 'formatted'), 'name.formatted') ??
    joinNames(
      readOptionalString(field(name, 'givenName'), 'name.givenName'),
      readOptionalString(field(name, 'familyName'), 'name.familyName'),
    )
  );
}

/** Reads a User resource sent to POST /Users or PUT /Users/:id. */
export function readUserResource(body: unknown): ScimUserInput {
  if (!isObject(body)) throw scimBadRequest('invalidSyntax', 'The body must be a User object.');
  const active = field(body, 'active');
  return {
    userName: readUserName(field(body, 'userName')),
    externalId: readOptionalString(field(body, 'externalId'), 'externalId'),
    displayName:
      readOptionalString(field(body, 'displayName'), 'displayName') ??
      displayNameFrom(field(body, 'name')),
    ...(active !== undefined && active !== null && { active: readBoolean(active, 'active') }),
  };
}

/** Applies PATCH operations to a user; attributes Salon does not keep are ignored. */
export function applyUserPatch(state: ScimUserState, operations: PatchOperation[]): ScimUserState {
  const next = { ...state };
  const names: { formatted?: string | null; given?: string | null; family?: string | null } = {};
  let displayNameSet = false;
  for (const { op, path, value } of operations) {
    const removing = op === 'remove';
    switch (path.attribute) {
      case 'username':
        if (removing) throw scimBadRequest('mutability', 'userName cannot be removed.');
        next.userName = readUserName(value);
        break;
      case 'externalid':
        next.externalId = removing ? null : readOptionalString(value, 'externalId');
        break;
      case 'displayname':
        next.displayName = removing ? null : readOptionalString(value, 'displayName');
        displayNameSet = true;
        break;
      case 'active':
        if (removing) throw scimBadRequest('mutability', 'active cannot be removed.');
        next.active = readBoolean(value, 'active');
        break;
      case 'name': {
        if (path.subAttribute === null) {
          if (!removing && !isObject(value))
            throw scimBadRequest('invalidValue', 'name must be an object.');
          const name = removing ? {} : (value as Record<string, unknown>);
          names.formatted = readOptionalString(field(name, 'formatted'), 'name.formatted');
          names.given = readOptionalString(field(name, 'givenName'), 'name.givenName');
          names.family = readOptionalString(field(name, 'familyName'), 'name.familyName');
          break;
        }
        const part = removing ? null : readOptionalString(value, `name.${path.subAttribute}`);
        if (path.subAttribute === 'formatted') names.formatted = part;
        if (path.subAttribute === 'givenname') names.given = part;
        if (path.subAttribute === 'familyname') names.family = part;
        break;
      }
      default:
      // emails, phone numbers, titles, extension attributes…: Salon keeps none of them.
    }
  }
  if (!displayNameSet) {
    if (names.formatted) next.displayName = names.formatted;
    else if (names.given !== undefined && names.family !== undefined) {
      next.displayName = joinNames(names.given, names.family) ?? names.formatted ?? null;
    }
  }
  return next;
}
