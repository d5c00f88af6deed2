// Salon's users and teams in SCIM's wire shapes (RFC 7643 §4): User and Group resources, the
// ListResponse, and the query parameters lists and reads take (filter, startIndex, count,
// attributes, excludedAttributes).
import type { FastifyRequest } from 'fastify';
import { parseFilter, type Comparison } from '../../../identity/scim/filter.js';
import { scimBadRequest } from '../../../identity/scim/scim-error.js';
import type { ScimGroupRecord } from '../../../identity/scim/scim-groups.js';
import type { PageRequest, ScimPage, ScimUserRecord } from '../../../identity/scim/scim-users.js';

/** Schema URNs of the resources and messages Salon sends. */
export const schemaUrns = {
  user: 'urn:ietf:params:scim:schemas:core:2.0:User',
  group: 'urn:ietf:params:scim:schemas:core:2.0:Group',
  listResponse: 'urn:ietf:params:scim:api:messages:2.0:ListResponse',
} as const;

/** Most resources one list page returns (ServiceProviderConfig's filter.maxResults). */
export const maxPageSize = 200;

type Resource = Record<string, unknown>;

/** `https://host/scim/v2`, as the caller reached it. */
export function scimBaseUrl(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}/scim/v2`;
}

/** A user as a SCIM User resource. */
export function toScimUser(record: ScimUserRecord, baseUrl: string): Resource {
  const { user } = record;
  return {
    schemas: [schemaUrns.user],
    id: user.id,
    ...(record.externalId !== null && { externalId: record.externalId }),
    userName: user.email,
    ...(user.displayName !== null && {
      name: { formatted: user.displayName },
      displayName: user.displayName,
    }),
    emails: [{ value: user.email, type: 'work', primary: true }],
    active: user.disabledAt === null,
    groups: record.groups.map((group) => ({
      value: group.id,
      display: group.name,
      $ref: `${baseUrl}/Groups/${group.id}`,
    })),
    meta: {
      resourceType: 'User',
      created: user.createdAt,
      lastModified: user.updatedAt,
      location: `${baseUrl}/Users/${user.id}`,
    },
  };
}

/** A team as a SCIM Group resource. */
export function toScimGroup(record: ScimGroupRecord, baseUrl: string): Resource {
  const { team } = record;
  return {
    schemas: [schemaUrns.group],
    id: team.id,
    ...(team.externalId !== null && { externalId: team.externalId }),
    displayName: team.name,
    members: record.members.map((member) => ({
      value: member.id,
      display: member.email,
      $ref: `${baseUrl}/Users/${member.id}`,
    })),
    meta: {
      resourceType: 'Group',
      created: team.createdAt,
      lastModified: team.updatedAt,
      location: `${baseUrl}/Groups/${team.id}`,
    },
  };
}

type Query = Record<string, string | undefined>;

function queryOf(request: FastifyRequest): Query {
  return (request.query ?? {}) as Query;
}

function integerParameter(query: Query, name: string, fallback: number): number {
  const text = query[name];
  if (text === undefined || text === '') return fallback;
  if (!/^-?\d{1,9}$/.test(text))
    throw scimBadRequest('invalidValue', `${name} must be a whole number.`);
  return Number(text);
}

/** The `filter` parameter's comparisons (none without one). */
export function readFilter(request: FastifyRequest): Comparison[] {
  const filter = queryOf(request).filter;
  return filter === undefined ? [] : parseFilter(filter);
}

/** `startIndex` (1-based; below 1 reads as 1) and `count` (0 to 200; 100 by default). */
export function readPage(request: FastifyRequest): PageRequest {
  const query = queryOf(request);
  const startIndex = Math.max(1, integerParameter(query, 'startIndex', 1));
  const count = Math.min(maxPageSize, Math.max(0, integerParameter(query, 'count', 100)));
  return { startIndex, count };
}

function attributeList(text: string | undefined): Set<string> | undefined {
  if (text === undefined || !text.trim()) return undefined;
  // `name.givenName` or a schema-qualified name selects its top-level attribute.
  const names = text.split(',').map((name) => {
    const lower = name.trim().toLowerCase();
    return (lower.slice(lower.lastIndexOf(':') + 1).split('.')[0] ?? '').trim();
  });
  return new Set(names);
}

// RFC 7643 §7: these are returned whatever `attributes` and `excludedAttributes` say.
const alwaysReturned = new Set(['schemas', 'id']);

/** The resource cut down to `attributes`, or without `excludedAttributes`. */
export function project(request: FastifyRequest, resource: Resource): Resource {
  const query = queryOf(request);
  const only = attributeList(query.attributes);
  const without = attributeList(query.excludedAttributes);
  if (!only && !without) return resource;
  return Object.fromEntries(
    Object.entries(resource).filter(([key]) => {
      const lower = key.toLowerCase();
      if (alwaysReturned.has(lower)) return true;
      if (only) return only.has(lower);
      return !without!.has(lower);
    }),
  );
}

/** A ListResponse for one page. */
export function listResponse(page: ScimPage<unknown>, request: PageRequest, resources: Resource[]) {
  return {
    schemas: [schemaUrns.listResponse],
    totalResults: page.total,
    startIndex: request.startIndex,
    itemsPerPage: resources.length,
    Resources: resources,
  };
}
