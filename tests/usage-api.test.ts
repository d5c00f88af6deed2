// The usage analytics API (GET /api/admin/usage, /api/admin/usage.csv) on both dialects, over
// hand-made usage: the JSON and CSV shapes, the export's audit event, bad input named, members
// refused, and another organisation's admin seeing none of this organisation's usage.
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../src/identity/users.js';
import { openApiTestApp, type ApiTestApp } from './helpers/api-app.js';
import { signInAs, type SignedIn } from './helpers/sign-in.js';
import { storeTargets } from './helpers/stores.js';
import { seedUsage, type UsageFixture } from './helpers/usage-fixture.js';

const targets = await storeTargets('usage API');

describe.each(targets)('usage API on $dialect', (target) => {
  let t: ApiTestApp;
  let fixture: UsageFixture;
  let admin: SignedIn;
  let member: SignedIn;
  let otherAdmin: SignedIn;

  beforeAll(async () => {
    t = await openApiTestApp(target);
    const db = t.runtime.store.db;
    fixture = await seedUsage(db);
    const user = (email: string, role: 'admin' | 'member', orgId: string) =>
      createUser(db, { email, role, orgId }).then((created) => signInAs(db, created));
    admin = await user('admin@acme.example', 'admin', fixture.orgId);
    member = await user('member@acme.example', 'member', fixture.orgId);
    otherAdmin = await user('admin@other.example', 'admin', fixture.otherOrgId);
  });
  afterAll(async () => {
    await t?.dispose();
  });

  const get = (who: SignedIn, url: string) =>
    t.app.inject({ method: 'GET', url, headers: who.headers });
  const error = (response: LightMyRequestResponse, status: number) => {
    expect(response.statusCode, response.body).toBe(status);
    return response.json<{ error: { message: string; param: string | null; code: string } }>()
      .error;
  };
  const range = 'from=2026-03-01&to=2026-03-03';

  it('answers totals, every day of the range and the per-model series as JSON', async () => {
    const response = await get(admin, `/api/admin/usage?${range}&groupBy=day`);
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({
      from: '2026-03-01',
      to: '2026-03-03',
      groupBy: 'day',
      totals: { requests: 5, errors: 2, promptTokens: 42, completionTokens: 25, activeUsers: 2 },
    });
    expect(body.totals.costUsd).toBeCloseTo(1.8, 9);
    expect(body.rows.map((row: { key: string }) => row.key)).toEqual(['2026-03-01', '2026-03-02']);
    expect(body.rows[0]).toMatchObject({ requests: 4, activeUsers: 2, avgLatencyMs: 163 });
    expect(body.series.days).toEqual(['2026-03-01', '2026-03-02']);
    expect(body.series.models.map((model: { model: string }) => model.model)).toEqual([
      'small',
      'large',
    ]);
    // No gateway serves these models in this app: named, and said to be gone.
    expect(body.names.models).toEqual({
      small: { aliasOf: null, served: false },
      large: { aliasOf: null, served: false },
    });
  });

  it('groups by team and by user, with their names', async () => {
    const byTeam = (await get(admin, `/api/admin/usage?${range}&groupBy=team`)).json();
    expect(byTeam.rows[0]).toMatchObject({ key: fixture.teams.research, requests: 3 });
    expect(byTeam.names.teams).toEqual({
      [fixture.teams.research]: 'Research',
      [fixture.teams.sales]: 'Sales, "EMEA"',
    });
    const byUser = (await get(admin, `/api/admin/usage?${range}&groupBy=user`)).json();
    expect(byUser.rows.map((row: { key: string | null }) => row.key)).toEqual(
      expect.arrayContaining([fixture.users[0].id, fixture.users[1].id, null]),
    );
    expect(byUser.names.users[fixture.users[1].id]).toEqual({
      email: fixture.users[1].email,
      displayName: 'Bob',
    });
  });

  it('exports CSV with a header row and RFC 4180 quoting, as an audited download', async () => {
    const response = await get(admin, `/api/admin/usage.csv?${range}&groupBy=team`);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/csv/);
    expect(response.headers['content-disposition']).toBe(
      'attachment; filename="salon-usage-team-2026-03-01-to-2026-03-03.csv"',
    );
    const lines = response.body.split('\r\n');
    expect(lines[0]).toBe(
      'team_id,team_name,requests,errors,prompt_tokens,completion_tokens,total_tokens,cost_usd,unpriced_requests,active_users,avg_latency_ms',
    );
    expect(lines[1]).toBe(`${fixture.teams.research},Research,3,2,37,18,55,1.5,1,2,200`);
    expect(lines).toContain(`${fixture.teams.sales},"Sales, ""EMEA""",1,0,4,6,10,0.2,0,1,100`);
    expect(lines).toContain(',(no team),1,0,1,1,2,0.1,0,0,50');
    expect(lines.at(-1)).toBe('');
    expect(lines).toHaveLength(5);

    const viaFormat = await get(admin, `/api/admin/usage?${range}&groupBy=day&format=csv`);
    expect(viaFormat.headers['content-disposition']).toMatch(/^attachment;/);
    expect(viaFormat.body.split('\r\n').slice(0, 2)).toEqual([
      'day,requests,errors,prompt_tokens,completion_tokens,total_tokens,cost_usd,unpriced_requests,active_users,avg_latency_ms',
      '2026-03-01,4,2,38,19,57,1.6,1,2,163',
    ]);

    const events = await t.runtime.store.db
      .selectFrom('audit_events')
      .select(['action', 'org_id', 'actor_id', 'details'])
      .where('action', '=', 'usage.exported')
      .orderBy('seq')
      .execute();
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({ org_id: fixture.orgId, actor_id: admin.user.id });
    expect(JSON.parse(events[0]!.details)).toEqual({
      from: '2026-03-01',
      to: '2026-03-03',
      groupBy: 'team',
      rows: 3,
    });
  });

  it('refuses bad dates, a reversed or too long range and an unknown groupBy, naming the field', async () => {
    const cases: [string, string, string][] = [
      ['from=2026-13-01&to=2026-03-03', 'from', 'invalid_date'],
      ['from=2026-02-30&to=2026-03-03', 'from', 'invalid_date'],
      ['from=2026-03-01&to=yesterday', 'to', 'invalid_date'],
      ['from=2026-03-03&to=2026-03-01', 'to', 'invalid_range'],
      ['from=2025-01-01&to=2026-03-01', 'from', 'range_too_long'],
      [`${range}&groupBy=week`, 'groupBy', 'invalid_request'],
      [`${range}&format=xml`, 'format', 'invalid_request'],
    ];
    for (const [query, param, code] of cases) {
      const body = error(await get(admin, `/api/admin/usage?${query}`), 400);
      expect({ query, param: body.param, code: body.code }).toEqual({ query, param, code });
    }
    error(await get(admin, '/api/admin/usage.csv?from=2026-3-1'), 400);
    // 400 days is allowed; 401 is not.
    expect((await get(admin, '/api/admin/usage?from=2025-01-01&to=2026-02-05')).statusCode).toBe(
      200,
    );
    error(await get(admin, '/api/admin/usage?from=2025-01-01&to=2026-02-06'), 400);
  });

  it('refuses members of the organisation', async () => {
    expect(error(await get(member, `/api/admin/usage?${range}`), 403).code).toBe(
      'insufficient_role',
    );
    expect(error(await get(member, `/api/admin/usage.csv?${range}`), 403).code).toBe(
      'insufficient_role',
    );
  });

  it("shows another organisation's admin their own usage only", async () => {
    for (const groupBy of ['day', 'model', 'team', 'user']) {
      const body = (await get(otherAdmin, `/api/admin/usage?${range}&groupBy=${groupBy}`)).json();
      expect(body.totals).toMatchObject({ requests: 1, promptTokens: 1000, activeUsers: 1 });
      expect(JSON.stringify(body)).not.toContain(fixture.users[0].id);
      expect(JSON.stringify(body)).not.toContain(fixture.teams.research);
    }
    const csv = (await get(otherAdmin, `/api/admin/usage.csv?${range}&groupBy=user`)).body;
    expect(csv.split('\r\n').slice(1, -1)).toEqual([
      `${fixture.stranger.id},${fixture.stranger.email},Eve,1,0,1000,1000,2000,99,0,1,100`,
    ]);
  });
});
