// Which kind of network an IP address belongs to, for the checks on outbound connections to
// URLs an operator or admin typed. Each IPv4 range is also matched in the IPv6 forms that reach
// it: IPv4-mapped (::ffff:127.0.0.1, which a dual-stack socket connects to 127.0.0.1; BlockList
// matches those against IPv4 rules by itself), IPv4-compatible (::127.0.0.1), IPv4-translated
// and NAT64 (64:ff9b::127.0.0.1, which a NAT64 gateway turns back into the IPv4 address).
import { BlockList, isIP } from 'node:net';

/**
 * `link-local`: where clouds serve instance metadata; `loopback` and `unspecified`: this machine;
 * `private`: the local network. Anything else is `public`.
 */
export type AddressClass = 'link-local' | 'loopback' | 'unspecified' | 'private' | 'public';

type Range = [address: string, prefix: number];

// Checked in this order: a range listed earlier wins (::/104 below holds ::1 and ::).
const ranges: Array<[Exclude<AddressClass, 'public'>, v4: Range[], v6: Range[]]> = [
  [
    'link-local',
    // 169.254.169.254 is the metadata service of AWS, GCP, Azure and OpenStack.
    [['169.254.0.0', 16]],
    [
      ['fe80::', 10],
      ['fd00:ec2::254', 128], // AWS metadata over IPv6 (inside fc00::/7, so before `private`)
    ],
  ],
  ['loopback', [['127.0.0.0', 8]], [['::1', 128]]],
  // Connecting to 0.0.0.0 or :: reaches this machine; the rest of 0/8 is "this network".
  ['unspecified', [['0.0.0.0', 8]], [['::', 128]]],
  [
    'private',
    [
      ['10.0.0.0', 8],
      ['172.16.0.0', 12],
      ['192.168.0.0', 16],
      ['100.64.0.0', 10], // carrier-grade NAT, used inside some clouds and VPNs
    ],
    [
      ['fc00::', 7], // unique local
      ['fec0::', 10], // site-local (deprecated, still routed by some stacks)
    ],
  ],
];

// IPv6 /96 prefixes whose last 32 bits are an IPv4 address: IPv4-compatible, IPv4-translated
// (SIIT) and NAT64's well-known prefix. IPv4-mapped (::ffff:0:0/96) comes from BlockList.
const ipv4Embeddings = ['::', '::ffff:0:', '64:ff9b::'];

const lists = ranges.map(([addressClass, v4, v6]) => {
  const list = new BlockList();
  for (const [address, prefix] of v4) {
    list.addSubnet(address, prefix, 'ipv4');
    const [a, b, c, d] = address.split('.').map(Number) as [number, number, number, number];
    const low32 = `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
    for (const embedding of ipv4Embeddings) {
      list.addSubnet(`${embedding}${low32}`, 96 + prefix, 'ipv6');
    }
  }
  for (const [address, prefix] of v6) list.addSubnet(address, prefix, 'ipv6');
  return [addressClass, list] as const;
});

/** The class of an IP address (as `isIP` accepts it); undefined for anything else. */
export function addressClass(address: string): AddressClass | undefined {
  const family = isIP(address);
  if (family === 0) return undefined;
  const type = family === 6 ? 'ipv6' : 'ipv4';
  return lists.find(([, list]) => list.check(address, type))?.[0] ?? 'public';
}

// Metadata services also answer to names, which resolve to the addresses above.
const metadataHostNames = new Set(['metadata.google.internal', 'metadata.goog']);

/**
 * The class a host (as `URL#hostname` gives it) has by itself: an IP address's, loopback for
 * `localhost` names (RFC 6761: they never leave the machine), link-local for the metadata
 * service's names; undefined for any other name (its addresses tell).
 */
export function hostClass(hostname: string): AddressClass | undefined {
  const host = hostname
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return 'loopback';
  if (metadataHostNames.has(host)) return 'link-local';
  return addressClass(host);
}

/** True for the classes an admin-entered URL may reach only when allow-listed. */
export function isInternalClass(addressClass: AddressClass | undefined): boolean {
  return (
    addressClass === 'loopback' || addressClass === 'unspecified' || addressClass === 'private'
  );
}

/** "a loopback address" and so on, for messages. */
export function describeAddressClass(addressClass: AddressClass): string {
  switch (addressClass) {
    case 'link-local':
      return 'a link-local or cloud metadata address';
    case 'loopback':
      return 'a loopback address';
    case 'unspecified':
      return 'an unspecified address (it reaches this machine)';
    case 'private':
      return 'a private network address';
    case 'public':
      return 'a public address';
  }
}

/** The IPv4 address an IPv4-mapped IPv6 address (::ffff:a.b.c.d) stands for, else `address`. */
export function unmapIPv4(address: string): string {
  if (isIP(address) !== 6 || address.includes('%')) return address; // no URL form for a zone
  // The URL parser writes every IPv6 address in one canonical, compressed, lowercase form.
  const canonical = new URL(`http://[${address}]/`).hostname.slice(1, -1);
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(canonical);
  if (!mapped) return address;
  const high = parseInt(mapped[1]!, 16);
  const low = parseInt(mapped[2]!, 16);
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}
