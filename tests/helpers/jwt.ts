// Compact JWTs for tests that must forge what an identity provider signs: read one apart, and
// sign one with RS256 (as oidc-provider signs ID tokens by default) or not at all (`alg: none`).
import { sign, type KeyObject } from 'node:crypto';

/** A JWT's decoded header and claims. */
export interface Jwt {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
}

const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
const decode = (part: string) =>
  JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;

/** The header and claims of a compact JWS (the signature is neither checked nor kept). */
export function decodeJwt(token: string): Jwt {
  const [header, claims] = token.split('.');
  return { header: decode(header!), claims: decode(claims!) };
}

/** `jwt` signed with RS256 by `key`, keeping the header's other fields (`kid`, `typ`). */
export function signJwt(jwt: Jwt, key: KeyObject): string {
  const input = `${encode({ ...jwt.header, alg: 'RS256' })}.${encode(jwt.claims)}`;
  return `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`;
}

/** `jwt` with `alg: none` and an empty signature, as an attacker without any key would send it. */
export function unsignedJwt(jwt: Jwt): string {
  const header: Record<string, unknown> = { ...jwt.header, alg: 'none' };
  delete header.kid;
  return `${encode(header)}.${encode(jwt.claims)}.`;
}
