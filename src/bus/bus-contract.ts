// The behaviour every RunBus backend must have. Each backend's test file calls
// `runBusContract` with a factory; `replica` opens a second connection to the same backend
// (for the in-process bus, the same instance) so that cross-replica paths are exercised.
import { afterEach, describe, expect, it } from 'vitest';
import type { RunBus, RunBusOptions, RunEvent } from './bus.js';
import { followRun } from './follow.js';

/** How the contract creates buses of one backend. */
export interface RunBusFactory {
  create(options: RunBusOptions): Promise<RunBus>;
  /** Another connection to `bus`'s backend, as a second replica would have. */
  replica(bus: RunBus, options: RunBusOptions): Promise<RunBus>;
}

const delta = (text: string) => ({ type: 'text-delta', data: { text } });
const isFinish = (event: RunEvent) => event.type === 'finish';
const until = (condition: () => boolean | Promise<boolean>) =>
  expect.poll(condition, { timeout: 2_000, interval: 5 }).toBe(true);

let runCounter = 0;
const newRunId = () => `run-contract-${process.pid}-${Date.now()}-${++runCounter}`;

/** Defines the RunBus contract suite for one backend. */
export function runBusContract(name: string, factory: RunBusFactory): void {
  describe(`RunBus contract: ${name}`, () => {
    const opened: RunBus[] = [];
    const open = async (options: RunBusOptions = {}) => {
      const bus = await factory.create(options);
      opened.push(bus);
      return bus;
    };
    const replicaOf = async (bus: RunBus, options: RunBusOptions = {}) => {
      const other = await factory.replica(bus, options);
      if (other !== bus) opened.push(other);
      return other;
    };
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((bus) => bus.close()));
    });

    it('numbers a run’s events from 1 with no gap, even when appended at once', async () => {
      const bus = await open();
      const runId = newRunId();
      expect(await bus.append(runId, delta('a'))).toBe(1);
      const numbers = await Promise.all(
        Array.from({ length: 20 }, (_, i) => bus.append(runId, delta(String(i)))),
      );
      expect([...numbers].sort((a, b) => a - b)).toEqual(
        Array.from({ length: 20 }, (_, i) => i + 2),
      );
      const events = await bus.read(runId, 0);
      expect(events.map((event) => event.seq)).toEqual(Array.from({ length: 21 }, (_, i) => i + 1));
    });

    it('keeps runs apart and reads exactly the events after N', async () => {
      const bus = await open();
      const [one, two] = [newRunId(), newRunId()];
      for (const text of ['a', 'b', 'c']) await bus.append(one, delta(text));
      await bus.append(two, delta('x'));
      const other = await replicaOf(bus);
      expect(await other.read(one, 1)).toEqual([
        { seq: 2, ...delta('b') },
        { seq: 3, ...delta('c') },
      ]);
      expect(await other.read(one, 3)).toEqual([]);
      expect(await other.read(two, 0)).toEqual([{ seq: 1, ...delta('x') }]);
      expect(await other.read(newRunId(), 0)).toEqual([]);
    });

    it('delivers events appended after subscribing, until unsubscribed', async () => {
      const bus = await open();
      const other = await replicaOf(bus);
      const runId = newRunId();
      await bus.append(runId, delta('before'));
      const seen: RunEvent[] = [];
      const unsubscribe = await other.subscribe(runId, (event) => seen.push(event));
      await bus.append(runId, delta('after'));
      await until(() => seen.length === 1);
      expect(seen).toEqual([{ seq: 2, ...delta('after') }]);
      unsubscribe();
      await bus.append(runId, delta('ignored'));
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(seen).toHaveLength(1);
    });

    it('follows from any N with no gap and no duplicate while events keep coming', async () => {
      const bus = await open();
      const other = await replicaOf(bus);
      const runId = newRunId();
      for (let i = 1; i <= 5; i++) await bus.append(runId, delta(`t${i}`));
      const follows = [0, 3, 5].map(async (after) => {
        const events: RunEvent[] = [];
        for await (const event of followRun(other, runId, { after, isLast: isFinish })) {
          events.push(event);
        }
        return { after, events };
      });
      for (let i = 6; i <= 30; i++) {
        await bus.append(runId, delta(`t${i}`));
        if (i % 7 === 0) await new Promise((resolve) => setTimeout(resolve, 1));
      }
      await bus.append(runId, { type: 'finish', data: { finishReason: 'stop' } });
      for (const { after, events } of await Promise.all(follows)) {
        expect(events.map((event) => event.seq)).toEqual(
          Array.from({ length: 31 - after }, (_, i) => after + i + 1),
        );
        expect(events.at(-1)!.type).toBe('finish');
      }
    });

    it('stops following when the signal aborts', async () => {
      const bus = await open();
      const runId = newRunId();
      await bus.append(runId, delta('a'));
      const controller = new AbortController();
      const seen: RunEvent[] = [];
      const following = (async () => {
        for await (const event of followRun(bus, runId, {
          after: 0,
          isLast: isFinish,
          signal: controller.signal,
        })) {
          seen.push(event);
        }
      })();
      await until(() => seen.length === 1);
      controller.abort();
      await following;
      expect(seen.map((event) => event.seq)).toEqual([1]);
    });

    it('signals a cancel to the run’s owner, from another replica, and late listeners too', async () => {
      const bus = await open();
      const other = await replicaOf(bus);
      const [runId, unrelated] = [newRunId(), newRunId()];
      let cancelled = 0;
      let unrelatedCancelled = 0;
      await bus.onCancel(runId, () => cancelled++);
      await bus.onCancel(unrelated, () => unrelatedCancelled++);
      await other.cancel(runId);
      await until(() => cancelled === 1);
      let late = 0;
      await bus.onCancel(runId, () => late++);
      await until(() => late === 1);
      await other.cancel(runId);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect({ cancelled, unrelatedCancelled }).toEqual({ cancelled: 1, unrelatedCancelled: 0 });
    });

    it('broadcasts to every listener of the topic on every replica, the sender’s too', async () => {
      const bus = await open();
      const other = await replicaOf(bus);
      const topic = `contract-${newRunId()}`;
      const here: string[] = [];
      const there: string[] = [];
      const elsewhere: string[] = [];
      const stopHere = await bus.onBroadcast(topic, (message) => here.push(message));
      await other.onBroadcast(topic, (message) => there.push(message));
      await other.onBroadcast(`${topic}-other`, (message) => elsewhere.push(message));
      await other.broadcast(topic, 'revoked: key-1');
      await until(() => here.length === 1 && there.length === 1);
      expect({ here, there }).toEqual({ here: ['revoked: key-1'], there: ['revoked: key-1'] });
      stopHere();
      await bus.broadcast(topic, 'second');
      await until(() => there.length === 2);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect({ here, there, elsewhere }).toEqual({
        here: ['revoked: key-1'],
        there: ['revoked: key-1', 'second'],
        elsewhere: [],
      });
    });

    it('keeps broadcasting to the other listeners when one throws', async () => {
      const bus = await open();
      const other = await replicaOf(bus);
      const topic = `contract-${newRunId()}`;
      const seen: string[] = [];
      await other.onBroadcast(topic, () => {
        throw new Error('a listener bug');
      });
      await other.onBroadcast(topic, (message) => seen.push(message));
      // The in-process bus hands the error to the sender; Redis logs it on the receiving side.
      await bus.broadcast(topic, 'still delivered').catch(() => undefined);
      await until(() => seen.length === 1);
    });

    it('drops an ended run’s log after the grace period, not before', async () => {
      const bus = await open({ graceMs: 200 });
      const runId = newRunId();
      await bus.append(runId, delta('a'));
      await bus.append(runId, { type: 'finish', data: {} });
      await bus.end(runId);
      expect(await bus.read(runId, 0)).toHaveLength(2);
      await until(async () => (await bus.read(runId, 0)).length === 0);
    });
  });
}
