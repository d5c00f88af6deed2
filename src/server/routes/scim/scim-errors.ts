// Errors on /scim/v2 in SCIM's shape (RFC 7644 §3.12) instead of the API's: identity providers
// read `status` (a string) and `scimType`. SalonErrors keep their status; their code is the
// scimType when it is one (identity/scim/scim-error.ts), else 409 reads as `uniqueness` and a 400
// as `invalidValue`. 5xx details are logged, never sent.
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { isScimType, type ScimType } from '../../../identity/scim/scim-error.js';
import { isSalonError } from '../../../lib/errors.js';

/** The Error message's schema URN. */
export const errorSchema = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** A SCIM error body. */
export function scimErrorBody(status: number, detail: string, scimType?: ScimType) {
  return { schemas: [errorSchema], status: String(status), ...(scimType && { scimType }), detail };
}

function sendError(reply: FastifyReply, status: number, detail: string, scimType?: ScimType) {
  if (status === 401) reply.header('www-authenticate', 'Bearer realm="Salon SCIM"');
  return reply.code(status).send(scimErrorBody(status, detail, scimType));
}

function scimTypeOf(code: string, status: number): ScimType | undefined {
  if (isScimType(code)) return code;
  if (status === 409) return 'uniqueness';
  if (status === 400) return 'invalidValue';
  return undefined;
}

/** Installs the SCIM error handler on the /scim/v2 scope. */
export function installScimErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (isSalonError(error) && error.status < 500) {
      return sendError(reply, error.status, error.message, scimTypeOf(error.code, error.status));
    }
    const status = error.statusCode ?? 500;
    if (!isSalonError(error) && status >= 400 && status < 500) {
      // Fastify's own: a body that is not JSON, a media type it cannot read, a body too large.
      return sendError(reply, status, error.message, status === 400 ? 'invalidSyntax' : undefined);
    }
    request.log.error({ err: error }, 'SCIM request failed');
    return sendError(reply, 500, 'Internal server error.');
  });
}
