// OrgScope: a query through one organisation's scope never reads, changes or deletes another's
// rows, and inserts land in the scope's organisation whatever the row says.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, storeTargets } from '../../tests/helpers/stores.js';
import type { Store } from '../store/create-database.js';
import { OrgScope } from './org-scope.js';
import { createOrg } from './orgs.js';

const targets = await storeTargets('org scope');
const at = '2026-11-01T00:00:00.000Z';

describe.each(targets)('OrgScope on $dialect', (target) => {
  let store: Store;
  let dispose: () => Promise<void>;
  let mine: OrgScope;
  let theirs: OrgScope;
  beforeAll(async () => {
    ({ store, dispose } = await openTestStore(target));
    mine = new OrgScope(store.db, (await createOrg(store.db, { name: 'Mine' })).id);
    theirs = new OrgScope(store.db, (await createOrg(store.db, { name: 'Theirs' })).id);
    for (const [scope, id] of [
      [mine, 'team-mine'],
      [theirs, 'team-theirs'],
    ] as const) {
      await scope
        .insertInto('teams', [
          { id, name: 'Research', external_id: null, created_at: at, updated_at: at },
        ])
        .execute();
    }
  });
  afterAll(async () => dispose());

  it('reads only its own rows, even when asked for another organisation’s id', async () => {
    const all = await mine.selectFrom('teams').select(['id', 'org_id']).execute();
    expect(all).toEqual([{ id: 'team-mine', org_id: mine.orgId }]);
    const other = await mine.selectFrom('teams').select('id').where('id', '=', 'team-theirs');
    expect(await other.executeTakeFirst()).toBeUndefined();
  });

  it('updates and deletes only its own rows', async () => {
    const updated = await mine
      .updateTable('teams')
      .set({ name: 'Taken' })
      .where('id', '=', 'team-theirs')
      .executeTakeFirst();
    expect(Number(updated.numUpdatedRows)).toBe(0);
    const deleted = await mine
      .deleteFrom('teams')
      .where('id', '=', 'team-theirs')
      .executeTakeFirst();
    expect(Number(deleted.numDeletedRows)).toBe(0);
    const theirTeam = await theirs.selectFrom('teams').select('name').executeTakeFirstOrThrow();
    expect(theirTeam.name).toBe('Research');
  });

  it('inserts into its own organisation whatever the row says', async () => {
    const smuggled = { id: 'team-x', name: 'X', external_id: null, created_at: at, updated_at: at };
    await mine
      .insertInto('teams', [{ ...smuggled, org_id: theirs.orgId } as typeof smuggled])
      .execute();
    const row = await store.db.selectFrom('teams').select('org_id').where('id', '=', 'team-x');
    expect((await row.executeTakeFirstOrThrow()).org_id).toBe(mine.orgId);
  });
});
