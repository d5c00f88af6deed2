import { describe, expect, it } from 'vitest';
import { applyGroupPatch, readGroupResource, type ScimGroupState } from './group-state.js';
import { parsePatchRequest, patchOpSchema } from './patch-request.js';
import { applyUserPatch, readUserResource, type ScimUserState } from './user-state.js';

const patch = (...Operations: object[]) =>
  parsePatchRequest({ schemas: [patchOpSchema], Operations });
const failure = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return { code: (error as { code: string }).code, message: (error as Error).message };
  }
  throw new Error('expected a failure');
};

const ada: ScimUserState = {
  userName: 'ada@example.com',
  externalId: '00u1',
  displayName: 'Ada Lovelace',
  active: true,
};

describe('PATCH on a user', () => {
  it("applies Okta's pathless replace of active", () => {
    expect(applyUserPatch(ada, patch({ op: 'replace', value: { active: false } }))).toEqual({
      ...ada,
      active: false,
    });
  });

  it("applies Entra ID's capitalised ops with string booleans and dotted paths", () => {
    const operations = patch(
      { op: 'Replace', path: 'active', value: 'False' },
      { op: 'Add', path: 'displayName', value: 'Ada King' },
      { op: 'Replace', path: 'externalId', value: 'aad-9' },
      { op: 'Add', path: 'emails[type eq "work"].value', value: 'ignored@example.com' },
      {
        op: 'Add',
        path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department',
        value: 'R&D',
      },
      { op: 'Replace', path: 'title', value: 'Countess' },
    );
    expect(applyUserPatch(ada, operations)).toEqual({
      userName: 'ada@example.com',
      externalId: 'aad-9',
      displayName: 'Ada King',
      active: false,
    });
    expect(
      applyUserPatch(
        { ...ada, active: false },
        patch({ op: 'replace', path: 'active', value: 'TRUE' }),
      ).active,
    ).toBe(true);
  });

  it('derives the display name from name parts when no displayName is sent', () => {
    const bothParts = patch(
      { op: 'replace', path: 'name.givenName', value: 'Grace' },
      { op: 'replace', path: 'name.familyName', value: 'Hopper' },
    );
    expect(applyUserPatch(ada, bothParts).displayName).toBe('Grace Hopper');
    const nameObject = patch({
      op: 'replace',
      value: { name: { givenName: 'Grace', familyName: 'Hopper' } },
    });
    expect(applyUserPatch(ada, nameObject).displayName).toBe('Grace Hopper');
    // One part alone would drop the other: the stored name stays.
    expect(
      applyUserPatch(ada, patch({ op: 'replace', path: 'name.givenName', value: 'G' })).displayName,
    ).toBe('Ada Lovelace');
    expect(applyUserPatch(ada, patch({ op: 'remove', path: 'externalId' })).externalId).toBeNull();
  });

  it('refuses bad values and removals of required attributes', () => {
    expect(
      failure(() => applyUserPatch(ada, patch({ op: 'replace', path: 'active', value: 'nope' }))),
    ).toMatchObject({
      code: 'invalidValue',
      message: 'active must be true or false.',
    });
    expect(failure(() => applyUserPatch(ada, patch({ op: 'remove', path: 'userName' }))).code).toBe(
      'mutability',
    );
    expect(
      failure(() => applyUserPatch(ada, patch({ op: 'replace', path: 'userName', value: 7 }))).code,
    ).toBe('invalidValue');
  });
});

describe('PATCH requests', () => {
  it('refuses malformed bodies naming the problem', () => {
    expect(failure(() => parsePatchRequest({ Operations: [] })).message).toContain('non-empty');
    expect(
      failure(() => parsePatchRequest({ schemas: ['urn:x'], Operations: [{ op: 'add' }] })).message,
    ).toContain(patchOpSchema);
    expect(failure(() => patch({ op: 'move', path: 'active', value: true }))).toMatchObject({
      code: 'invalidSyntax',
      message: expect.stringContaining("'move'"),
    });
    expect(failure(() => patch({ op: 'remove' })).code).toBe('noTarget');
    expect(failure(() => patch({ op: 'replace', value: 'x' })).code).toBe('invalidSyntax');
    expect(failure(() => patch({ op: 'add', path: 'displayName' })).code).toBe('invalidSyntax');
  });
});

describe('PATCH on a group', () => {
  const team: ScimGroupState = { displayName: 'Eng', externalId: null, members: ['u1', 'u2'] };

  it('adds members and removes one by value filter (Okta)', () => {
    const operations = patch(
      { op: 'add', path: 'members', value: [{ value: 'u3', display: 'c@example.com' }] },
      { op: 'remove', path: 'members[value eq "u1"]' },
    );
    expect(applyGroupPatch(team, operations).members).toEqual(['u2', 'u3']);
  });

  it('removes by value list, renames with a pathless replace, replaces or clears members (Entra ID)', () => {
    expect(
      applyGroupPatch(team, patch({ op: 'Remove', path: 'members', value: [{ value: 'u2' }] }))
        .members,
    ).toEqual(['u1']);
    expect(
      applyGroupPatch(
        team,
        patch({ op: 'replace', value: { id: 'team-x', displayName: 'Research' } }),
      ),
    ).toEqual({ ...team, displayName: 'Research' });
    expect(
      applyGroupPatch(team, patch({ op: 'replace', path: 'members', value: [{ value: 'u9' }] }))
        .members,
    ).toEqual(['u9']);
    expect(applyGroupPatch(team, patch({ op: 'remove', path: 'members' })).members).toEqual([]);
  });

  it('refuses what it cannot apply', () => {
    expect(
      failure(() =>
        applyGroupPatch(team, patch({ op: 'replace', path: 'displayName', value: ' ' })),
      ).code,
    ).toBe('invalidValue');
    expect(
      failure(() =>
        applyGroupPatch(team, patch({ op: 'add', path: 'members', value: [{ id: 'u3' }] })),
      ),
    ).toMatchObject({
      code: 'invalidValue',
      message: 'members[0].value must be a user id.',
    });
    expect(
      failure(() => applyGroupPatch(team, patch({ op: 'remove', path: 'members[display eq "x"]' })))
        .code,
    ).toBe('invalidFilter');
  });
});

describe('User and Group bodies', () => {
  it('reads a User as Okta and Entra ID post it', () => {
    expect(
      readUserResource({
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        userName: 'grace@example.com',
        name: { givenName: 'Grace', familyName: 'Hopper' },
        emails: [{ primary: true, value: 'grace@example.com', type: 'work' }],
        active: true,
        externalId: '00u2',
      }),
    ).toEqual({
      userName: 'grace@example.com',
      externalId: '00u2',
      displayName: 'Grace Hopper',
      active: true,
    });
    expect(readUserResource({ UserName: 'x@y', displayName: 'X', active: 'False' })).toEqual({
      userName: 'x@y',
      externalId: null,
      displayName: 'X',
      active: false,
    });
    expect(readUserResource({ userName: 'x@y' })).not.toHaveProperty('active');
    expect(failure(() => readUserResource({ name: { givenName: 'A' } })).message).toContain(
      'userName',
    );
  });

  it('reads a Group with its members, once each', () => {
    expect(
      readGroupResource({ displayName: ' Eng ', members: [{ value: 'u1' }, { value: 'u1' }] }),
    ).toEqual({
      displayName: 'Eng',
      externalId: null,
      members: ['u1'],
    });
    expect(failure(() => readGroupResource({ members: [] })).message).toContain('displayName');
  });
});
