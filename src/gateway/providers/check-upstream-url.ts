// Which upstream base URLs Salon accepts as written: http or https, no credentials, and a host
// the upstream's access lets it reach (upstream-access.ts). `checkUpstreamUrl` resolves a host
// name as well, so that a URL typed into the web UI is refused when it is saved rather than at
// its first use. The upstream agent checks every connection again, whatever was saved.
import { isIP } from 'node:net';
import { hostClass } from '../../lib/address-class.js';
import { addressesOf, localhostAddresses, type Resolve } from './resolve-host.js';
import { configuredAccess, permittedAddresses, type UpstreamAccess } from './upstream-access.js';

interface UpstreamHost {
  host: string;
  port: number;
}

/**
 * What is wrong with `url` as an upstream base URL as written, or undefined when it may be used
 * (a host name's addresses are not looked up here: see `checkUpstreamUrl`).
 */
export function upstreamUrlProblem(
  url: string,
  access: UpstreamAccess = configuredAccess(),
): string | undefined {
  const parsed = parseUpstreamUrl(url);
  if (typeof parsed === 'string') return parsed;
  const { host, port } = parsed;
  // The URL parser has already turned 0x7F000001, 2130706433, 127.1 and the like into dotted form.
  const family = isIP(host);
  const kind = hostClass(host);
  if (!family && kind === 'link-local' && !access.linkLocal) {
    return `points at ${host}, the name of a link-local or cloud metadata address, which Salon never calls`;
  }
  const addresses = family
    ? [{ address: host, family }]
    : kind === 'loopback'
      ? localhostAddresses
      : [];
  if (addresses.length === 0) return undefined;
  const { permitted, refusal } = permittedAddresses(access, host, port, addresses, 'url');
  return permitted.length ? undefined : refusal;
}

/** `upstreamUrlProblem`, then the addresses the host name resolves to now (through `resolve`). */
export async function checkUpstreamUrl(
  url: string,
  access: UpstreamAccess,
  resolve?: Resolve,
): Promise<string | undefined> {
  const problem = upstreamUrlProblem(url, access);
  if (problem) return problem;
  const { host, port } = parseUpstreamUrl(url) as UpstreamHost;
  if (isIP(host)) return undefined;
  // A name that does not resolve now is left to the connection, which checks it again.
  const addresses = await addressesOf(host, resolve);
  const { permitted, refusal } = permittedAddresses(access, host, port, addresses, 'url');
  return addresses.length && !permitted.length ? refusal : undefined;
}

function parseUpstreamUrl(url: string): UpstreamHost | string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'is not a valid URL';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return `must use http or https, not ${parsed.protocol.replace(/:$/, '')}`;
  }
  if (parsed.username || parsed.password) {
    return 'must not hold credentials: give the API key separately';
  }
  const host = parsed.hostname
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();
  const port = Number(parsed.port) || (parsed.protocol === 'https:' ? 443 : 80);
  return { host, port };
}
