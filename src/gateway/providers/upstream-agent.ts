// The connection pool for one HTTP upstream: keep-alive connections, a connect timeout, and a
// check of every connection's address against the upstream's access (upstream-access.ts): a
// host written as an address is checked before connecting (Node never calls `lookup` for one),
// a name through a lookup that keeps only the addresses the access allows, at each connection
// (a name may start resolving elsewhere after it was saved: DNS rebinding). Redirects are never
// followed, so no redirect can lead anywhere else.
import type { LookupAddress, LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import { Agent, buildConnector } from 'undici';
import {
  addressRefusal,
  configuredAccess,
  permittedAddresses,
  type UpstreamAccess,
} from './upstream-access.js';
import { resolveHost, type Resolve } from './resolve-host.js';

export type { Resolve } from './resolve-host.js';

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/** What the agent needs to know. */
export interface UpstreamAgentOptions {
  /** Milliseconds to open a connection (TCP and TLS). */
  connectTimeoutMs: number;
  /** Which addresses connections may reach (default: a salon.yaml provider's, no link-local). */
  access?: UpstreamAccess;
  /** How host names are resolved (dns.lookup; tests give their own). */
  resolve?: Resolve;
}

/** A keep-alive pool whose connections reach only what `access` allows. */
export function createUpstreamAgent(options: UpstreamAgentOptions): Agent {
  const access = options.access ?? configuredAccess();
  const connectOptions = { timeout: options.connectTimeoutMs };
  const unchecked = access.linkLocal && access.internal === 'any';
  return new Agent({
    connect: unchecked ? connectOptions : checkedConnector(connectOptions, access, options.resolve),
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 600_000,
  });
}

/**
 * A connector that refuses a host written as a refused address, and otherwise connects through
 * a lookup that checks the resolved addresses. An allow-list entry may name a port, which
 * `lookup` is not told: one inner connector per port, each with its own lookup.
 */
function checkedConnector(
  connectOptions: buildConnector.BuildOptions,
  access: UpstreamAccess,
  resolve: Resolve | undefined,
): buildConnector.connector {
  const byPort = new Map<number, buildConnector.connector>();
  return (options, callback) => {
    const host = options.hostname.replace(/^\[|\]$/g, '');
    const port = Number(options.port) || (options.protocol === 'https:' ? 443 : 80);
    const refusal = isIP(host) ? addressRefusal(access, { host, port, address: host }) : undefined;
    if (refusal) return callback(refusedError(refusal), null);
    let connect = byPort.get(port);
    if (!connect) {
      connect = buildConnector({ ...connectOptions, lookup: checkedLookup(access, port, resolve) });
      byPort.set(port, connect);
    }
    connect(options, callback);
  };
}

function refusedError(message: string): NodeJS.ErrnoException {
  const refusal: NodeJS.ErrnoException = new Error(message);
  refusal.code = 'EBLOCKEDADDRESS';
  return refusal;
}

/**
 * A `lookup` for net.connect: every address of the name through `resolve` (dns.lookup by
 * default), keeping those `access` allows on `port`; an error naming the first refused address
 * when none is left.
 */
export function checkedLookup(access: UpstreamAccess, port: number, resolve?: Resolve) {
  const lookup = resolveHost(resolve);
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void =>
    lookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      const { permitted, refusal } = permittedAddresses(access, hostname, port, addresses);
      if (permitted.length === 0) {
        return callback(refusal ? refusedError(refusal) : notFound(hostname), []);
      }
      if (options.all) return callback(null, permitted);
      const first = permitted[0]!;
      callback(null, first.address, first.family);
    });
}

function notFound(hostname: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
}
