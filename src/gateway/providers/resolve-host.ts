// How upstream host names become addresses: dns.lookup (tests give their own resolver), except
// `localhost` names, which are loopback without asking anyone (RFC 6761), so that a resolver
// cannot send "localhost" elsewhere and the checks need not trust it to know.
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import { hostClass } from '../../lib/address-class.js';

/** dns.lookup's shape, always asked for every address. */
export type Resolve = (
  hostname: string,
  options: LookupOptions & { all: true },
  callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

/** What `localhost` names resolve to. */
export const localhostAddresses: readonly LookupAddress[] = [
  { address: '127.0.0.1', family: 4 },
  { address: '::1', family: 6 },
];

/** Every address of `hostname` (of `options.family` when given) through `resolve`. */
export const resolveHost: (resolve?: Resolve) => Resolve =
  (resolve = dnsLookup) =>
  (hostname, options, callback) => {
    if (isIP(hostname) || hostClass(hostname) !== 'loopback') {
      return resolve(hostname, options, callback);
    }
    const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : options.family;
    callback(
      null,
      localhostAddresses.filter((entry) => !family || entry.family === family),
    );
  };

/** `resolveHost` as a promise; an empty list when the name does not resolve. */
export function addressesOf(hostname: string, resolve?: Resolve): Promise<LookupAddress[]> {
  return new Promise((done) =>
    resolveHost(resolve)(hostname, { all: true }, (error, addresses) =>
      done(error ? [] : addresses),
    ),
  );
}
