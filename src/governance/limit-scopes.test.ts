// Which scopes a caller counts against: the key's own limits, salon.yaml's per_user, and the
// organisation's quotas on the organisation, each of the user's teams, and the user.
import { describe, expect, it } from 'vitest';
import { noKeyLimits } from '../identity/api-key-limits.js';
import { limitScopes } from './limit-scopes.js';
import type { Quota } from './quotas.js';

const stamp = '2026-11-27T10:00:00.000Z';
const quota = (scope: Quota['scope'], subjectId: string, limits: Partial<Quota>): Quota => ({
  id: `quota-${scope}-${subjectId}`,
  scope,
  subjectId,
  rpm: null,
  tpm: null,
  budgetTokens: null,
  budgetUsd: null,
  budgetPeriod: null,
  createdAt: stamp,
  updatedAt: stamp,
  ...limits,
});

const org = { id: 'org_acme', name: 'Acme' };
const quotas = [
  quota('org', 'org_acme', { budgetTokens: 1_000_000 }),
  quota('team', 'team_research', { rpm: 60, budgetUsd: 25, budgetPeriod: 'day' }),
  quota('team', 'team_sales', { tpm: 10_000 }),
  quota('team', 'team_legal', { rpm: 5 }),
  quota('user', 'user_ada', { rpm: 10 }),
  quota('user', 'user_bob', { rpm: 1 }),
];
const teams = [
  { id: 'team_research', name: 'Research' },
  { id: 'team_sales', name: 'Sales' },
];

describe('limitScopes', () => {
  it('adds the organisation, every team the user is in and the user, each named for messages', () => {
    const scopes = limitScopes({ userId: 'user_ada', org, teams, quotas }, {});
    expect(scopes.map((scope) => [scope.id, scope.kind, scope.label])).toEqual([
      ['org:org_acme', 'org', 'your organisation Acme'],
      ['team:team_research', 'team', 'your team Research'],
      ['team:team_sales', 'team', 'your team Sales'],
      ['user-quota:user_ada', 'user', 'your account'],
    ]);
    expect(scopes[0]).toMatchObject({
      ownerId: 'org_acme',
      orgId: 'org_acme',
      rpm: null,
      budget: { tokens: 1_000_000, usd: null, period: 'month' }, // a budget without a period is monthly
    });
    expect(scopes[1]).toMatchObject({
      ownerId: 'team_research',
      orgId: 'org_acme',
      rpm: 60,
      budget: { tokens: null, usd: 25, period: 'day' },
    });
    expect(scopes[2]).toMatchObject({ tpm: 10_000, budget: null });
  });

  it("leaves out other teams' and other users' quotas", () => {
    const scopes = limitScopes({ userId: 'user_cy', org, teams: [], quotas }, {});
    expect(scopes.map((scope) => scope.id)).toEqual(['org:org_acme']);
  });

  it('keeps the key and per_user scopes first, with distinct counters for per_user and a user quota', () => {
    const apiKey = { id: 'key_1', limits: { ...noKeyLimits, rpm: 100 } };
    const scopes = limitScopes(
      { userId: 'user_ada', apiKey, org, teams: [teams[0]!], quotas },
      { per_user: { rpm: 30 } },
    );
    expect(scopes.map((scope) => scope.id)).toEqual([
      'key:key_1',
      'user:user_ada',
      'org:org_acme',
      'team:team_research',
      'user-quota:user_ada',
    ]);
    expect(scopes[0]!.label).toBe('this API key');
  });

  it('applies the organisation quota to a key without a user, and nothing without an organisation', () => {
    const apiKey = { id: 'key_org', limits: noKeyLimits };
    expect(limitScopes({ apiKey, org, quotas }, {}).map((scope) => scope.id)).toEqual([
      'org:org_acme',
    ]);
    expect(limitScopes({ userId: 'user_ada', teams, quotas }, {})).toEqual([]);
  });
});
