// One place that turns thrown errors into responses: SalonErrors keep their status and
// code, Fastify's own 4xx (bad JSON, body too large) get OpenAI's shape too, and 5xx
// details are logged, never sent.
import type { FastifyError, FastifyInstance } from 'fastify';
import { isSalonError, payloadTooLarge, unavailable } from '../lib/errors.js';
import { isStorageUnavailable } from '../store/storage-unavailable.js';
import { wireError } from '../gateway/types.js';

const storageUnavailable = () =>
  unavailable(
    'The database is unavailable right now. Try again in a moment.',
    1,
    'storage_unavailable',
  );

/** Installs the error and not-found handlers. */
export function installErrorHandler(app: FastifyInstance, bodyLimit: number): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (isSalonError(error)) {
      if (error.retryAfter !== undefined) reply.header('retry-after', String(error.retryAfter));
      if (error.status >= 500) request.log.error({ err: error }, error.message);
      return reply.code(error.status).send(wireError(error));
    }
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply.code(413).send(wireError(payloadTooLarge(bodyLimit)));
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      return reply.code(status).send(
        wireError({
          message: error.message,
          type: 'invalid_request_error',
          param: null,
          code: error.code ?? 'invalid_request',
        }),
      );
    }
    request.log.error({ err: error }, 'request failed');
    // The database went away mid-request (a restart, a fail-over): the client may simply retry.
    if (isStorageUnavailable(error)) {
      const retryLater = storageUnavailable();
      reply.header('retry-after', String(retryLater.retryAfter));
      return reply.code(retryLater.status).send(wireError(retryLater));
    }
    return reply.code(500).send(
      wireError({
        message: 'Internal server error.',
        type: 'server_error',
        param: null,
        code: 'internal_error',
      }),
    );
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send(
      wireError({
        message: `Unknown route: ${request.method} ${request.url.split('?')[0]}`,
        type: 'invalid_request_error',
        param: null,
        code: 'unknown_url',
      }),
    ),
  );
}
