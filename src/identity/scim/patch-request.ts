// A SCIM PATCH body (RFC 7644 §3.5.2) read into a list of operations, each aimed at one attribute.
// Identity providers differ: Okta sends `{"op":"replace","value":{"active":false}}` (no path, an
// object of attributes), Entra ID `{"op":"Replace","path":"active","value":"False"}` (capitalised
// op, booleans as strings). Both become `{ op: 'replace', path: active, value: … }` here; the user
// and group appliers then read the values.
import { parseAttributePath, type AttributePath } from './filter.js';
import { scimBadRequest } from './scim-error.js';

/** The PatchOp message's schema URN. */
export const patchOpSchema = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** One operation on one attribute. */
export interface PatchOperation {
  op: 'add' | 'replace' | 'remove';
  path: AttributePath;
  value: unknown;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function readOp(raw: unknown): PatchOperation['op'] {
  const op = typeof raw === 'string' ? raw.toLowerCase() : '';
  if (op === 'add' || op === 'replace' || op === 'remove') return op;
  throw scimBadRequest(
    'invalidSyntax',
    `'${String(raw)}' is not a PATCH op: use add, replace or remove.`,
  );
}

/** The operations of a PatchOp body, those without a path split into one per attribute. */
export function parsePatchRequest(body: unknown): PatchOperation[] {
  if (!isObject(body)) throw scimBadRequest('invalidSyntax', 'The body must be a PatchOp object.');
  const schemas = body.schemas;
  if (schemas !== undefined && !(Array.isArray(schemas) && schemas.includes(patchOpSchema))) {
    throw scimBadRequest('invalidSyntax', `schemas must include '${patchOpSchema}'.`);
  }
  const operations = body.Operations ?? body.operations;
  if (!Array.isArray(operations) || operations.length === 0) {
    throw scimBadRequest('invalidSyntax', 'Operations must be a non-empty array.');
  }
  return operations.flatMap((raw, index): PatchOperation[] => {
    if (!isObject(raw))
      throw scimBadRequest('invalidSyntax', `Operations[${index}] must be an object.`);
    const op = readOp(raw.op);
    const path = raw.path;
    if (path !== undefined && path !== null && path !== '') {
      if (typeof path !== 'string')
        throw scimBadRequest('invalidPath', `Operations[${index}].path must be a string.`);
      if (op !== 'remove' && raw.value === undefined) {
        throw scimBadRequest('invalidSyntax', `Operations[${index}] (${op}) needs a value.`);
      }
      return [{ op, path: parseAttributePath(path), value: raw.value }];
    }
    if (op === 'remove')
      throw scimBadRequest('noTarget', `Operations[${index}] (remove) needs a path.`);
    if (!isObject(raw.value)) {
      throw scimBadRequest(
        'invalidSyntax',
        `Operations[${index}] without a path needs an object value.`,
      );
    }
    return Object.entries(raw.value).map(([key, value]) => ({
      op,
      path: parseAttributePath(key),
      value,
    }));
  });
}

/** A SCIM boolean: true/false, or Entra ID's strings "True"/"False" (any case). */
export function readBoolean(value: unknown, attribute: string): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value))
    return value.toLowerCase() === 'true';
  throw scimBadRequest('invalidValue', `${attribute} must be true or false.`);
}

/** A string attribute's new value (null clears it); 400 `invalidValue` for anything else. */
export function readOptionalString(value: unknown, attribute: string): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value.trim() || null;
  throw scimBadRequest('invalidValue', `${attribute} must be a string.`);
}
