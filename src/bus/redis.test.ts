import net from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { hasRedis, redisTestUrl, uniqueTestPrefix } from '../../tests/helpers/redis.js';
import type { RunBus, RunBusOptions, RunEvent } from './bus.js';
import { runBusContract } from './bus-contract.js';
import { followRun } from './follow.js';
import { RedisBus, runKeys, type RedisBusOptions } from './redis.js';
import { appendScript, LuaScript } from './redis-scripts.js';

const available = await hasRedis('Redis run bus');
// One prefix per test process: runs of parallel test runs never meet.
const keyPrefix = `${uniqueTestPrefix()}:`;
const connect = (options: RedisBusOptions = {}, url = redisTestUrl) =>
  RedisBus.connect(url, { ...options, keyPrefix });

if (available) {
  runBusContract('redis', {
    create: (options) => connect(options),
    // A second RedisBus: its own connections, as another replica would have.
    replica: (_bus, options) => connect(options),
  });
}

const delta = (text: string) => ({ type: 'text-delta', data: { text } });
const finish = { type: 'finish', data: { finishReason: 'stop' } };
const isFinish = (event: RunEvent) => event.type === 'finish';
const numbers = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let runCounter = 0;
const newRunId = () => `run-redis-${Date.now()}-${++runCounter}`;

describe.runIf(available)('RedisBus across replicas', () => {
  const opened: RunBus[] = [];
  const open = async (options: RunBusOptions = {}, url?: string) => {
    const bus = await connect(options, url);
    opened.push(bus);
    return bus;
  };
  const raw = new Redis(redisTestUrl, { lazyConnect: true });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((bus) => bus.close()));
  });
  afterAll(async () => {
    const keys = await raw.keys(`${keyPrefix}*`);
    if (keys.length) await raw.del(...keys);
    raw.disconnect();
  });

  it('stores a run as a stream whose entry ids are the event numbers, with a TTL', async () => {
    const bus = await open({ graceMs: 60_000 });
    const runId = newRunId();
    await bus.append(runId, delta('Bonjour'));
    await bus.append(runId, finish);
    const keys = runKeys(keyPrefix, runId);
    expect(await raw.xrange(keys.log, '-', '+')).toEqual([
      ['1-0', ['t', 'text-delta', 'd', '{"text":"Bonjour"}']],
      ['2-0', ['t', 'finish', 'd', '{"finishReason":"stop"}']],
    ]);
    // A run whose process dies never ends: its keys still expire, a day later.
    expect(await raw.pttl(keys.log)).toBeGreaterThan(23 * 3_600_000);
    await bus.end(runId);
    for (const key of [keys.log, keys.meta]) {
      const ttl = await raw.pttl(key);
      expect(ttl).toBeGreaterThan(50_000);
      expect(ttl).toBeLessThanOrEqual(60_000);
    }
  });

  it('keeps a run’s events through a replica restart within the grace period, not after', async () => {
    const runId = newRunId();
    const first = await connect({ graceMs: 1_500 });
    for (const text of ['a', 'b', 'c']) await first.append(runId, delta(text));
    await first.append(runId, finish);
    await first.end(runId);
    await first.close();
    const restarted = await open({ graceMs: 1_500 });
    expect((await restarted.read(runId, 0)).map((event) => event.seq)).toEqual([1, 2, 3, 4]);
    expect(await restarted.read(runId, 2)).toEqual([
      { seq: 3, ...delta('c') },
      { seq: 4, ...finish },
    ]);
    await expect
      .poll(async () => (await restarted.read(runId, 0)).length, { timeout: 5_000, interval: 50 })
      .toBe(0);
    expect(await raw.exists(...Object.values(runKeys(keyPrefix, runId)))).toBe(0);
  });

  it('numbers without gap when two replicas append to the same run at once', async () => {
    const [a, b] = [await open(), await open()];
    const runId = newRunId();
    const appended = await Promise.all(
      numbers(1, 60).map((i) => (i % 2 ? a : b).append(runId, delta(`t${i}`))),
    );
    expect([...appended].sort((x, y) => x - y)).toEqual(numbers(1, 60));
    const events = await b.read(runId, 0);
    expect(events.map((event) => event.seq)).toEqual(numbers(1, 60));
    const texts = events.map((event) => String(event.data.text));
    expect(new Set(texts).size).toBe(60);
  });

  it('resumes a follower on another replica from its Last-Event-ID with no gap or duplicate', async () => {
    const [a, b] = [await open(), await open()];
    const runId = newRunId();
    const total = 40;
    const producing = (async () => {
      for (let i = 1; i <= total; i++) {
        await a.append(runId, delta(`t${i} `));
        if (i % 5 === 0) await sleep(5);
      }
      await a.append(runId, finish);
    })();
    // The client loses its connection after a few events…
    const controller = new AbortController();
    const before: RunEvent[] = [];
    for await (const event of followRun(b, runId, {
      after: 0,
      isLast: isFinish,
      signal: controller.signal,
    })) {
      before.push(event);
      if (before.length === 7) controller.abort();
    }
    // …and comes back on the same replica B with the last id it saw.
    const after: RunEvent[] = [];
    for await (const event of followRun(b, runId, {
      after: before.at(-1)!.seq,
      isLast: isFinish,
    })) {
      after.push(event);
    }
    await producing;
    const all = [...before, ...after];
    expect(all.map((event) => event.seq)).toEqual(numbers(1, total + 1));
    expect(all.at(-1)!.type).toBe('finish');
    const text = all.map((event) => event.data.text ?? '').join('');
    expect(text).toBe(
      numbers(1, total)
        .map((i) => `t${i} `)
        .join(''),
    );
  });

  it('stops a run on replica A from replica B, even before A listens', async () => {
    const [a, b] = [await open(), await open()];
    const [running, early] = [newRunId(), newRunId()];
    let stopped = 0;
    await a.onCancel(running, () => stopped++);
    await b.cancel(running);
    await expect.poll(() => stopped, { timeout: 2_000, interval: 5 }).toBe(1);
    await b.cancel(early);
    let earlyStopped = 0;
    await a.onCancel(early, () => earlyStopped++);
    expect(earlyStopped).toBe(1);
  });

  it('does not store an append twice when ioredis resends it after a dropped connection', async () => {
    const runId = newRunId();
    const keys = runKeys(keyPrefix, runId);
    const script = new LuaScript(appendScript);
    const args = ['text-delta', '{"text":"once"}', 'token-1', keys.events, 60_000];
    expect(await script.run(raw, [keys.log, keys.meta], args)).toBe(1);
    expect(await script.run(raw, [keys.log, keys.meta], args)).toBe(1);
    expect(await raw.xlen(keys.log)).toBe(1);
  });

  it('catches up on what it missed while its connection to Redis was cut', async () => {
    const proxy = await startProxy(new URL(redisTestUrl));
    let closeLast: (() => Promise<void>) | undefined;
    try {
      const a = await open();
      const b = await connect({}, proxy.url);
      closeLast = () => b.close();
      const [runId, stopped] = [newRunId(), newRunId()];
      const seen: RunEvent[] = [];
      await b.subscribe(runId, (event) => seen.push(event));
      let cancelled = 0;
      await b.onCancel(stopped, () => cancelled++);
      await a.append(runId, delta('t1'));
      await expect.poll(() => seen.length, { timeout: 2_000, interval: 5 }).toBe(1);
      // Redis unreachable for B: what A appends and cancels meanwhile is announced to no one.
      await proxy.cut(300);
      for (let i = 2; i <= 6; i++) await a.append(runId, delta(`t${i}`));
      await a.append(runId, finish);
      await a.cancel(stopped);
      await expect.poll(() => seen.length, { timeout: 10_000, interval: 20 }).toBe(7);
      expect(seen.map((event) => event.seq)).toEqual(numbers(1, 7));
      await expect.poll(() => cancelled, { timeout: 10_000, interval: 20 }).toBe(1);
    } finally {
      await closeLast?.();
      await proxy.close();
    }
  });
  it('listens to its broadcast topics again after its connection to Redis was cut', async () => {
    const proxy = await startProxy(new URL(redisTestUrl));
    const b = await connect({}, proxy.url);
    try {
      const a = await open();
      const topic = `topic-${newRunId()}`;
      const seen: string[] = [];
      await b.onBroadcast(topic, (message) => seen.push(message));
      await a.broadcast(topic, 'before');
      await expect.poll(() => seen, { timeout: 2_000, interval: 5 }).toEqual(['before']);
      await proxy.cut(300);
      // Sent while B is away: lost (at most once); its listeners' entries expire instead.
      await a.broadcast(topic, 'lost');
      // Until B has resubscribed, what A sends is lost as well: send until one arrives.
      await expect
        .poll(
          async () => {
            await a.broadcast(topic, 'after');
            return seen.at(-1);
          },
          { timeout: 10_000, interval: 100 },
        )
        .toBe('after');
      expect(seen).not.toContain('lost');
    } finally {
      await b.close();
      await proxy.close();
    }
  });

  it('waits out a short outage; past commandTimeoutMs it rejects, and still stores in order', async () => {
    const proxy = await startProxy(new URL(redisTestUrl));
    const bus = await connect({ commandTimeoutMs: 1_000 }, proxy.url);
    try {
      const runId = newRunId();
      await proxy.cut(300);
      expect(await bus.append(runId, delta('through a blip'))).toBe(1);
      await proxy.cut(2_500);
      // A SalonError saying what did not answer, so the run's reader is told why it stopped.
      await expect(bus.append(runId, delta('late'))).rejects.toMatchObject({
        code: 'bus_unavailable',
        status: 503,
        message: 'Redis did not answer within 1 s.',
      });
      // Queued, not dropped: once Redis is back it is stored, before what comes next.
      await expect
        .poll(async () => (await bus.read(runId, 0)).length, { timeout: 10_000, interval: 100 })
        .toBe(2);
      expect(await bus.append(runId, finish)).toBe(3);
      expect((await bus.read(runId, 0)).map((event) => event.data.text ?? event.type)).toEqual([
        'through a blip',
        'late',
        'finish',
      ]);
    } finally {
      await bus.close();
      await proxy.close();
    }
  });
});

describe('RedisBus.connect', () => {
  it('names the redacted URL when Redis is unreachable', async () => {
    // Port 1 on loopback: nothing listens there, so the connection is refused at once.
    await expect(RedisBus.connect('redis://:hunter2@127.0.0.1:1')).rejects.toThrow(
      /REDIS_URL: cannot connect to redis:\/\/:\*\*\*@127\.0\.0\.1:1/,
    );
  });
});

/** A TCP relay to Redis whose connections can be cut, as a network outage would. */
async function startProxy(target: URL) {
  const sockets = new Set<net.Socket>();
  let refusing = false;
  const server = net.createServer((client) => {
    if (refusing) return client.destroy();
    const upstream = net.connect(Number(target.port || 6379), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `redis://127.0.0.1:${port}`,
    /** Drops every connection and refuses new ones for `ms`. */
    async cut(ms: number) {
      refusing = true;
      for (const socket of sockets) socket.destroy();
      setTimeout(() => (refusing = false), ms);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
