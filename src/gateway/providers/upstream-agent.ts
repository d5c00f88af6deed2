// The connection pool for one HTTP provider: keep-alive connections, a connect timeout, and
// a check of every connection's address against link-local and cloud-metadata addresses: a
// host written as an address is checked before connecting (Node never calls `lookup` for one),
// a name through a DNS lookup that refuses such addresses (a base URL's name could resolve
// there, or start to later). Redirects are never followed, so no redirect can lead anywhere
// else.
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { Agent, buildConnector } from 'undici';
import { isBlockedAddress } from './check-upstream-url.js';

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/** What the agent needs to know. */
export interface UpstreamAgentOptions {
  /** Milliseconds to open a connection (TCP and TLS). */
  connectTimeoutMs: number;
  /** Let connections reach link-local and metadata addresses (admin opt-in). */
  allowLinkLocal?: boolean;
  /** How host names are resolved (dns.lookup; tests give their own). */
  resolve?: Resolve;
}

/** A keep-alive pool whose connections never reach a blocked address. */
export function createUpstreamAgent(options: UpstreamAgentOptions): Agent {
  const connectOptions = { timeout: options.connectTimeoutMs };
  return new Agent({
    connect: options.allowLinkLocal
      ? connectOptions
      : checkedConnector(
          buildConnector({ ...connectOptions, lookup: checkedLookup(options.resolve) }),
        ),
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 600_000,
  });
}

/** A connector that refuses a blocked address written as the host, then connects as `connect`. */
function checkedConnector(connect: buildConnector.connector): buildConnector.connector {
  return (options, callback) => {
    const host = options.hostname.replace(/^\[|\]$/g, '');
    if (isBlockedAddress(host)) return callback(blockedAddressError(host, host), null);
    connect(options, callback);
  };
}

function blockedAddressError(hostname: string, address: string): NodeJS.ErrnoException {
  const refusal: NodeJS.ErrnoException = new Error(
    hostname === address
      ? `${address} is a link-local or cloud metadata address, which Salon never calls`
      : `${hostname} resolves to ${address}, a link-local or cloud metadata address, which Salon never calls`,
  );
  refusal.code = 'EBLOCKEDADDRESS';
  return refusal;
}

/** dns.lookup's shape, always asked for every address. */
export type Resolve = (
  hostname: string,
  options: LookupOptions & { all: true },
  callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

/**
 * A `lookup` for net.connect: `resolve` (dns.lookup by default), failing when any resolved
 * address is link-local or a metadata address.
 */
export function checkedLookup(resolve: Resolve = dnsLookup) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void =>
    resolve(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      const blocked = addresses.find((entry) => isBlockedAddress(entry.address));
      if (blocked) return callback(blockedAddressError(hostname, blocked.address), []);
      if (options.all) return callback(null, addresses);
      const first = addresses[0]!;
      callback(null, first.address, first.family);
    });
}
