// The JSON body parser for every route. On top of Fastify's own (secure-json-parse, which
// refuses `__proto__` and `constructor.prototype` keys), it refuses bytes that are not UTF-8
// (JSON must be UTF-8; decoding would silently turn them into U+FFFD) and nesting deeper than
// `maxJsonDepth`, before parsing: a 10,000-deep body would otherwise be parsed, kept, and
// forwarded upstream, and a deep enough one overflows the parser's stack.
import { isUtf8 } from 'node:buffer';
import type { FastifyInstance } from 'fastify';
import { badRequest } from '../lib/errors.js';

/** Deepest accepted nesting of arrays and objects (a JSON schema in response_format fits). */
export const maxJsonDepth = 128;

const [openBrace, closeBrace, openBracket, closeBracket, quote, backslash] = [
  0x7b, 0x7d, 0x5b, 0x5d, 0x22, 0x5c,
];

/** How deep arrays and objects nest in `bytes`, stopping early once past `limit`. */
export function jsonDepth(bytes: Uint8Array, limit = Infinity): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let index = 0; index < bytes.length; index++) {
    const byte = bytes[index];
    if (inString) {
      if (byte === backslash) index++;
      else if (byte === quote) inString = false;
    } else if (byte === quote) {
      inString = true;
    } else if (byte === openBrace || byte === openBracket) {
      if (++depth > deepest && (deepest = depth) > limit) return deepest;
    } else if (byte === closeBrace || byte === closeBracket) {
      depth--;
    }
  }
  return deepest;
}

/** Replaces the application/json parser of `app` (and of the scopes registered after). */
export function installJsonBodyParser(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const bytes = body as Buffer;
    if (!isUtf8(bytes)) {
      return done(badRequest('The body is not valid UTF-8.', null, 'invalid_json'), undefined);
    }
    if (jsonDepth(bytes, maxJsonDepth) > maxJsonDepth) {
      return done(
        badRequest(`The body nests deeper than ${maxJsonDepth} levels.`, null, 'json_too_deep'),
        undefined,
      );
    }
    parseJson(request, bytes.toString('utf8'), done);
  });
}
