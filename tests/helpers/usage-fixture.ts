// Hand-made usage for analytics tests: an organisation with two teams and three users, a few
// requests over three days (one with no user or team, one erroring, one unpriced), and another
// organisation's request on the same day that must never show. Written through the real ledger,
// so the rollup is filled the way the gateway fills it.
import type { Kysely } from 'kysely';
import { UsageLedger, type UsageRecord } from '../../src/governance/usage-ledger.js';
import { createOrg } from '../../src/identity/orgs.js';
import { createUser, type User } from '../../src/identity/users.js';
import { newId, randomToken } from '../../src/lib/ids.js';
import type { Database } from '../../src/store/database.js';

/** What the fixture created. */
export interface UsageFixture {
  orgId: string;
  otherOrgId: string;
  users: [User, User, User];
  /** The other organisation's only user. */
  stranger: User;
  teams: { research: string; sales: string };
}

async function createTeam(db: Kysely<Database>, orgId: string, name: string): Promise<string> {
  const id = newId('team');
  const now = new Date().toISOString();
  await db
    .insertInto('teams')
    .values({ id, org_id: orgId, name, created_at: now, updated_at: now })
    .execute();
  return id;
}

/**
 * Creates the fixture in a new organisation (or `orgId`'s). Expected figures for
 * [2026-03-01, 2026-03-03) are in tests that use it; 2026-03-03 holds one more request.
 */
export async function seedUsage(
  db: Kysely<Database>,
  options: { orgId?: string } = {},
): Promise<UsageFixture> {
  const tag = randomToken(6).toLowerCase();
  const orgId = options.orgId ?? (await createOrg(db, { name: `Acme ${tag}` })).id;
  const otherOrgId = (await createOrg(db, { name: `Other ${tag}` })).id;
  const user = (name: string, org = orgId) =>
    createUser(db, {
      email: `${name}-${tag}@example.com`,
      role: 'member',
      displayName: name,
      orgId: org,
    });
  const users: [User, User, User] = [await user('Ada'), await user('Bob'), await user('Cy')];
  const stranger = await user('Eve', otherOrgId);
  const teams = {
    research: await createTeam(db, orgId, 'Research'),
    sales: await createTeam(db, orgId, 'Sales, "EMEA"'),
  };
  const at = (day: number, hour: number) => new Date(Date.UTC(2026, 2, day, hour));
  const request = (overrides: Partial<UsageRecord>): UsageRecord => ({
    orgId,
    endpoint: '/v1/chat/completions',
    model: 'small',
    status: 200,
    latencyMs: 100,
    ...overrides,
  });
  const [ada, bob, cy] = users;
  const { research, sales } = teams;
  const records: UsageRecord[] = [
    request({
      createdAt: at(1, 8),
      userId: ada.id,
      teamId: research,
      promptTokens: 10,
      completionTokens: 5,
      costUsd: 0.5,
    }),
    request({
      createdAt: at(1, 23),
      userId: ada.id,
      teamId: research,
      promptTokens: 20,
      completionTokens: 10,
      costUsd: null,
      latencyMs: 300,
      status: 429,
    }),
    request({
      createdAt: at(1, 12),
      userId: bob.id,
      teamId: research,
      model: 'large',
      promptTokens: 7,
      completionTokens: 3,
      costUsd: 1,
      latencyMs: 200,
      status: 500,
    }),
    request({
      createdAt: at(1, 13),
      promptTokens: 1,
      completionTokens: 1,
      costUsd: 0.1,
      latencyMs: 50,
    }),
    request({
      createdAt: at(2, 0),
      userId: bob.id,
      teamId: sales,
      promptTokens: 4,
      completionTokens: 6,
      costUsd: 0.2,
    }),
    request({
      createdAt: at(3, 9),
      userId: cy.id,
      teamId: sales,
      model: 'large',
      promptTokens: 1,
      completionTokens: 1,
      costUsd: 0,
      latencyMs: 10,
    }),
    request({
      createdAt: at(1, 9),
      orgId: otherOrgId,
      userId: stranger.id,
      promptTokens: 1000,
      completionTokens: 1000,
      costUsd: 99,
    }),
  ];
  const ledger = new UsageLedger(db, { flushIntervalMs: 60_000, maxBatchRows: 3 });
  for (const record of records) ledger.record(record);
  await ledger.close();
  return { orgId, otherOrgId, users, stranger, teams };
}

/** The fixture's range with the figures below: 2026-03-03 is left out. */
export const fixtureRange = { from: '2026-03-01', to: '2026-03-03' };
