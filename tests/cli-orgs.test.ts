// `salon orgs create|list` and `salon users create --org`, as an operator scripts them.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../src/store/create-database.js';
import { runSalon } from './helpers/salon-process.js';

describe('salon orgs', () => {
  it('creates an organisation with its owner, lists it, and adds users to it', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'salon-cli-orgs-'));
    const created = runSalon([
      'orgs',
      'create',
      '--name',
      'Acme',
      '--owner-email',
      'boss@acme.example',
      '--owner-password',
      'a long password',
      '--data-dir',
      dataDir,
    ]);
    expect(created.status, created.stderr).toBe(0);
    expect(created.stdout).toMatch(/^org-\w+\n$/);
    const orgId = created.stdout.trim();

    const listed = runSalon(['orgs', 'list', '--data-dir', dataDir]);
    expect(listed.stdout.split('\n').filter(Boolean)).toEqual([
      'org_default\tSalon',
      `${orgId}\tAcme`,
    ]);

    const user = runSalon([
      'users',
      'create',
      '--email',
      'ada@acme.example',
      '--password',
      'a long password',
      '--org',
      orgId,
      '--data-dir',
      dataDir,
    ]);
    expect(user.status, user.stderr).toBe(0);
    const unknown = runSalon([
      'users',
      'create',
      '--email',
      'x@acme.example',
      '--password',
      'a long password',
      '--org',
      'org-nope',
      '--data-dir',
      dataDir,
    ]);
    expect(unknown.status).not.toBe(0);
    expect(unknown.stderr).toMatch(/organisation/i);

    const store = await openDatabase({ dataDir });
    try {
      const rows = await store.db
        .selectFrom('users')
        .select(['email', 'role', 'org_id'])
        .orderBy('email')
        .execute();
      expect(rows).toEqual([
        { email: 'ada@acme.example', role: 'member', org_id: orgId },
        { email: 'boss@acme.example', role: 'owner', org_id: orgId },
      ]);
    } finally {
      await store.close();
    }
  });
});
