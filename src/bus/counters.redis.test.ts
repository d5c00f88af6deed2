import { describe, expect, it } from 'vitest';
import { hasRedis, redisTestUrl } from '../../tests/helpers/redis.js';
import { countersContract } from './counters-contract.js';
import { RedisCounters } from './counters.redis.js';

const available = await hasRedis('Redis counters');

if (available) {
  countersContract('redis', {
    create: () => RedisCounters.connect(redisTestUrl),
    replica: () => RedisCounters.connect(redisTestUrl),
  });
}

describe('RedisCounters.connect', () => {
  it('names the redacted URL when Redis is unreachable', async () => {
    // Port 1 on loopback: nothing listens there, so the connection is refused at once.
    await expect(RedisCounters.connect('redis://:hunter2@127.0.0.1:1')).rejects.toThrow(
      /REDIS_URL: cannot connect to redis:\/\/:\*\*\*@127\.0\.0\.1:1/,
    );
  });
});
