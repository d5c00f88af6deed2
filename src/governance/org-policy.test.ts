// The policy cache on both dialects: a quota or team change made behind its back shows after the
// time-to-live, at once after `invalidate`, on another cache sharing the bus too; and a user's
// teams come earliest joined first.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, storeTargets } from '../../tests/helpers/stores.js';
import { MemoryBus } from '../bus/memory.js';
import { OrgScope } from '../identity/org-scope.js';
import { createOrg } from '../identity/orgs.js';
import { createTeam, setTeamMember } from '../identity/teams.js';
import { createUser } from '../identity/users.js';
import type { Store } from '../store/create-database.js';
import { OrgPolicyCache } from './org-policy.js';
import { upsertQuota } from './quotas.js';

const targets = await storeTargets('org policy cache');

describe.each(targets)('OrgPolicyCache on $dialect', (target) => {
  let store: Store;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ store, dispose } = await openTestStore(target));
  });
  afterAll(async () => {
    await dispose();
  });

  it('serves a cached policy for its time-to-live, and reads again after invalidate', async () => {
    let clock = 1_000_000;
    const cache = new OrgPolicyCache(store.db, { ttlMs: 5_000, now: () => clock });
    const org = await createOrg(store.db, { name: 'Acme' });
    const scope = new OrgScope(store.db, org.id);
    await upsertQuota(scope, { scope: 'org', subjectId: org.id, rpm: 10 });
    expect((await cache.policy(org.id)).quotas.map((quota) => quota.rpm)).toEqual([10]);

    await upsertQuota(scope, { scope: 'org', subjectId: org.id, rpm: 20 });
    clock += 4_999;
    expect((await cache.policy(org.id)).quotas.map((quota) => quota.rpm)).toEqual([10]);
    clock += 1;
    expect((await cache.policy(org.id)).quotas.map((quota) => quota.rpm)).toEqual([20]);

    await upsertQuota(scope, { scope: 'org', subjectId: org.id, rpm: 30 });
    await cache.invalidate(org.id);
    expect((await cache.policy(org.id)).quotas.map((quota) => quota.rpm)).toEqual([30]);
  });

  it('drops another cache’s copy at once when both share the bus, until it stops sharing', async () => {
    const bus = new MemoryBus();
    const [here, there] = [new OrgPolicyCache(store.db), new OrgPolicyCache(store.db)];
    await here.share(bus, () => undefined);
    const stopSharing = await there.share(bus, () => undefined);
    const org = await createOrg(store.db, { name: 'Initech' });
    const scope = new OrgScope(store.db, org.id);
    const rpmSeen = async () => (await there.policy(org.id)).quotas.map((quota) => quota.rpm);
    await upsertQuota(scope, { scope: 'org', subjectId: org.id, rpm: 10 });
    expect(await rpmSeen()).toEqual([10]);

    await upsertQuota(scope, { scope: 'org', subjectId: org.id, rpm: 20 });
    await here.invalidate(org.id);
    expect(await rpmSeen()).toEqual([20]);

    stopSharing();
    await upsertQuota(scope, { scope: 'org', subjectId: org.id, rpm: 30 });
    await here.invalidate(org.id);
    expect(await rpmSeen()).toEqual([20]); // its own copy until the time-to-live ends
    await bus.close();
  });

  it("lists a user's teams earliest joined first: the first is the primary team", async () => {
    const cache = new OrgPolicyCache(store.db);
    const org = await createOrg(store.db, { name: 'Globex' });
    const scope = new OrgScope(store.db, org.id);
    const user = await createUser(store.db, {
      email: 'ada@globex.test',
      role: 'member',
      orgId: org.id,
    });
    const zeta = await createTeam(scope, { name: 'Zeta' });
    const alpha = await createTeam(scope, { name: 'Alpha' });
    await setTeamMember(scope, zeta.id, user.id, 'member');
    await new Promise((resolve) => setTimeout(resolve, 5)); // distinct join times
    await setTeamMember(scope, alpha.id, user.id, 'manager');
    expect(await cache.standing(user.id)).toEqual({
      userId: user.id,
      orgId: org.id,
      role: 'member',
      teams: [
        { id: zeta.id, name: 'Zeta' },
        { id: alpha.id, name: 'Alpha' },
      ],
    });
    expect(await cache.standing('user-nobody')).toBeUndefined();
  });
});
