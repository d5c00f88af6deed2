// Which addresses Salon's outbound connections may reach. Link-local and cloud-metadata
// addresses: never, unless a salon.yaml provider sets `allow_link_local`. Loopback, unspecified
// and private addresses: freely for salon.yaml providers (the file is the operator's own list:
// a local Ollama on 127.0.0.1 or a Kubernetes service on 10.x is the common case), and for URLs
// typed into the web UI (providers, single sign-on issuers) only when `security.upstream_allow`
// names them: an admin account must not become a way into the machine or its network.
import type { LookupAddress } from 'node:dns';
import {
  addressClass,
  describeAddressClass,
  isInternalClass,
  unmapIPv4,
} from '../../lib/address-class.js';
import type { UpstreamAllowList, UpstreamTarget } from '../../lib/upstream-allow-list.js';
import type { Resolve } from './resolve-host.js';

/** Which addresses connections to one upstream may reach. */
export interface UpstreamAccess {
  /** Link-local and metadata addresses (a salon.yaml provider's `allow_link_local`). */
  linkLocal: boolean;
  /** Loopback, unspecified and private addresses: all, or those the allow-list names. */
  internal: 'any' | UpstreamAllowList;
  /** What connects, for refusals ("a provider" unless said). */
  subject?: string;
}

/** How one upstream connects: what it may reach (a salon.yaml provider's by default), and how names resolve. */
export interface UpstreamConnection {
  access?: UpstreamAccess;
  resolve?: Resolve;
}

/** A salon.yaml upstream's access: everything but link-local and metadata addresses. */
export function configuredAccess(allowLinkLocal = false): UpstreamAccess {
  return { linkLocal: allowLinkLocal, internal: 'any' };
}

/** An admin-entered URL's access: public addresses, and internal ones `allowList` names. */
export function enteredAccess(allowList: UpstreamAllowList, subject?: string): UpstreamAccess {
  return { linkLocal: false, internal: allowList, subject };
}

/**
 * Why `access` refuses a connection to `target`, or undefined when it may go ahead. `style`
 * `connection` gives a sentence ("127.0.0.1 is a loopback address; …"), `url` a clause that
 * follows the URL's name ("points at 127.0.0.1, a loopback address; …").
 */
export function addressRefusal(
  access: UpstreamAccess,
  target: UpstreamTarget,
  style: 'connection' | 'url' = 'connection',
): string | undefined {
  const found = addressClass(target.address) ?? 'public';
  if (found === 'link-local' ? access.linkLocal : !isInternalClass(found)) return undefined;
  if (found !== 'link-local' && (access.internal === 'any' || access.internal.allows(target))) {
    return undefined;
  }
  const host = target.host.replace(/^\[|\]$/g, '');
  const literal = host === target.address;
  const kind = describeAddressClass(found);
  const lead =
    style === 'url'
      ? `points at ${literal ? target.address : `${host}, which resolves to ${target.address}`}, ${kind}`
      : literal
        ? `${target.address} is ${kind}`
        : `${host} resolves to ${target.address}, ${kind}`;
  if (found === 'link-local') return `${lead}, which Salon never calls`;
  // What to allow-list: the name as written, or the address in the form an entry takes.
  const entry = literal ? unmapIPv4(target.address) : host;
  return (
    `${lead}; add ${entry === target.address ? 'it' : entry} to security.upstream_allow in ` +
    `salon.yaml (or SALON_UPSTREAM_ALLOW) ` +
    `to connect ${access.subject ?? 'a provider'} there`
  );
}

/**
 * The resolved addresses of `host` a connection may use, and the refusal of the first refused
 * one (which is what to report when none is left). Filtering rather than refusing the name
 * keeps a dual-stack name working when only one of its addresses is allowed.
 */
export function permittedAddresses(
  access: UpstreamAccess,
  host: string,
  port: number,
  addresses: readonly LookupAddress[],
  style: 'connection' | 'url' = 'connection',
): { permitted: LookupAddress[]; refusal?: string } {
  let refusal: string | undefined;
  const permitted = addresses.filter((entry) => {
    const refused = addressRefusal(access, { host, port, address: entry.address }, style);
    refusal ??= refused;
    return !refused;
  });
  return { permitted, refusal };
}
