// The ways a single sign-on can fail, each with a stable code. The sign-in callback sends the
// browser back to `/?sso_error=<code>`, and the web UI words each code itself: no text from the
// identity provider or the URL is ever shown as a message.
import { SalonError } from '../../lib/errors.js';

/** Every code a failed single sign-on reports. */
export type SsoErrorCode =
  | 'sso_not_configured'
  | 'sso_idp_error'
  | 'sso_exchange_failed'
  | 'sso_email_missing'
  | 'sso_email_unverified'
  | 'sso_email_invalid'
  | 'sso_other_org'
  | 'account_disabled';

const statusOf: Record<SsoErrorCode, number> = {
  sso_not_configured: 404,
  sso_idp_error: 502,
  sso_exchange_failed: 400,
  sso_email_missing: 403,
  sso_email_unverified: 403,
  sso_email_invalid: 403,
  sso_other_org: 403,
  account_disabled: 403,
};

/** A single sign-on refused for `code`'s reason; `message` is for logs and the audit trail. */
export function ssoError(code: SsoErrorCode, message: string, cause?: unknown): SalonError {
  const status = statusOf[code];
  return new SalonError(code, message, {
    status,
    type:
      status === 404
        ? 'not_found_error'
        : status === 403
          ? 'permission_error'
          : 'invalid_request_error',
    cause,
  });
}

/** Whether `code` is one `ssoError` makes (so the web UI has words for it). */
export function isSsoErrorCode(code: string): code is SsoErrorCode {
  return Object.hasOwn(statusOf, code);
}
