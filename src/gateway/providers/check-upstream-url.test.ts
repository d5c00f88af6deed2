import { describe, expect, it } from 'vitest';
import { isBlockedAddress, upstreamUrlProblem } from './check-upstream-url.js';

describe('upstream URL check', () => {
  it.each([
    'https://api.mistral.ai/v1',
    'http://127.0.0.1:11434/v1',
    'http://localhost:8000/v1',
    'http://10.0.0.5/v1',
    'http://[::1]:8000/v1',
    'http://169.255.0.1/v1',
  ])('allows %s', (url) => {
    expect(upstreamUrlProblem(url)).toBeUndefined();
  });

  it.each([
    ['http://169.254.169.254/latest/meta-data', /metadata address \(169\.254\.169\.254\)/],
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
  ])('refuses %s', (url, reason) => {
    expect(upstreamUrlProblem(url)).toMatch(reason);
  });

  it('checks resolved addresses the same way', () => {
    expect(isBlockedAddress('169.254.169.254')).toBe(true);
    expect(isBlockedAddress('::ffff:a9fe:a9fe')).toBe(true);
    expect(isBlockedAddress('93.184.216.34')).toBe(false);
    expect(isBlockedAddress('example.com')).toBe(false);
  });
});
