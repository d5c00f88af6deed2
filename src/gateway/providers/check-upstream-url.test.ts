import { describe, expect, it } from 'vitest';
import { UpstreamAllowList } from '../../lib/upstream-allow-list.js';
import { checkUpstreamUrl, upstreamUrlProblem } from './check-upstream-url.js';
import type { Resolve } from './resolve-host.js';
import { configuredAccess, enteredAccess } from './upstream-access.js';

// Every spelling of this machine a URL parser accepts (it normalises the IPv4 ones).
const loopbackUrls = [
  'http://127.0.0.1:11434/v1',
  'http://127.1/v1',
  'http://0x7f000001/v1',
  'http://2130706433/v1',
  'http://017700000001/v1',
  'http://[::1]:8000/v1',
  'http://[::ffff:127.0.0.1]/v1',
  'http://[::ffff:7f00:1]/v1',
  'http://[0:0:0:0:0:ffff:127.0.0.1]/v1',
  'http://[64:ff9b::127.0.0.1]/v1',
  'http://0.0.0.0:8000/v1',
  'http://0/v1',
  'http://[::]/v1',
  'http://localhost:8000/v1',
  'http://LOCALHOST./v1',
  'http://ollama.localhost/v1',
];
const privateUrls = [
  'http://10.0.0.5/v1',
  'http://172.16.0.1/v1',
  'http://172.31.255.254/v1',
  'http://192.168.1.10:8000/v1',
  'http://100.64.0.1/v1',
  'http://[fd12:3456::1]/v1',
  'http://[::ffff:10.1.2.3]/v1',
];

describe('upstream URL check', () => {
  it.each([
    'https://api.mistral.ai/v1',
    'http://169.255.0.1/v1',
    'http://172.32.0.1/v1',
    'http://[2001:db8::1]/v1',
    ...loopbackUrls,
    ...privateUrls,
  ])('lets a salon.yaml provider use %s', (url) => {
    expect(upstreamUrlProblem(url)).toBeUndefined();
  });

  it.each([
    [
      'http://169.254.169.254/latest/meta-data',
      /169\.254\.169\.254, a link-local or cloud metadata/,
    ],
    ['http://169.254.1.1/v1', /link-local/],
    ['http://0xA9FEA9FE/', /169\.254\.169\.254/], // hex, as the URL parser normalises it
    ['http://2852039166/', /169\.254\.169\.254/], // one decimal number
    ['http://[::ffff:169.254.169.254]/', /link-local/],
    ['http://[::ffff:a9fe:a9fe]/', /link-local/],
    ['http://[::ffff:169.254.169.254]:8080/v1', /link-local/],
    ['http://0251.0376.0251.0376/', /169\.254\.169\.254/], // octal parts
    ['http://169.254.43518/', /169\.254\.169\.254/], // the last two parts as one number
    ['http://0xa9.0xfe.0xa9.0xfe/', /169\.254\.169\.254/],
    ['http://[fd00:ec2::254]/', /fd00:ec2::254/],
    ['http://[FD00:EC2:0:0:0:0:0:254]/', /fd00:ec2::254/],
    ['http://[fe80::1]/', /link-local/],
    ['http://[64:ff9b::169.254.169.254]/', /link-local/],
    ['http://metadata.google.internal./computeMetadata/v1', /metadata/],
    ['ftp://example.com/v1', /http or https, not ftp/],
    ['file:///etc/passwd', /http or https/],
    ['http://user:pass@example.com/v1', /credentials/],
    ['not a url', /not a valid URL/],
  ])('refuses %s for every provider', (url, reason) => {
    expect(upstreamUrlProblem(url)).toMatch(reason);
    expect(upstreamUrlProblem(url, enteredAccess(new UpstreamAllowList()))).toMatch(reason);
  });

  it('opens link-local addresses only to a salon.yaml provider that allows them', () => {
    expect(upstreamUrlProblem('http://169.254.169.254/', configuredAccess(true))).toBeUndefined();
    const everything = enteredAccess(new UpstreamAllowList(['0.0.0.0/0', '::/0']));
    expect(upstreamUrlProblem('http://169.254.169.254/', everything)).toMatch(/link-local/);
  });

  it.each(loopbackUrls)('refuses %s entered in the web UI, naming the setting', (url) => {
    expect(upstreamUrlProblem(url, enteredAccess(new UpstreamAllowList()))).toMatch(
      /^points at .*, (a loopback address|an unspecified address \(it reaches this machine\)); add .* to security\.upstream_allow in salon\.yaml \(or SALON_UPSTREAM_ALLOW\) to connect a provider there$/,
    );
  });

  it.each(privateUrls)('refuses %s entered in the web UI', (url) => {
    expect(upstreamUrlProblem(url, enteredAccess(new UpstreamAllowList()))).toMatch(
      /a private network address; add .* to security\.upstream_allow/,
    );
  });

  it('says which entry to add: the address in IPv4 form, or the name', () => {
    const none = enteredAccess(new UpstreamAllowList());
    expect(upstreamUrlProblem('http://127.1/', none)).toBe(
      'points at 127.0.0.1, a loopback address; add it to security.upstream_allow in salon.yaml ' +
        '(or SALON_UPSTREAM_ALLOW) to connect a provider there',
    );
    expect(upstreamUrlProblem('http://[::ffff:7f00:1]/', none)).toMatch(/add 127\.0\.0\.1 to/);
    expect(upstreamUrlProblem('http://localhost/', none)).toMatch(
      /points at localhost, which resolves to 127\.0\.0\.1, a loopback address; add localhost to/,
    );
  });

  it('lets an entered URL reach what the allow-list names, on its port if given', () => {
    const allowing = (...entries: string[]) => enteredAccess(new UpstreamAllowList(entries));
    expect(upstreamUrlProblem('http://127.0.0.1:11434/v1', allowing('127.0.0.1'))).toBeUndefined();
    expect(upstreamUrlProblem('http://0x7f000001/v1', allowing('127.0.0.0/8'))).toBeUndefined();
    expect(upstreamUrlProblem('http://[::ffff:127.0.0.1]/', allowing('127.0.0.1'))).toBeUndefined();
    expect(upstreamUrlProblem('http://[::1]:8000/', allowing('[::1]:8000'))).toBeUndefined();
    expect(upstreamUrlProblem('http://[::1]:8001/', allowing('[::1]:8000'))).toMatch(/loopback/);
    expect(upstreamUrlProblem('http://10.2.3.4/', allowing('10.0.0.0/8'))).toBeUndefined();
    expect(upstreamUrlProblem('http://10.2.3.4:80/', allowing('10.0.0.0/8:80'))).toBeUndefined();
    expect(upstreamUrlProblem('https://10.2.3.4/', allowing('10.0.0.0/8:80'))).toMatch(/private/);
    expect(upstreamUrlProblem('http://192.168.0.1/', allowing('10.0.0.0/8'))).toMatch(/private/);
    expect(
      upstreamUrlProblem('http://localhost:8000/', allowing('localhost:8000')),
    ).toBeUndefined();
    expect(upstreamUrlProblem('http://localhost:8000/', allowing('127.0.0.1'))).toBeUndefined();
  });

  it('resolves a host name when asked to, refusing one that leads to an internal address', async () => {
    const dns: Resolve = (hostname, _options, callback) => {
      const table: Record<string, string[]> = {
        'models.internal': ['127.0.0.1'],
        'both.example': ['::1', '93.184.216.34'],
        'api.example': ['93.184.216.34'],
      };
      const addresses = table[hostname];
      if (!addresses)
        return callback(Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' }), []);
      callback(
        null,
        addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
      );
    };
    const none = enteredAccess(new UpstreamAllowList());
    expect(await checkUpstreamUrl('http://models.internal:8000/v1', none, dns)).toMatch(
      /^points at models\.internal, which resolves to 127\.0\.0\.1, a loopback address; add models\.internal to security\.upstream_allow/,
    );
    // A name with one public address may be used: connections go to that one only.
    expect(await checkUpstreamUrl('http://both.example/v1', none, dns)).toBeUndefined();
    expect(await checkUpstreamUrl('http://api.example/v1', none, dns)).toBeUndefined();
    // Not resolving now is left to the connection.
    expect(await checkUpstreamUrl('http://gone.example/v1', none, dns)).toBeUndefined();
    const byName = enteredAccess(new UpstreamAllowList(['models.internal']));
    expect(await checkUpstreamUrl('http://models.internal:8000/v1', byName, dns)).toBeUndefined();
    const byAddress = enteredAccess(new UpstreamAllowList(['127.0.0.1:8000']));
    expect(
      await checkUpstreamUrl('http://models.internal:8000/v1', byAddress, dns),
    ).toBeUndefined();
    expect(await checkUpstreamUrl('http://models.internal:9000/v1', byAddress, dns)).toMatch(
      /loopback/,
    );
  });
});
