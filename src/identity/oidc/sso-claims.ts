// What Salon reads from an identity provider's claims: the email (required, and not explicitly
// unverified), a display name, and the groups. The groups claim is named in the organisation's
// settings; a dotted name (`realm_access.roles`) is followed into nested objects when no claim has
// that exact name (Auth0-style claims are URLs full of dots).
import { isSalonError } from '../../lib/errors.js';
import { normalizeEmail } from '../users.js';
import { ssoError } from './sso-errors.js';

/** The person an identity provider vouched for. */
export interface SsoIdentity {
  /** The provider's stable id for the person (`sub`). */
  subject: string;
  /** Lower-cased. */
  email: string;
  displayName: string | null;
  groups: string[];
}

const maxGroups = 1000;

/** The identity in `claims` (ID token and userinfo merged); throws an `ssoError` when unusable. */
export function readSsoIdentity(claims: Record<string, unknown>, groupsClaim: string): SsoIdentity {
  const email = claims.email;
  if (typeof email !== 'string' || !email.trim()) {
    throw ssoError('sso_email_missing', 'The identity provider sent no email address.');
  }
  // Absent means the provider does not say; an explicit false (or "false") means unverified.
  if (claims.email_verified === false || claims.email_verified === 'false') {
    throw ssoError('sso_email_unverified', `The identity provider has not verified ${email}.`);
  }
  let normalized: string;
  try {
    normalized = normalizeEmail(email);
  } catch (error) {
    if (!isSalonError(error)) throw error;
    throw ssoError('sso_email_invalid', `The identity provider sent an invalid email: ${email}.`);
  }
  const name = typeof claims.name === 'string' ? claims.name.trim().slice(0, 200) : '';
  return {
    subject: String(claims.sub ?? ''),
    email: normalized,
    displayName: name || null,
    groups: readGroups(claims, groupsClaim),
  };
}

function readGroups(claims: Record<string, unknown>, groupsClaim: string): string[] {
  let value: unknown = claims[groupsClaim];
  if (value === undefined && groupsClaim.includes('.')) {
    value = groupsClaim
      .split('.')
      .reduce<unknown>(
        (node, key) =>
          node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined,
        claims,
      );
  }
  const list = Array.isArray(value) ? value : typeof value === 'string' ? [value] : [];
  const groups = list.filter((group): group is string => typeof group === 'string' && group !== '');
  return [...new Set(groups)].slice(0, maxGroups);
}
