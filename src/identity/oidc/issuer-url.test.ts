import { describe, expect, it } from 'vitest';
import { checkIssuerUrl, isLoopbackHost, needsInsecureRequests } from './issuer-url.js';

describe('issuer URLs', () => {
  it('accepts https anywhere and http only on loopback', () => {
    expect(checkIssuerUrl('https://idp.example.com/realms/acme').href).toBe(
      'https://idp.example.com/realms/acme',
    );
    expect(needsInsecureRequests(checkIssuerUrl('http://127.0.0.1:4000'))).toBe(true);
    expect(needsInsecureRequests(checkIssuerUrl('http://localhost:4000/oidc'))).toBe(true);
    expect(needsInsecureRequests(checkIssuerUrl('http://[::1]:4000'))).toBe(true);
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
      expect(() => checkIssuerUrl(bad), bad).toThrow(expect.objectContaining({ param: 'issuer' }));
    }
  });

  it('knows loopback hosts', () => {
    expect(isLoopbackHost('127.3.2.1')).toBe(true);
    expect(isLoopbackHost('app.localhost')).toBe(true);
    expect(isLoopbackHost('localhost.example.com')).toBe(false);
    expect(isLoopbackHost('128.0.0.1')).toBe(false);
  });
});
