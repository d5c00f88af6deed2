// What an identity provider reads to learn what this SCIM service supports (RFC 7644 §4):
// /ServiceProviderConfig, /ResourceTypes and /Schemas, describing exactly the attributes Salon
// keeps. These need the token like every other /scim/v2 route.
import type { FastifyInstance } from 'fastify';
import { notFound } from '../../../lib/errors.js';
import { maxPageSize, scimBaseUrl, schemaUrns } from './resources.js';

const coreSchema = 'urn:ietf:params:scim:schemas:core:2.0:';

type Attribute = Record<string, unknown>;

function attribute(name: string, type: string, options: Partial<Attribute> = {}): Attribute {
  return {
    name,
    type,
    multiValued: false,
    required: false,
    caseExact: false,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness: 'none',
    ...options,
  };
}

const userAttributes = [
  attribute('userName', 'string', {
    required: true,
    uniqueness: 'server',
    description: "The user's email address, with which they sign in.",
  }),
  attribute('name', 'complex', {
    subAttributes: [
      attribute('formatted', 'string'),
      attribute('givenName', 'string'),
      attribute('familyName', 'string'),
    ],
    description: 'Salon keeps one display name: formatted, or the given and family names joined.',
  }),
  attribute('displayName', 'string'),
  attribute('emails', 'complex', {
    multiValued: true,
    mutability: 'readOnly',
    subAttributes: [
      attribute('value', 'string', { mutability: 'readOnly' }),
      attribute('type', 'string', { mutability: 'readOnly' }),
      attribute('primary', 'boolean', { mutability: 'readOnly' }),
    ],
    description: 'The userName, as the primary work address.',
  }),
  attribute('active', 'boolean', {
    description: 'false signs the user out at once and stops their running replies.',
  }),
  attribute('groups', 'complex', {
    multiValued: true,
    mutability: 'readOnly',
    subAttributes: [
      attribute('value', 'string', { mutability: 'readOnly' }),
      attribute('display', 'string', { mutability: 'readOnly' }),
      attribute('$ref', 'reference', { mutability: 'readOnly', referenceTypes: ['Group'] }),
    ],
  }),
];

const groupAttributes = [
  attribute('displayName', 'string', { required: true, uniqueness: 'server' }),
  attribute('members', 'complex', {
    multiValued: true,
    subAttributes: [
      attribute('value', 'string', { mutability: 'immutable' }),
      attribute('display', 'string', { mutability: 'readOnly' }),
      attribute('$ref', 'reference', { mutability: 'immutable', referenceTypes: ['User'] }),
    ],
  }),
];

const schemas = [
  { id: schemaUrns.user, name: 'User', description: 'A Salon account', attributes: userAttributes },
  { id: schemaUrns.group, name: 'Group', description: 'A Salon team', attributes: groupAttributes },
];

const resourceTypes = [
  { id: 'User', name: 'User', endpoint: '/Users', schema: schemaUrns.user },
  { id: 'Group', name: 'Group', endpoint: '/Groups', schema: schemaUrns.group },
];

/** Registers the discovery routes on the /scim/v2 scope. */
export function discoveryRoutes(app: FastifyInstance): void {
  app.get('/ServiceProviderConfig', async (request) => ({
    schemas: [`${coreSchema}ServiceProviderConfig`],
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: maxPageSize },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: false },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'Bearer token',
        description: 'The SCIM token made in the admin console (POST /api/admin/scim-token).',
        primary: true,
      },
    ],
    meta: {
      resourceType: 'ServiceProviderConfig',
      location: `${scimBaseUrl(request)}/ServiceProviderConfig`,
    },
  }));

  const describe = (type: (typeof resourceTypes)[number], baseUrl: string) => ({
    schemas: [`${coreSchema}ResourceType`],
    ...type,
    meta: { resourceType: 'ResourceType', location: `${baseUrl}/ResourceTypes/${type.id}` },
  });
  app.get('/ResourceTypes', async (request) => {
    const resources = resourceTypes.map((type) => describe(type, scimBaseUrl(request)));
    return listOf(resources);
  });
  app.get<{ Params: { id: string } }>('/ResourceTypes/:id', async (request) => {
    const type = resourceTypes.find((candidate) => candidate.id === request.params.id);
    if (!type) throw notFound(`Resource type ${request.params.id} not found.`);
    return describe(type, scimBaseUrl(request));
  });

  const schemaOf = (schema: (typeof schemas)[number], baseUrl: string) => ({
    schemas: [`${coreSchema}Schema`],
    ...schema,
    meta: { resourceType: 'Schema', location: `${baseUrl}/Schemas/${schema.id}` },
  });
  app.get('/Schemas', async (request) => {
    return listOf(schemas.map((schema) => schemaOf(schema, scimBaseUrl(request))));
  });
  app.get<{ Params: { id: string } }>('/Schemas/:id', async (request) => {
    const schema = schemas.find((candidate) => candidate.id === request.params.id);
    if (!schema) throw notFound(`Schema ${request.params.id} not found.`);
    return schemaOf(schema, scimBaseUrl(request));
  });
}

function listOf(resources: object[]) {
  return {
    schemas: [schemaUrns.listResponse],
    totalResults: resources.length,
    startIndex: 1,
    itemsPerPage: resources.length,
    Resources: resources,
  };
}
