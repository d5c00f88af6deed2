// SCIM's error vocabulary (RFC 7644 §3.12). The SCIM code throws ordinary SalonErrors whose `code`
// is the SCIM `scimType`, so the /scim/v2 error handler can send it back as such.
import { SalonError } from '../../lib/errors.js';

/** The `scimType` values RFC 7644 defines for a 400 (and 409 `uniqueness`). */
export const scimTypes = [
  'invalidFilter',
  'tooMany',
  'uniqueness',
  'mutability',
  'invalidSyntax',
  'invalidPath',
  'noTarget',
  'invalidValue',
  'invalidVers',
  'sensitive',
] as const;

/** One of RFC 7644's `scimType` values. */
export type ScimType = (typeof scimTypes)[number];

/** Whether `code` is a SCIM `scimType`. */
export function isScimType(code: string): code is ScimType {
  return (scimTypes as readonly string[]).includes(code);
}

/** 400 with a `scimType`, e.g. `scimBadRequest('invalidFilter', …)`. */
export function scimBadRequest(scimType: ScimType, detail: string): SalonError {
  return new SalonError(scimType, detail, { status: 400, type: 'invalid_request_error' });
}

/** 409 `uniqueness`: the value is taken. */
export function scimConflict(detail: string): SalonError {
  return new SalonError('uniqueness', detail, { status: 409, type: 'invalid_request_error' });
}
