import { describe, expect, it } from 'vitest';
import { enteredAccess } from '../../gateway/types.js';
import { UpstreamAllowList } from '../../lib/upstream-allow-list.js';
import { checkIssuerUrl, isLoopbackHost, needsInsecureRequests } from './issuer-url.js';

// The operator's allow-list opening this machine, as a provider on the same machine needs.
const loopbackAllowed = enteredAccess(
  new UpstreamAllowList(['127.0.0.0/8', '::1', 'localhost']),
  'an identity provider',
);

describe('issuer URLs', () => {
  it('accepts https anywhere and http only on loopback', () => {
    expect(checkIssuerUrl('https://idp.example.com/realms/acme').href).toBe(
      'https://idp.example.com/realms/acme',
    );
    const loopback = (url: string) => checkIssuerUrl(url, loopbackAllowed);
    expect(needsInsecureRequests(loopback('http://127.0.0.1:4000'))).toBe(true);
    expect(needsInsecureRequests(loopback('http://localhost:4000/oidc'))).toBe(true);
    expect(needsInsecureRequests(loopback('http://[::1]:4000'))).toBe(true);
    expect(needsInsecureRequests(checkIssuerUrl('https://idp.example.com'))).toBe(false);
  });

  it('refuses plain http elsewhere, other schemes, credentials and junk, naming issuer', () => {
    for (const bad of [
      'http://idp.example.com',
      'http://10.0.0.5',
      'http://127.0.0.1.evil.example',
      'ftp://idp.example.com',
      'https://user:pw@idp.example.com',
      'https://idp.example.com/?x=1',
      'not a url',
      'https://169.254.169.254/',
      'https://metadata.google.internal/',
    ]) {
      expect(() => checkIssuerUrl(bad, loopbackAllowed), bad).toThrow(
        expect.objectContaining({ param: 'issuer' }),
      );
    }
  });

  it('refuses a loopback or private issuer unless the allow-list names it', () => {
    for (const issuer of ['http://127.0.0.1:4000', 'http://localhost:4000', 'https://10.0.0.5']) {
      expect(() => checkIssuerUrl(issuer), issuer).toThrow(
        expect.objectContaining({
          param: 'issuer',
          message: expect.stringMatching(
            /^issuer points at .+, a (loopback|private network) address; add .+ to security\.upstream_allow in salon\.yaml \(or SALON_UPSTREAM_ALLOW\) to connect an identity provider there\.$/,
          ),
        }),
      );
    }
    const privateAllowed = enteredAccess(new UpstreamAllowList(['10.0.0.0/8']));
    expect(checkIssuerUrl('https://10.0.0.5', privateAllowed).href).toBe('https://10.0.0.5/');
  });

  it('knows loopback hosts', () => {
    expect(isLoopbackHost('127.3.2.1')).toBe(true);
    expect(isLoopbackHost('app.localhost')).toBe(true);
    expect(isLoopbackHost('localhost.example.com')).toBe(false);
    expect(isLoopbackHost('128.0.0.1')).toBe(false);
  });
});
