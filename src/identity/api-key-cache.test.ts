// The key cache: entries expire after 5 s, an eviction drops them at once, and a database read
// that raced with an eviction is not cached (it may hold the key as it was before the change).
import { describe, expect, it } from 'vitest';
import { ApiKeyCache } from './api-key-cache.js';

describe('ApiKeyCache', () => {
  it('serves an entry for 5 s, and not after', () => {
    const cache = new ApiKeyCache<{ id: string }>();
    cache.set('hash-1', { id: 'key-1' }, cache.generation, 1_000);
    expect(cache.get('hash-1', 5_999)).toEqual({ id: 'key-1' });
    expect(cache.get('hash-1', 6_000)).toBeUndefined();
  });

  it('forgets evicted keys by id and keeps the others', () => {
    const cache = new ApiKeyCache<{ id: string }>();
    for (const n of [1, 2, 3]) cache.set(`hash-${n}`, { id: `key-${n}` }, cache.generation, 0);
    cache.evict(['key-1', 'key-3']);
    expect(['hash-1', 'hash-2', 'hash-3'].map((hash) => cache.get(hash, 1)?.id)).toEqual([
      undefined,
      'key-2',
      undefined,
    ]);
  });

  it('does not cache a read that started before an eviction', () => {
    const cache = new ApiKeyCache<{ id: string }>();
    const generation = cache.generation; // the read starts…
    cache.evict(['key-1']); // …the key is revoked and the notice arrives meanwhile…
    cache.set('hash-1', { id: 'key-1' }, generation, 0); // …and the read returns the old row
    expect(cache.get('hash-1', 1)).toBeUndefined();
    cache.set('hash-1', { id: 'key-1' }, cache.generation, 0);
    expect(cache.get('hash-1', 1)).toEqual({ id: 'key-1' });
  });
});
