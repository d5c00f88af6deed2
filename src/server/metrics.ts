// Prometheus metrics, one registry per app so that several apps in one process (tests)
// don't collide. The per-request ones are metric-families.ts's, which prom-client's registry
// exports like its own.
import { Registry, collectDefaultMetrics } from 'prom-client';
import { CounterFamily, HistogramFamily } from './metric-families.js';

/** The metrics Salon exports at /metrics. */
export interface Metrics {
  registry: Registry;
  requests: CounterFamily<'method' | 'route' | 'status'>;
  requestDuration: HistogramFamily<'method' | 'route'>;
  tokens: CounterFamily<'model' | 'kind'>;
  timeToFirstToken: HistogramFamily<'model'>;
  generations: CounterFamily<'model' | 'finish_reason'>;
}

/** Creates the registry and Salon's metrics in it. */
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    requests: new CounterFamily({
      name: 'salon_http_requests_total',
      help: 'HTTP requests by method, route and status.',
      labelNames: ['method', 'route', 'status'],
      registry,
    }),
    requestDuration: new HistogramFamily({
      name: 'salon_http_request_duration_seconds',
      help: 'HTTP request latency until the response ended (whole stream for SSE).',
      labelNames: ['method', 'route'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
      registry,
    }),
    tokens: new CounterFamily({
      name: 'salon_tokens_total',
      help: 'Tokens processed, by model and kind (prompt or completion).',
      labelNames: ['model', 'kind'],
      registry,
    }),
    timeToFirstToken: new HistogramFamily({
      name: 'salon_time_to_first_token_seconds',
      help: 'Time from request to the first generated text, by model.',
      labelNames: ['model'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
      registry,
    }),
    generations: new CounterFamily({
      name: 'salon_generations_total',
      help: 'Finished generations by model and finish reason.',
      labelNames: ['model', 'finish_reason'],
      registry,
    }),
  };
}
