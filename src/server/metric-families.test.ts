import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { CounterFamily, HistogramFamily } from './metric-families.js';

const buckets = [0.01, 0.1, 1];

describe('metric families', () => {
  it("export the same /metrics text as prom-client's own counter and histogram", async () => {
    const ours = new Registry();
    const theirs = new Registry();
    const counter = new CounterFamily({
      name: 'x_requests_total',
      help: 'Requests.',
      labelNames: ['route', 'status'],
      registry: ours,
    });
    const histogram = new HistogramFamily({
      name: 'x_seconds',
      help: 'Latency.',
      labelNames: ['route'],
      buckets,
      registry: ours,
    });
    const promCounter = new Counter({
      name: 'x_requests_total',
      help: 'Requests.',
      labelNames: ['route', 'status'],
      registers: [theirs],
    });
    const promHistogram = new Histogram({
      name: 'x_seconds',
      help: 'Latency.',
      labelNames: ['route'],
      buckets,
      registers: [theirs],
    });
    const observations: Array<[string, string, number]> = [
      ['/v1/chat/completions', '200', 0.004],
      ['/v1/chat/completions', '200', 0.01], // on a bound: counted in that bucket
      ['/v1/chat/completions', '429', 0.5],
      ['/v1/models', '200', 3],
      ['/a "quoted"\\route', '500', 0.1],
    ];
    for (const [route, status, seconds] of observations) {
      counter.inc({ route, status });
      counter.inc({ status, route }, 2);
      histogram.observe({ route }, seconds);
      promCounter.inc({ route, status });
      promCounter.inc({ route, status }, 2);
      promHistogram.observe({ route }, seconds);
    }
    expect(await ours.metrics()).toBe(await theirs.metrics());
    expect(await ours.metrics()).toContain(
      'x_seconds_bucket{le="0.01",route="/v1/chat/completions"} 2',
    );
  });

  it('starts over on reset and exports nothing before the first update', async () => {
    const registry = new Registry();
    const counter = new CounterFamily({
      name: 'y_total',
      help: 'Y.',
      labelNames: ['model'],
      registry,
    });
    expect(await registry.metrics()).not.toContain('y_total{');
    counter.inc({ model: 'small' }, 5);
    expect(await registry.metrics()).toContain('y_total{model="small"} 5');
    registry.resetMetrics();
    expect(await registry.metrics()).not.toContain('y_total{');
  });
});
