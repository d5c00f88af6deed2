// Links this process's caches of keys and organisation policies to the bus, so that a change made
// on any replica drops the stale copies on all of them at once (docs/scale-out.md). The caches'
// own 5 s expiry remains the bound when a notice is lost (Redis pub/sub is at most once).
import type { Broadcasts } from '../bus/broadcasts.js';
import type { Unsubscribe } from '../bus/bus.js';
import type { OrgPolicyCache } from '../governance/org-policy.js';
import { shareApiKeyEvictions } from '../identity/api-key-evictions.js';
import type { Store } from '../store/create-database.js';

/** Shares key evictions and policy invalidations over `broadcasts`; the function returned stops. */
export async function shareInvalidations(
  store: Store,
  broadcasts: Broadcasts,
  policies: OrgPolicyCache | undefined,
  log: (message: string) => void,
): Promise<Unsubscribe> {
  const stops = [await shareApiKeyEvictions(store.db, broadcasts, log)];
  if (policies) stops.push(await policies.share(broadcasts, log));
  return () => {
    for (const stop of stops) stop();
  };
}
