import { describe, expect, it } from 'vitest';
import { chooseThreads, maxCpuThreads } from './threads.js';

describe('chooseThreads', () => {
  it('leaves one core to the event loop', () => {
    expect(chooseThreads(2)).toBe(1);
    expect(chooseThreads(4)).toBe(3);
  });

  it('never goes below one thread', () => {
    expect(chooseThreads(1)).toBe(1);
    expect(chooseThreads(0)).toBe(1);
    expect(chooseThreads(Number.NaN)).toBe(1);
  });

  it('caps at maxCpuThreads', () => {
    expect(chooseThreads(64)).toBe(maxCpuThreads);
  });

  it('defaults to the machine', () => {
    expect(chooseThreads()).toBeGreaterThanOrEqual(1);
  });
});
