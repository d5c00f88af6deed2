import { describe, expect, it } from 'vitest';
import { arenaModels, pickContenders } from './contenders.js';

const gateway = (names: [string, string?][]) => ({
  listModels: () =>
    names.map(([name, aliasOf]) => ({
      name,
      targets: [],
      fallbacks: [],
      ...(aliasOf && { aliasOf }),
    })),
});

describe('arena contenders', () => {
  it('leaves aliases out: an alias and its model are one model', () => {
    expect(arenaModels(gateway([['small', 'tiny'], ['tiny'], ['large']]))).toEqual([
      'tiny',
      'large',
    ]);
  });

  it('refuses with fewer than two models, naming how many there are', () => {
    for (const models of [[], [['small', 'tiny'], ['tiny']]] as [string, string?][][]) {
      expect(() => pickContenders(gateway(models))).toThrow(
        expect.objectContaining({ code: 'arena_needs_two_models', status: 400 }),
      );
    }
    expect(() => pickContenders(gateway([['only']]))).toThrow(/serves 1/);
  });

  it('draws two different models, every ordered pair about equally often', () => {
    // A fixed linear congruential sequence: the same draws on every run.
    let state = 12345;
    const draw = (max: number) => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return Math.floor((state / 2 ** 32) * max);
    };
    const counts = new Map<string, number>();
    const models = gateway([['a'], ['b'], ['c']]);
    for (let k = 0; k < 6000; k++) {
      const [x, y] = pickContenders(models, draw);
      expect(x).not.toBe(y);
      counts.set(`${x}${y}`, (counts.get(`${x}${y}`) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual(['ab', 'ac', 'ba', 'bc', 'ca', 'cb']);
    for (const count of counts.values()) expect(Math.abs(count - 1000)).toBeLessThan(150);
  });
});
