import { busUnavailableCode } from '../bus/bus.js';
import { isSalonError } from '../lib/errors.js';
import { isStorageUnavailable } from '../store/storage-unavailable.js';

/**
 * What the user is told when a reply fails. A client error (the prompt is too long, a limit)
 * says what it is; server-side failures stay generic, since their messages name upstream
 * hosts and addresses: the full error goes to the server log.
 */
export function describeRunFailure(error: unknown): string {
  if (isSalonError(error) && error.status < 500) return error.message;
  if (isSalonError(error) && error.code === busUnavailableCode) {
    return 'The reply was cut off: the server could not pass it on in time. The text so far is kept; try again in a moment.';
  }
  if (isStorageUnavailable(error)) {
    return 'The server could not reach its database. Try again in a moment.';
  }
  if (isSalonError(error) && error.isRetryable) {
    return 'The model is busy or unreachable right now. Try again in a moment.';
  }
  return 'The model failed to answer.';
}
