import { describe, expect, it } from 'vitest';
import { parseUpstreamAllowEntry, UpstreamAllowList } from './upstream-allow-list.js';

const target = (host: string, port: number, address = host) => ({ host, port, address });

describe('upstream allow-list entries', () => {
  it.each([
    '127.0.0.1',
    '127.0.0.1:8000',
    '10.0.0.0/8',
    '10.0.0.0/8:443',
    '::1',
    '[::1]',
    '[::1]:8000',
    'fd00::/8',
    '[fd00::/8]:8000',
    'ollama.internal',
    'Ollama.Internal.:11434',
    'localhost',
    'my_service.svc.cluster.local',
    '0.0.0.0/0',
  ])('accepts %s', (entry) => {
    expect(() => parseUpstreamAllowEntry(entry)).not.toThrow();
  });

  it.each([
    ['', /'' is empty/],
    ['127.0.0.1:0', /port that is not a number from 1 to 65535/],
    ['127.0.0.1:99999', /port/],
    ['host:http', /port/],
    ['10.0.0.0/33', /'10\.0\.0\.0\/33' has a prefix length that is not a number from 0 to 32/],
    ['fd00::/129', /from 0 to 128/],
    ['10.0.0.0/', /prefix length/],
    ['ollama/8', /does not start with an IP address/],
    ['300.1.1.1', /not an IPv4 address in dotted form/],
    ['127.1', /not an IPv4 address in dotted form/],
    ['0x7f000001', /not an IPv4 address in dotted form/],
    ['http://10.0.0.1', /is a URL: write only its host/],
    ['bad host', /not an IP address/],
    ['[example.com]:80', /brackets/],
    ['fe80::1%eth0', /IPv6 zone/],
    ['fd00::1:2:3:4:5:6:7:8', /not a valid IPv6 address/],
    ['169.254.169.254', /link-local or cloud metadata address, which upstream_allow does not open/],
    ['169.254.0.0/16', /link-local/],
    ['fe80::/10', /link-local/],
    ['[fd00:ec2::254]', /link-local/],
    ['metadata.google.internal', /link-local/],
  ])('refuses %j, quoting it', (entry, reason) => {
    expect(() => parseUpstreamAllowEntry(entry)).toThrow(reason);
  });
});

describe('upstream allow-list matching', () => {
  it('matches an address, in IPv4-mapped form too, on any port', () => {
    const list = new UpstreamAllowList(['127.0.0.1']);
    expect(list.allows(target('127.0.0.1', 80))).toBe(true);
    expect(list.allows(target('[::ffff:7f00:1]', 8000, '::ffff:7f00:1'))).toBe(true);
    expect(list.allows(target('127.0.0.2', 80))).toBe(false);
    expect(list.allows(target('::1', 80))).toBe(false);
    // A mapped entry stands for the IPv4 address.
    expect(new UpstreamAllowList(['::ffff:10.0.0.1']).allows(target('10.0.0.1', 80))).toBe(true);
  });

  it('matches CIDR ranges on IPv4 and IPv6', () => {
    const list = new UpstreamAllowList(['10.0.0.0/8', '172.16.0.0/12', 'fd00::/8']);
    expect(list.allows(target('10.255.0.1', 80))).toBe(true);
    expect(list.allows(target('172.20.1.1', 80))).toBe(true);
    expect(list.allows(target('172.32.1.1', 80))).toBe(false);
    expect(list.allows(target('fd12::1', 80))).toBe(true);
    expect(list.allows(target('fc00::1', 80))).toBe(false);
    expect(list.allows(target('::ffff:a00:1', 80))).toBe(true);
  });

  it('matches a host name as written in the URL, whatever it resolves to', () => {
    const list = new UpstreamAllowList(['ollama.internal']);
    expect(list.allows(target('ollama.internal', 11434, '10.1.2.3'))).toBe(true);
    expect(list.allows(target('OLLAMA.internal.', 11434, '127.0.0.1'))).toBe(true);
    expect(list.allows(target('evil.ollama.internal', 11434, '10.1.2.3'))).toBe(false);
    expect(list.allows(target('other.internal', 11434, '10.1.2.3'))).toBe(false);
  });

  it('holds an entry with a port to that port', () => {
    const list = new UpstreamAllowList(['ollama.internal:11434', '[::1]:8000', '10.0.0.0/8:443']);
    expect(list.allows(target('ollama.internal', 11434, '10.1.2.3'))).toBe(true);
    expect(list.allows(target('ollama.internal', 22, '10.1.2.3'))).toBe(false);
    expect(list.allows(target('[::1]', 8000, '::1'))).toBe(true);
    expect(list.allows(target('[::1]', 8001, '::1'))).toBe(false);
    expect(list.allows(target('10.9.9.9', 443))).toBe(true);
    expect(list.allows(target('10.9.9.9', 80))).toBe(false);
  });

  it('swaps its entries on replace, saying whether they changed', () => {
    const list = new UpstreamAllowList(['127.0.0.1']);
    expect(list.replace(['127.0.0.1'])).toBe(false);
    expect(list.replace(['10.0.0.0/8'])).toBe(true);
    expect(list.entries).toEqual(['10.0.0.0/8']);
    expect(list.allows(target('127.0.0.1', 80))).toBe(false);
    expect(list.allows(target('10.0.0.1', 80))).toBe(true);
  });
});
