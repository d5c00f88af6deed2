import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

/** A stand-in for the browser's PerformanceObserver that the test feeds paint entries. */
class FakeObserver {
  static supportedEntryTypes = ['paint'];
  static instances: FakeObserver[] = [];
  disconnected = false;
  constructor(
    private readonly callback: (list: { getEntriesByName(name: string): unknown[] }) => void,
  ) {
    FakeObserver.instances.push(this);
  }
  observe(): void {}
  disconnect(): void {
    this.disconnected = true;
  }
  paint(name: string): void {
    if (this.disconnected) return;
    this.callback({ getEntriesByName: (wanted) => (wanted === name ? [{ name }] : []) });
  }
}

async function freshModule() {
  vi.resetModules();
  return import('./first-paint.js');
}

describe('firstPaintShown', () => {
  beforeEach(() => {
    FakeObserver.instances = [];
    vi.stubGlobal('PerformanceObserver', FakeObserver);
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('waits for the first contentful paint to be shown, then answers at once', async () => {
    const { firstPaintShown } = await freshModule();
    const calls: boolean[] = [];
    firstPaintShown((waited) => calls.push(waited));
    FakeObserver.instances[0]!.paint('first-paint');
    expect(calls).toEqual([]);
    FakeObserver.instances[0]!.paint('first-contentful-paint');
    expect(calls).toEqual([true]);
    firstPaintShown((waited) => calls.push(waited));
    expect(calls).toEqual([true, false]);
    // The limit of the first wait was cleared: nothing more.
    vi.advanceTimersByTime(5_000);
    expect(calls).toEqual([true, false]);
  });

  it('stops waiting after a second when nothing is shown (a background tab)', async () => {
    const { firstPaintShown } = await freshModule();
    const calls: boolean[] = [];
    firstPaintShown((waited) => calls.push(waited));
    vi.advanceTimersByTime(999);
    expect(calls).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(calls).toEqual([true]);
  });

  it('calls nothing once cancelled', async () => {
    const { firstPaintShown } = await freshModule();
    const calls: boolean[] = [];
    const cancel = firstPaintShown((waited) => calls.push(waited));
    cancel();
    FakeObserver.instances[0]!.paint('first-contentful-paint');
    vi.advanceTimersByTime(5_000);
    expect(calls).toEqual([]);
  });

  it('does not wait where the browser has no paint timing', async () => {
    FakeObserver.supportedEntryTypes = [];
    try {
      const { firstPaintShown } = await freshModule();
      const calls: boolean[] = [];
      firstPaintShown((waited) => calls.push(waited));
      expect(calls).toEqual([false]);
    } finally {
      FakeObserver.supportedEntryTypes = ['paint'];
    }
  });
});
