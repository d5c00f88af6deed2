// `salon audit verify | export` as an operator runs them (docs/audit.md): on the data dir's
// SQLite and through DATABASE_URL on PostgreSQL, a clean chain passes, an edited, deleted or cut
// event fails with exit 1 naming it; export prints JSON lines.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestSchema, hasPostgres } from './helpers/postgres.js';
import { runSalon } from './helpers/salon-process.js';

interface ExportedEvent {
  seq: number;
  action: string;
  orgId: string | null;
  actorLabel: string;
  prevHash: string;
  hash: string;
}

const parseLines = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as ExportedEvent);

describe('salon audit on the data dir (SQLite)', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'salon-cli-audit-'));
  const salon = (...args: string[]) => runSalon([...args, '--data-dir', dataDir]);
  const sql = (statement: string) => {
    const db = new Database(path.join(dataDir, 'salon.db'));
    try {
      db.prepare(statement).run();
    } finally {
      db.close();
    }
  };

  it('records what the CLI changes and verifies the clean chain', () => {
    expect(
      salon('users', 'create', '--email', 'ada@example.com', '--password', 'ada pass 1').status,
    ).toBe(0);
    const created = salon('keys', 'create', '--name', 'ci');
    expect(created.status).toBe(0);
    expect(created.stdout).toMatch(/^sk-salon-\S+\n$/); // still nothing but the key
    const verified = salon('audit', 'verify');
    expect(verified.stderr).toBe('');
    expect(verified.status).toBe(0);
    expect(verified.stdout).toMatch(
      /^OK: the audit chain is intact \(2 events checked in [\d.]+ s\)\.\n$/,
    );
    const json = salon('audit', 'verify', '--json');
    expect(JSON.parse(json.stdout)).toEqual({ ok: true, checked: 2, problems: [] });
  });

  it('exports JSON lines in chain order, filtered by organisation and time', () => {
    const all = salon('audit', 'export');
    expect(all.status).toBe(0);
    const events = parseLines(all.stdout);
    expect(events.map((e) => [e.seq, e.action, e.actorLabel, e.orgId])).toEqual([
      [1, 'user.created', 'instance', 'org_default'],
      [2, 'key.created', 'instance', null],
    ]);
    expect(events[1]!.prevHash).toBe(events[0]!.hash);
    expect(all.stdout).not.toContain('sk-salon-');

    // The export before was recorded (event 3); an organisation's export leaves out the
    // instance's events, a later --since leaves out everything.
    const org = parseLines(salon('audit', 'export', '--org', 'org_default').stdout);
    expect(org.map((e) => e.action)).toEqual(['user.created']);
    const future = salon('audit', 'export', '--since', '2999-01-01');
    expect([future.status, future.stdout]).toEqual([0, '']);
    const bad = salon('audit', 'export', '--since', 'last tuesday');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/--since: 'last tuesday' is not an ISO 8601 date/);
    const trail = parseLines(salon('audit', 'export', '--since', '2000-01-01T00:00:00Z').stdout);
    expect(trail.filter((e) => e.action === 'audit.exported').length).toBe(3);
    expect(salon('audit', 'verify').status).toBe(0);
  });

  it('fails with exit 1 and names an edited event', () => {
    sql(`update audit_events set details = '{"email":"mallory@example.com"}' where seq = 1`);
    const result = salon('audit', 'verify');
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/^EDITED at event 1: event 1 was changed after it was written$/m);
    expect(result.stdout).toMatch(
      /^FAILED: 1 problem\(s\) in the audit chain \(\d+ events checked/m,
    );
    const json = JSON.parse(salon('audit', 'verify', '--json').stdout);
    expect(json).toMatchObject({ ok: false, problems: [{ seq: 1, problem: 'edited' }] });
  });

  it('names a deleted event and events cut from the end', () => {
    sql('delete from audit_events where seq = 2');
    sql(`delete from audit_events where seq = (select max(seq) from audit_events)`);
    const result = salon('audit', 'verify');
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/^MISSING at event 2: events 2–2 are missing/m);
    expect(result.stdout).toMatch(
      /^TRUNCATED at event \d+: the log ends at event \d+ but was written up to event \d+$/m,
    );
  });
});

const postgres = await hasPostgres('salon audit CLI');

describe.runIf(postgres)('salon audit through DATABASE_URL (PostgreSQL)', () => {
  let schema: Awaited<ReturnType<typeof createTestSchema>>;
  afterAll(async () => schema?.drop());

  it('verifies the chain, then fails with exit 1 after an edit', async () => {
    schema = await createTestSchema();
    const env = { DATABASE_URL: schema.url };
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'salon-cli-audit-pg-'));
    const salon = (...args: string[]) => runSalon([...args, '--data-dir', dataDir], env);
    expect(salon('keys', 'create', '--name', 'one').status).toBe(0);
    expect(salon('keys', 'create', '--name', 'two').status).toBe(0);
    const clean = salon('audit', 'verify');
    expect([clean.status, clean.stdout]).toEqual([0, expect.stringMatching(/^OK: .*2 events/)]);
    const client = new pg.Client({ connectionString: schema.url });
    await client.connect();
    try {
      await client.query(`update audit_events set ip = '198.51.100.9' where seq = 2`);
    } finally {
      await client.end();
    }
    const tampered = salon('audit', 'verify');
    expect(tampered.status).toBe(1);
    expect(tampered.stdout).toMatch(/^EDITED at event 2/m);
  });
});
