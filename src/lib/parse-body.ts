// Request bodies checked with zod, failing as a 400 that names the field; /api and /v1
// share it, so both report a bad field the same way.
import type { z } from 'zod';
import { badRequest } from './errors.js';

/** The body as `schema` reads it, or a 400 naming the first bad field. */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw badRequest('The request body must be a JSON object.');
  }
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const param = issue.path.map(String).join('.') || null;
  // zod leaves the bad value out of its issues: read it from the body to tell a missing field
  // from one of the wrong type (`"stream": "yes"` is not a missing `stream`).
  const message =
    issue.code === 'invalid_type' && valueAt(body, issue.path) === undefined
      ? `${param} is required`
      : `${param ? param + ': ' : ''}${issue.message}`;
  throw badRequest(message, param);
}

function valueAt(body: object, path: readonly PropertyKey[]): unknown {
  let value: unknown = body;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}
