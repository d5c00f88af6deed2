// Every error Salon raises on purpose: one shape with a stable code, an HTTP status and
// whether retrying elsewhere may help. The HTTP edge maps these to OpenAI's error body.

const marker = Symbol.for('salon.error');

/** The OpenAI error `type` an error maps to. */
export type ErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'rate_limit_error'
  | 'server_error'
  | 'upstream_error';

/** Options for a SalonError beyond its code and message. */
export interface SalonErrorOptions {
  status: number;
  type: ErrorType;
  param?: string | null;
  isRetryable?: boolean;
  /** Seconds a client should wait before retrying (sent as Retry-After). */
  retryAfter?: number;
  cause?: unknown;
}

/** The base of all deliberate errors. */
export class SalonError extends Error {
  readonly [marker] = true;
  readonly code: string;
  readonly status: number;
  readonly type: ErrorType;
  readonly param: string | null;
  readonly isRetryable: boolean;
  readonly retryAfter?: number;

  constructor(code: string, message: string, options: SalonErrorOptions) {
    super(message, { cause: options.cause });
    this.name = 'SalonError';
    this.code = code;
    this.status = options.status;
    this.type = options.type;
    this.param = options.param ?? null;
    this.isRetryable = options.isRetryable ?? false;
    this.retryAfter = options.retryAfter;
  }
}

/** True for a SalonError from any copy of this module. */
export function isSalonError(error: unknown): error is SalonError {
  return typeof error === 'object' && error !== null && (error as never)[marker] === true;
}

/** 400: the request is malformed or names an invalid value. */
export const badRequest = (
  message: string,
  param: string | null = null,
  code = 'invalid_request',
) => new SalonError(code, message, { status: 400, type: 'invalid_request_error', param });

/** 401: no credentials or wrong ones. */
export const unauthorized = (message = 'Missing or invalid API key.', code = 'invalid_api_key') =>
  new SalonError(code, message, { status: 401, type: 'authentication_error' });

/** 403: authenticated, but not allowed. */
export const forbidden = (message: string, code = 'forbidden') =>
  new SalonError(code, message, { status: 403, type: 'permission_error' });

/** 404: the resource does not exist or is not the caller's. */
export const notFound = (message: string, code = 'not_found', param: string | null = null) =>
  new SalonError(code, message, { status: 404, type: 'not_found_error', param });

/** 404 for a model name nobody serves. */
export const modelNotFound = (model: string) =>
  new SalonError('model_not_found', `The model '${model}' does not exist.`, {
    status: 404,
    type: 'invalid_request_error',
    param: 'model',
  });

/** 413: the body exceeds the configured limit. */
export const payloadTooLarge = (limitBytes: number) =>
  new SalonError('request_too_large', `Request body is larger than ${limitBytes} bytes.`, {
    status: 413,
    type: 'invalid_request_error',
  });

/** 429: a limit was reached; retry after the given seconds. */
export const rateLimited = (message: string, retryAfter: number, code = 'rate_limit_exceeded') =>
  new SalonError(code, message, {
    status: 429,
    type: 'rate_limit_error',
    retryAfter,
    isRetryable: true,
  });

/** 503: temporarily unable to serve (engine busy, model loading). */
export const unavailable = (message: string, retryAfter = 1, code = 'unavailable') =>
  new SalonError(code, message, {
    status: 503,
    type: 'server_error',
    retryAfter,
    isRetryable: true,
  });

/** 502: an upstream provider failed. */
export const upstreamError = (message: string, isRetryable: boolean, cause?: unknown) =>
  new SalonError('upstream_error', message, {
    status: 502,
    type: 'upstream_error',
    isRetryable,
    cause,
  });

/** 504: an upstream provider did not answer in time. */
export const upstreamTimeout = (message: string, cause?: unknown) =>
  new SalonError('upstream_timeout', message, {
    status: 504,
    type: 'upstream_error',
    isRetryable: true,
    cause,
  });

/** A configuration problem: the CLI prints it and exits with code 2. */
export class ConfigError extends SalonError {
  constructor(message: string) {
    super('config_error', message, { status: 500, type: 'server_error' });
    this.name = 'ConfigError';
  }
}

/** True for a ConfigError from any copy of this module. */
export function isConfigError(error: unknown): error is ConfigError {
  return isSalonError(error) && error.code === 'config_error';
}
