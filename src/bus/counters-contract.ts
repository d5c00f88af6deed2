// The behaviour every Counters backend must have. Each backend's test file calls
// `countersContract` with a factory; `replica` opens a second connection to the same backend
// (for the in-process counters, the same instance) so that cross-replica paths are exercised.
import { afterEach, describe, expect, it } from 'vitest';
import { randomToken } from '../lib/ids.js';
import type { CounterCheck, Counters } from './counters.js';

/** How the contract creates counters of one backend. */
export interface CountersFactory {
  create(): Promise<Counters>;
  /** Another connection to `counters`' backend, as a second replica would have. */
  replica(counters: Counters): Promise<Counters>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
// Shared backends outlive a test run: every name is new.
const newName = (label: string) => `contract:${label}:${randomToken(12)}`;
const minute = 60_000;

/** Defines the Counters contract suite for one backend. */
export function countersContract(name: string, factory: CountersFactory): void {
  describe(`Counters contract: ${name}`, () => {
    const opened: Counters[] = [];
    const open = async () => {
      const counters = await factory.create();
      opened.push(counters);
      return counters;
    };
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((counters) => counters.close()));
    });
    const check = (name: string, limit: number, amount = 1, windowMs = minute): CounterCheck => ({
      name,
      limit,
      amount,
      windowMs,
    });

    it('admits while below the limit, then refuses without counting', async () => {
      const counters = await open();
      const name = newName('rpm');
      const values: number[] = [];
      for (let i = 0; i < 3; i++) {
        const result = await counters.take([check(name, 3)]);
        expect(result.allowed).toBe(true);
        values.push(result.states[0]!.value);
      }
      expect(values).toEqual([1, 2, 3]);
      const refused = await counters.take([check(name, 3)]);
      expect(refused.allowed).toBe(false);
      expect(refused.states[0]!.value).toBe(3);
      expect(refused.states[0]!.resetMs).toBeGreaterThan(minute - 5_000);
      expect(refused.states[0]!.resetMs).toBeLessThanOrEqual(minute);
    });

    it('takes all or nothing across counters', async () => {
      const counters = await open();
      const [key, user] = [newName('key'), newName('user')];
      await counters.take([check(user, 1)]); // the user is now at its limit
      const refused = await counters.take([check(key, 10), check(user, 1)]);
      expect(refused.allowed).toBe(false);
      expect(refused.states.map((state) => state.value)).toEqual([0, 1]);
      const alone = await counters.take([check(key, 10)]);
      expect(alone.states[0]!.value).toBe(1); // the refused take added nothing to the key
    });

    it('checks without counting when the amount is 0, and opens no window', async () => {
      const counters = await open();
      const name = newName('tpm');
      const result = await counters.take([check(name, 100, 0)]);
      expect(result).toEqual({ allowed: true, states: [{ value: 0, resetMs: 0 }] });
    });

    it('adds amounts within one window, which later counts do not extend', async () => {
      const counters = await open();
      const spec = { name: newName('tokens'), windowMs: 300 };
      const first = await counters.add(spec, 40);
      expect(first.value).toBe(40);
      await sleep(150);
      const second = await counters.add(spec, 25);
      expect(second.value).toBe(65);
      expect(second.resetMs).toBeLessThanOrEqual(160); // the window opened by the first add
      const blocked = await counters.take([check(spec.name, 65, 0, 300)]);
      expect(blocked.allowed).toBe(false);
      await sleep(second.resetMs + 30);
      const fresh = await counters.take([check(spec.name, 65, 0, 300)]);
      expect(fresh).toEqual({ allowed: true, states: [{ value: 0, resetMs: 0 }] });
      expect((await counters.add(spec, 5)).value).toBe(5); // a new window from zero
    });

    it('seeds a counter only when no window is open', async () => {
      const counters = await open();
      const spec = { name: newName('budget'), windowMs: minute };
      expect((await counters.seed(spec, 1_000)).value).toBe(1_000);
      expect((await counters.seed(spec, 5)).value).toBe(1_000);
      expect((await counters.add(spec, 234)).value).toBe(1_234);
      const zero = { name: newName('budget'), windowMs: minute };
      expect((await counters.seed(zero, 0)).value).toBe(0);
      expect((await counters.add(zero, 3)).value).toBe(3);
    });

    it('counts large sums exactly (nano-dollars of a budget)', async () => {
      const counters = await open();
      const spec = { name: newName('usd'), windowMs: minute };
      await counters.add(spec, 4_999_999_999_999);
      expect((await counters.add(spec, 2)).value).toBe(5_000_000_000_001);
    });

    it('never admits past the limit under concurrent takes from two replicas', async () => {
      const one = await open();
      const two = await factory.replica(one);
      if (two !== one) opened.push(two);
      const name = newName('race');
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) => (i % 2 ? one : two).take([check(name, 10)])),
      );
      expect(results.filter((result) => result.allowed)).toHaveLength(10);
      const values = results.filter((r) => r.allowed).map((r) => r.states[0]!.value);
      expect([...values].sort((a, b) => a - b)).toEqual(
        Array.from({ length: 10 }, (_, i) => i + 1),
      );
    });
  });
}
