// Builds the admission and metering of /v1 and the web chat from settings: counters in Redis when
// REDIS_URL is set (limits hold across replicas), in process otherwise; the ledger, quotas and
// model access rules on the store.
import { MemoryCounters } from '../bus/counters.memory.js';
import { RedisCounters } from '../bus/counters.redis.js';
import type { Counters } from '../bus/counters.js';
import type { Settings } from '../config/settings.js';
import { Limiter } from '../governance/limiter.js';
import { OrgPolicyCache } from '../governance/org-policy.js';
import { UsageLedger } from '../governance/usage-ledger.js';
import { scopeSpend } from '../governance/usage-summary.js';
import type { Store } from '../store/create-database.js';
import { V1Governance } from './v1-governance.js';

/** Opens V1Governance; rejects when REDIS_URL is set and Redis cannot be reached. */
export async function openV1Governance(
  settings: Settings,
  store: Store,
  options: { aliasOf?: (model: string) => string | undefined; log: (message: string) => void },
): Promise<V1Governance> {
  const counters: Counters = settings.redisUrl
    ? await RedisCounters.connect(settings.redisUrl, { log: options.log })
    : new MemoryCounters();
  const limiter = new Limiter({
    counters,
    spentSince: (scope, since) => scopeSpend(store.db, scope, since),
    log: options.log,
  });
  return new V1Governance({
    ledger: new UsageLedger(store.db, { log: options.log }),
    limiter,
    limits: settings.config.limits,
    policies: new OrgPolicyCache(store.db),
    aliasOf: options.aliasOf,
    closeCounters: () => counters.close(),
    counters,
    log: options.log,
  });
}
