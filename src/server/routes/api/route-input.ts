// Reading path parameters and query strings of the chat routes, failing as a 400 that names
// the field (the same rule as `parseBody`).
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { parseBody } from '../../../lib/parse-body.js';

const idParams = z.object({ id: z.string().min(1).max(200) });

/** The `:id` of the route. */
export function idParam(request: FastifyRequest): string {
  return parseBody(idParams, request.params).id;
}

/** The query string read by `schema`. */
export function parseQuery<T extends z.ZodType>(schema: T, request: FastifyRequest): z.infer<T> {
  return parseBody(schema, request.query ?? {});
}
