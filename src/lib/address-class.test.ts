import { describe, expect, it } from 'vitest';
import { addressClass, hostClass, isInternalClass, unmapIPv4 } from './address-class.js';

describe('address classes', () => {
  it.each([
    ['169.254.169.254', 'link-local'],
    ['169.254.0.1', 'link-local'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['::ffff:a9fe:a9fe', 'link-local'],
    ['64:ff9b::a9fe:a9fe', 'link-local'], // NAT64
    ['::a9fe:a9fe', 'link-local'], // IPv4-compatible
    ['fe80::1', 'link-local'],
    ['fd00:ec2::254', 'link-local'], // AWS metadata, although inside fc00::/7
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:0:7f00:1', 'loopback'], // IPv4-translated
    ['64:ff9b::7f00:1', 'loopback'],
    ['::7f00:1', 'loopback'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['::', 'unspecified'],
    ['::ffff:0.0.0.0', 'unspecified'],
    ['10.0.0.1', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'private'],
    ['100.127.255.255', 'private'],
    ['fc00::1', 'private'],
    ['fd12:3456::1', 'private'],
    ['::ffff:a00:1', 'private'],
    ['64:ff9b::c0a8:101', 'private'],
    ['8.8.8.8', 'public'],
    ['172.32.0.1', 'public'],
    ['100.128.0.1', 'public'],
    ['169.255.0.1', 'public'],
    ['2001:db8::1', 'public'],
    ['2a00:1450::1', 'public'],
  ])('%s is %s', (address, expected) => {
    expect(addressClass(address)).toBe(expected);
  });

  it('has no class for what is not an IP address', () => {
    expect(addressClass('example.com')).toBeUndefined();
    expect(addressClass('127.1')).toBeUndefined(); // only the URL parser reads this as IPv4
  });

  it('classes localhost and metadata names by name, other names not at all', () => {
    expect(hostClass('localhost')).toBe('loopback');
    expect(hostClass('LOCALHOST.')).toBe('loopback');
    expect(hostClass('app.localhost')).toBe('loopback');
    expect(hostClass('localhost.example.com')).toBeUndefined();
    expect(hostClass('metadata.google.internal')).toBe('link-local');
    expect(hostClass('[::1]')).toBe('loopback');
    expect(hostClass('example.com')).toBeUndefined();
  });

  it('counts loopback, unspecified and private as internal', () => {
    expect(['loopback', 'unspecified', 'private'].every((c) => isInternalClass(c as never))).toBe(
      true,
    );
    expect(isInternalClass('link-local')).toBe(false);
    expect(isInternalClass('public')).toBe(false);
  });

  it('writes an IPv4-mapped address in IPv4 form', () => {
    expect(unmapIPv4('::ffff:7f00:1')).toBe('127.0.0.1');
    expect(unmapIPv4('::FFFF:127.0.0.1')).toBe('127.0.0.1');
    expect(unmapIPv4('0:0:0:0:0:ffff:a00:1')).toBe('10.0.0.1');
    expect(unmapIPv4('::1')).toBe('::1');
    expect(unmapIPv4('10.0.0.1')).toBe('10.0.0.1');
  });
});
