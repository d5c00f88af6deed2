// What a sign-in remembers between `/api/auth/sso/:orgId/start` and the callback: state, nonce,
// PKCE verifier, organisation and where to go afterwards. It travels in a short-lived cookie
// sealed by the server's SecretBox (so no replica needs to remember it, and the browser can
// neither read the verifier nor change anything), and expires after ten minutes whatever the
// cookie's own lifetime says.
import type { SecretBox } from '../../lib/secret-box.js';

/** One sign-in in progress. */
export interface SsoFlowState {
  orgId: string;
  state: string;
  nonce: string;
  codeVerifier: string;
  /** The redirect URI sent to the provider; the code exchange must repeat it exactly. */
  redirectUri: string;
  /** A relative path on this site (see `safeReturnTo`). */
  returnTo: string;
  /** Epoch milliseconds. */
  expiresAt: number;
}

/** How long a sign-in may take from start to callback. */
export const ssoFlowTtlMs = 10 * 60_000;
const sealContext = 'salon/sso-flow/v1';

/** The sealed cookie value for `flow`. */
export function sealFlowState(box: SecretBox, flow: SsoFlowState): Promise<string> {
  return box.seal(JSON.stringify(flow), sealContext);
}

/** The flow sealed in `sealed`, or undefined when it is damaged, forged or expired. */
export async function openFlowState(
  box: SecretBox,
  sealed: string,
  now = Date.now(),
): Promise<SsoFlowState | undefined> {
  let flow: SsoFlowState;
  try {
    flow = JSON.parse(await box.open(sealed, sealContext)) as SsoFlowState;
  } catch {
    return undefined;
  }
  return typeof flow.expiresAt === 'number' && flow.expiresAt > now ? flow : undefined;
}

/**
 * `value` when it is a path on this site (`/…`, not `//host` or `/\host`, which browsers treat
 * as another site, and no control characters); `/` otherwise.
 */
export function safeReturnTo(value: unknown): string {
  if (typeof value !== 'string' || value.length > 2000) return '/';
  if (!value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return '/';
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (/[\u0000-\u001f\u007f]/.test(value)) return '/';
  return value;
}
