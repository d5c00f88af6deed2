import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { cgroupCpuQuota, chooseThreads, machineCores, maxCpuThreads } from './threads.js';

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

describe('machineCores', () => {
  /** A reader of the cgroup files given here; every other file is absent. */
  const files =
    (contents: Record<string, string>) =>
    (file: string): string =>
      contents[file] ?? '';

  it('reads a cgroup v2 quota, a fraction of a CPU counting as one', () => {
    expect(cgroupCpuQuota(files({ '/sys/fs/cgroup/cpu.max': '200000 100000' }))).toBe(2);
    expect(cgroupCpuQuota(files({ '/sys/fs/cgroup/cpu.max': '150000 100000' }))).toBe(1);
    expect(cgroupCpuQuota(files({ '/sys/fs/cgroup/cpu.max': '50000 100000' }))).toBe(1);
    expect(cgroupCpuQuota(files({ '/sys/fs/cgroup/cpu.max': 'max 100000' }))).toBeUndefined();
  });

  it('reads a cgroup v1 CFS quota, -1 meaning none', () => {
    const v1 = (quota: string) =>
      files({
        '/sys/fs/cgroup/cpu/cpu.cfs_quota_us': quota,
        '/sys/fs/cgroup/cpu/cpu.cfs_period_us': '100000',
      });
    expect(cgroupCpuQuota(v1('400000'))).toBe(4);
    expect(cgroupCpuQuota(v1('-1'))).toBeUndefined();
    expect(cgroupCpuQuota(files({}))).toBeUndefined();
  });

  it('takes the quota when it grants fewer cores than the process sees', () => {
    const visible = os.availableParallelism();
    expect(machineCores(() => undefined)).toBe(visible);
    expect(machineCores(() => 1)).toBe(1);
    expect(machineCores(() => visible + 8)).toBe(visible);
    // A 2-CPU container, whatever the host's size, gets one llama.cpp thread.
    expect(chooseThreads(machineCores(() => 2))).toBe(1);
  });
});
