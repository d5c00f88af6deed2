import { describe, expect, it } from 'vitest';
import { readSsoIdentity } from './sso-claims.js';

describe('SSO claims', () => {
  it('reads the email (lower-cased), name and groups', () => {
    expect(
      readSsoIdentity(
        {
          sub: 's1',
          email: 'Ada@Example.com',
          email_verified: true,
          name: ' Ada ',
          groups: ['a', 'b', 'a', 3],
        },
        'groups',
      ),
    ).toEqual({ subject: 's1', email: 'ada@example.com', displayName: 'Ada', groups: ['a', 'b'] });
  });

  it('follows a dotted groups claim, but prefers a claim with that exact name', () => {
    const claims = { sub: 's', email: 'a@example.com', realm_access: { roles: ['x'] } };
    expect(readSsoIdentity(claims, 'realm_access.roles').groups).toEqual(['x']);
    const namespaced = { ...claims, 'https://acme.example/groups': 'ops' };
    expect(readSsoIdentity(namespaced, 'https://acme.example/groups').groups).toEqual(['ops']);
    expect(readSsoIdentity(claims, 'groups').groups).toEqual([]);
  });

  it('refuses a missing, unverified or malformed email with its own code', () => {
    expect(() => readSsoIdentity({ sub: 's' }, 'groups')).toThrow(
      expect.objectContaining({ code: 'sso_email_missing' }),
    );
    expect(() =>
      readSsoIdentity({ sub: 's', email: 'a@example.com', email_verified: false }, 'groups'),
    ).toThrow(expect.objectContaining({ code: 'sso_email_unverified' }));
    expect(() => readSsoIdentity({ sub: 's', email: 'not an email' }, 'groups')).toThrow(
      expect.objectContaining({ code: 'sso_email_invalid' }),
    );
  });
});
