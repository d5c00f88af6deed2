import { describe, expect, it } from 'vitest';
import { parseAttributePath, parseFilter } from './filter.js';

const failure = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return { code: (error as { code: string }).code, message: (error as Error).message };
  }
  throw new Error('expected a failure');
};

describe('SCIM filters', () => {
  it('reads what Okta and Entra ID send', () => {
    expect(parseFilter('userName eq "ada@example.com"')).toEqual([
      { path: 'username', value: 'ada@example.com' },
    ]);
    expect(parseFilter('externalId eq "00u1ab"')).toEqual([
      { path: 'externalid', value: '00u1ab' },
    ]);
    expect(parseFilter('displayName eq "Engineering"')).toEqual([
      { path: 'displayname', value: 'Engineering' },
    ]);
    expect(parseFilter('emails[value eq "ada@example.com"]')).toEqual([
      { path: 'emails.value', value: 'ada@example.com' },
    ]);
    expect(parseFilter('id eq "team-1" and members[value eq "user-2"]')).toEqual([
      { path: 'id', value: 'team-1' },
      { path: 'members.value', value: 'user-2' },
    ]);
  });

  it('ignores case in names and operators, strips the core schema URN, reads escapes and literals', () => {
    expect(parseFilter('USERNAME EQ "a\\"b"')).toEqual([{ path: 'username', value: 'a"b' }]);
    expect(parseFilter('urn:ietf:params:scim:schemas:core:2.0:User:userName eq "x@y"')).toEqual([
      { path: 'username', value: 'x@y' },
    ]);
    expect(parseFilter('(active eq true) and externalId eq null')).toEqual([
      { path: 'active', value: true },
      { path: 'externalid', value: null },
    ]);
    expect(parseFilter('emails.value eq "a@b"')).toEqual([{ path: 'emails.value', value: 'a@b' }]);
  });

  it('refuses what it does not support with invalidFilter, naming it', () => {
    expect(failure(() => parseFilter('userName sw "ada"'))).toMatchObject({
      code: 'invalidFilter',
      message: expect.stringContaining("'sw'"),
    });
    expect(failure(() => parseFilter('userName eq "a" or userName eq "b"')).message).toContain(
      "'or'",
    );
    expect(failure(() => parseFilter('not (userName eq "a")')).message).toContain("'not'");
    expect(failure(() => parseFilter('userName eq "unclosed')).code).toBe('invalidFilter');
    expect(failure(() => parseFilter('userName eq')).code).toBe('invalidFilter');
    expect(failure(() => parseFilter('userName eq ada')).code).toBe('invalidFilter');
    expect(failure(() => parseFilter('emails[value eq "a"')).message).toContain("']'");
    expect(failure(() => parseFilter('')).code).toBe('invalidFilter');
    expect(failure(() => parseFilter('userName eq "a" extra')).message).toContain("'extra'");
  });
});

describe('SCIM PATCH paths', () => {
  it('reads plain, dotted, filtered and extension paths', () => {
    expect(parseAttributePath('active')).toEqual({
      attribute: 'active',
      subAttribute: null,
      filter: null,
    });
    expect(parseAttributePath('name.givenName')).toEqual({
      attribute: 'name',
      subAttribute: 'givenname',
      filter: null,
    });
    expect(parseAttributePath('members[value eq "user-1"]')).toEqual({
      attribute: 'members',
      subAttribute: null,
      filter: [{ path: 'members.value', value: 'user-1' }],
    });
    expect(parseAttributePath('emails[type eq "work"].value')).toEqual({
      attribute: 'emails',
      subAttribute: 'value',
      filter: [{ path: 'emails.type', value: 'work' }],
    });
    expect(
      parseAttributePath('urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department'),
    ).toMatchObject({
      attribute: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:user:department',
    });
    expect(parseAttributePath('urn:ietf:params:scim:schemas:core:2.0:User:userName')).toMatchObject(
      {
        attribute: 'username',
      },
    );
  });

  it('refuses a malformed path with invalidPath', () => {
    expect(failure(() => parseAttributePath('members[value eq "x"]junk')).code).toBe('invalidPath');
    expect(failure(() => parseAttributePath('a b')).code).toBe('invalidPath');
  });
});
