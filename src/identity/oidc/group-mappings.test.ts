import { describe, expect, it } from 'vitest';
import { planMappings, resultingRole, type GroupMapping } from './group-mappings.js';

const mappings: GroupMapping[] = [
  { group: 'eng', team: 'Engineering' },
  { group: 'eng-leads', team: 'Engineering', role: 'admin' },
  { group: 'sales', team: 'Sales' },
  { group: 'everyone', role: 'member' },
];

describe('group mappings', () => {
  it('joins the teams of the groups held and leaves the other mapped teams', () => {
    expect(planMappings(mappings, ['eng', 'unrelated'])).toEqual({
      teams: ['Engineering'],
      leaveTeams: ['Sales'],
      role: 'member',
    });
  });

  it('grants admin when any matching mapping says so, once, without duplicate teams', () => {
    expect(planMappings(mappings, ['eng', 'eng-leads', 'sales'])).toEqual({
      teams: ['Engineering', 'Sales'],
      leaveTeams: [],
      role: 'admin',
    });
  });

  it('leaves roles alone when no mapping carries one', () => {
    expect(planMappings([{ group: 'eng', team: 'Engineering' }], ['eng'])).toEqual({
      teams: ['Engineering'],
      leaveTeams: [],
    });
  });

  it('never changes the owner, and applies the mapped role to others', () => {
    expect(resultingRole('owner', 'member')).toBe('owner');
    expect(resultingRole('owner', 'admin')).toBe('owner');
    expect(resultingRole('member', 'admin')).toBe('admin');
    expect(resultingRole('admin', 'member')).toBe('member');
    expect(resultingRole('admin', undefined)).toBe('admin');
  });
});
