// The operator's list of internal places that URLs typed into the web UI may reach
// (`security.upstream_allow` in salon.yaml plus SALON_UPSTREAM_ALLOW). An entry is an IP address,
// a CIDR range or a host name, each optionally with `:port`: `127.0.0.1`, `10.0.0.0/8`,
// `fd00::/8`, `[::1]:8000`, `ollama.internal:11434`. A host name entry trusts whatever that name
// resolves to (the operator vouches for the name); an address or range entry trusts those
// addresses whatever name led there. Link-local and metadata addresses are never opened this way.
import { BlockList, isIP } from 'node:net';
import { domainToASCII } from 'node:url';
import { addressClass, describeAddressClass, hostClass, unmapIPv4 } from './address-class.js';

/** One parsed entry. */
export type UpstreamAllowEntry =
  | { kind: 'host'; host: string; port?: number }
  | { kind: 'range'; range: BlockList; family: 'ipv4' | 'ipv6'; port?: number };

/** Where a connection goes: the URL's host as written, its port, and the address it reached. */
export interface UpstreamTarget {
  host: string;
  port: number;
  address: string;
}

const hostName =
  /^(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*$/;

/** Parses one entry; throws an Error whose message quotes the entry and says what is wrong. */
export function parseUpstreamAllowEntry(text: string): UpstreamAllowEntry {
  const entry = text.trim().toLowerCase();
  const fail = (reason: string) => new Error(`'${text}' ${reason}`);
  if (!entry) throw fail('is empty');
  if (entry.includes('://')) throw fail('is a URL: write only its host (and :port)');
  if (entry.includes('%')) throw fail('has an IPv6 zone (%…), which a URL cannot name');
  let body = entry;
  let portText: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(entry);
  if (bracketed) {
    body = bracketed[1]!;
    portText = bracketed[2];
    if (!body.includes(':')) throw fail('has brackets around something other than an IPv6 address');
  } else if ((entry.match(/:/g) ?? []).length === 1) {
    [body, portText] = entry.split(':') as [string, string];
  }
  const port = portText === undefined ? undefined : Number(portText);
  if (port !== undefined && !(/^\d+$/.test(portText!) && port >= 1 && port <= 65535)) {
    throw fail('has a port that is not a number from 1 to 65535');
  }
  const slash = body.indexOf('/');
  if (slash >= 0) return parseRange(body.slice(0, slash), body.slice(slash + 1), port, fail);
  if (isIP(body)) return parseRange(body, undefined, port, fail);
  if (body.includes(':'))
    throw fail('is not a valid IPv6 address (write [address]:port for a port)');
  const trimmed = body.replace(/\.$/, '');
  // The URL parser reads a host whose last label is a number as IPv4 (127.1 is 127.0.0.1).
  if (/^(?:0x[0-9a-f]*|\d+)$/.test(trimmed.slice(trimmed.lastIndexOf('.') + 1))) {
    throw fail('is not an IPv4 address in dotted form (a.b.c.d) nor a host name');
  }
  const name = domainToASCII(trimmed);
  if (!name || !hostName.test(name)) {
    throw fail('is not an IP address, a CIDR range or a host name (each with an optional :port)');
  }
  if (hostClass(name) === 'link-local') throw fail(linkLocalRefusal);
  return { kind: 'host', host: name, port };
}

const linkLocalRefusal = `is ${describeAddressClass('link-local')}, which upstream_allow does not open (a salon.yaml provider may set allow_link_local)`;

function parseRange(
  addressText: string,
  prefixText: string | undefined,
  port: number | undefined,
  fail: (reason: string) => Error,
): UpstreamAllowEntry {
  // ::ffff:127.0.0.1 and 127.0.0.1 are one destination: keep the IPv4 form.
  const address = prefixText === undefined ? unmapIPv4(addressText) : addressText;
  const family = isIP(address) === 4 ? 'ipv4' : isIP(address) === 6 ? 'ipv6' : undefined;
  if (!family)
    throw fail('does not start with an IP address (a CIDR range is 10.0.0.0/8 or fd00::/8)');
  const bits = family === 'ipv4' ? 32 : 128;
  const prefix = prefixText === undefined ? bits : Number(prefixText);
  if (!/^\d+$/.test(prefixText ?? '0') || prefix > bits) {
    throw fail(`has a prefix length that is not a number from 0 to ${bits}`);
  }
  // Only a range that lies inside link-local space is refused: 0.0.0.0/0 may be written, and
  // link-local addresses inside it stay refused by the connection check, which looks first.
  if (prefix >= (family === 'ipv4' ? 16 : 10) && addressClass(address) === 'link-local') {
    throw fail(linkLocalRefusal);
  }
  const range = new BlockList();
  range.addSubnet(address, prefix, family);
  return { kind: 'range', range, family, port };
}

/** The entries in force; `replace` swaps them (a salon.yaml reload) for later connections. */
export class UpstreamAllowList {
  #texts: readonly string[] = [];
  #entries: UpstreamAllowEntry[] = [];

  /** `entries` as validated by the config (an invalid one throws). */
  constructor(entries: readonly string[] = []) {
    this.replace(entries);
  }

  /** The entries as written. */
  get entries(): readonly string[] {
    return this.#texts;
  }

  /** Uses `entries` from now on; true when they differ from the previous ones. */
  replace(entries: readonly string[]): boolean {
    const changed = entries.join('\n') !== this.#texts.join('\n');
    this.#entries = entries.map(parseUpstreamAllowEntry);
    this.#texts = [...entries];
    return changed;
  }

  /** True when an entry names the target's host or holds its address, on its port if given. */
  allows(target: UpstreamTarget): boolean {
    const host = target.host
      .replace(/^\[|\]$/g, '')
      .replace(/\.$/, '')
      .toLowerCase();
    const address = unmapIPv4(target.address);
    const family = isIP(address) === 4 ? 'ipv4' : 'ipv6';
    return this.#entries.some((entry) => {
      if (entry.port !== undefined && entry.port !== target.port) return false;
      if (entry.kind === 'host') return entry.host === host;
      return entry.family === family && entry.range.check(address, family);
    });
  }
}
