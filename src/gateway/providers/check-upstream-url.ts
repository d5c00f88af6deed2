// Which upstream URLs Salon may call. Today this checks a base URL as written (scheme, no
// credentials, no link-local or cloud-metadata host); the later check of every connection and
// redirect against resolved addresses reuses `isBlockedAddress`. Loopback and private networks
// stay allowed: a local Ollama or vLLM is the common case.
import { BlockList, isIP } from 'node:net';

const blocked = new BlockList();
// IPv4 link-local, where AWS, GCP, Azure and OpenStack serve instance metadata (169.254.169.254).
// BlockList also matches these in IPv4-mapped IPv6 form (::ffff:169.254.x.x).
blocked.addSubnet('169.254.0.0', 16, 'ipv4');
blocked.addSubnet('fe80::', 10, 'ipv6'); // IPv6 link-local
blocked.addAddress('fd00:ec2::254', 'ipv6'); // AWS metadata over IPv6
blocked.addSubnet('64:ff9b::a9fe:0', 112, 'ipv6'); // 169.254/16 through NAT64
blocked.addSubnet('::a9fe:0', 112, 'ipv6'); // 169.254/16 as IPv4-compatible IPv6

// Metadata services also answer to names, which resolve to the addresses above.
const blockedHostnames = new Set(['metadata.google.internal', 'metadata.goog']);

/** True for an IP address Salon never calls (link-local and metadata addresses). */
export function isBlockedAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  return blocked.check(address, family === 6 ? 'ipv6' : 'ipv4');
}

/** What is wrong with `url` as an upstream base URL, or undefined when it may be used. */
export function upstreamUrlProblem(url: string): string | undefined {
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
  // The URL parser has already turned 0xA9FEA9FE, 2852039166 and the like into dotted form.
  const host = parsed.hostname
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();
  if (blockedHostnames.has(host) || isBlockedAddress(host)) {
    return `points at a link-local or cloud metadata address (${host}), which Salon never calls`;
  }
  return undefined;
}
