// Reading a run's SSE stream in tests: whole (through inject, once the run is over) or over a
// real connection, stopping after a number of events as a client losing its network would.
import type { FastifyInstance } from 'fastify';
import { parseSse } from '../../src/lib/sse.js';

/** One event as the client sees it. */
export interface ClientEvent {
  id?: number;
  event: string;
  data: Record<string, unknown>;
}

function toClientEvent(event: { id?: string; event?: string; data: string }): ClientEvent {
  return {
    ...(event.id !== undefined && { id: Number(event.id) }),
    event: event.event ?? 'message',
    data: JSON.parse(event.data) as Record<string, unknown>,
  };
}

/** Follows a run through `app.inject` (which returns once the stream has ended). */
export async function injectRunEvents(
  app: FastifyInstance,
  runId: string,
  headers: Record<string, string>,
  query = '',
): Promise<{ status: number; events: ClientEvent[] }> {
  const response = await app.inject({
    method: 'GET',
    url: `/api/runs/${runId}/events${query}`,
    headers,
  });
  const events: ClientEvent[] = [];
  if (response.statusCode === 200) {
    const body = (async function* () {
      yield response.payload;
    })();
    for await (const event of parseSse(body)) events.push(toClientEvent(event));
  }
  return { status: response.statusCode, events };
}

/** Follows a run over HTTP; with `take`, hangs up after that many events. */
export async function fetchRunEvents(
  baseUrl: string,
  runId: string,
  headers: Record<string, string>,
  options: { take?: number; query?: string; onEvent?(event: ClientEvent): void } = {},
): Promise<ClientEvent[]> {
  const controller = new AbortController();
  const response = await fetch(`${baseUrl}/api/runs/${runId}/events${options.query ?? ''}`, {
    headers,
    signal: controller.signal,
  });
  if (response.status !== 200) throw new Error(`follow answered ${response.status}`);
  const events: ClientEvent[] = [];
  try {
    for await (const event of parseSse(response.body as AsyncIterable<Uint8Array>)) {
      events.push(toClientEvent(event));
      options.onEvent?.(events.at(-1)!);
      if (options.take !== undefined && events.length >= options.take) break;
    }
  } finally {
    controller.abort();
  }
  return events;
}

/** The text the `text-delta` events carry, joined. */
export function joinedText(events: ClientEvent[]): string {
  return events
    .filter((event) => event.event === 'text-delta')
    .map((event) => String(event.data.text))
    .join('');
}

/** What a resuming follower saw of one run. */
export interface ResumedFollow {
  /** The run's numbered events, each once, in order. */
  events: ClientEvent[];
  /** When each of them arrived (`performance.now()`). */
  receivedAt: number[];
  /** The run's last event (`finish` or `error`). */
  final: ClientEvent;
  /** Events numbered at or below one already received (must stay 0: no duplicate). */
  duplicates: number;
  /** Numbers skipped (must stay 0: no gap). */
  gaps: number;
  /** Times the follower had to connect again. */
  reconnects: number;
  /** What replicas told it on the way: 5xx answers, `error` events without a number. */
  clientErrors: string[];
}

/** A client following a run as the web client does, which a test can disconnect. */
export interface ResumingFollower {
  /** Resolves at the run's last event; rejects past the deadline or on a 4xx answer. */
  done: Promise<ResumedFollow>;
  /** Drops the current connection, as a network would; the follower resumes. */
  dropConnection(): void;
  /** The numbered events so far. */
  events: ClientEvent[];
}

/**
 * Follows a run like web/src/api/follow-run.ts, across replicas: when the stream drops or ends
 * early, a replica answers 5xx or sends an `error` without a number (it could not follow), or a
 * `reconnect`, it resumes with `Last-Event-ID` on the next URL of `urls` (a dead replica is just
 * skipped), until the run's `finish` or `error`. Past `deadlineMs` it fails loudly: a client
 * would hang there.
 */
export function followResuming(
  urls: string[],
  runId: string,
  headers: Record<string, string>,
  options: { deadlineMs?: number; retryMs?: number } = {},
): ResumingFollower {
  const deadline = performance.now() + (options.deadlineMs ?? 60_000);
  const retryMs = options.retryMs ?? 250;
  const events: ClientEvent[] = [];
  const receivedAt: number[] = [];
  const result = { duplicates: 0, gaps: 0, reconnects: 0, clientErrors: [] as string[] };
  let connection: AbortController | undefined;
  let lastId = 0;

  async function follow(url: string): Promise<{ final?: ClientEvent; waitMs: number }> {
    connection = new AbortController();
    const timer = setTimeout(() => connection?.abort(), deadline - performance.now());
    try {
      const response = await fetch(`${url}/api/runs/${runId}/events`, {
        headers: { ...headers, ...(lastId > 0 && { 'last-event-id': String(lastId) }) },
        signal: connection.signal,
      });
      if (response.status >= 400 && response.status < 500) {
        throw new Error(`follow answered ${response.status}: ${await response.text()}`);
      }
      if (response.status !== 200) {
        result.clientErrors.push(`${response.status}: ${await response.text()}`);
        return { waitMs: retryMs };
      }
      // The parser carries the last `id:` over to events without one, as EventSource does.
      let previousId: string | undefined;
      for await (const sse of parseSse(response.body as AsyncIterable<Uint8Array>)) {
        const event = toClientEvent(sse);
        const ownId = sse.id !== previousId;
        previousId = sse.id;
        if (!ownId || event.id === undefined) {
          if (event.event === 'reconnect') return { waitMs: Number(event.data.retryMs ?? retryMs) };
          result.clientErrors.push(`${event.event}: ${JSON.stringify(event.data)}`);
          if (event.event === 'error') return { waitMs: retryMs };
          continue;
        }
        if (event.id <= lastId) {
          result.duplicates++;
          continue;
        }
        if (event.id > lastId + 1) result.gaps += event.id - lastId - 1;
        lastId = event.id;
        events.push(event);
        receivedAt.push(performance.now());
        if (event.event !== 'text-delta') return { final: event, waitMs: 0 };
      }
    } catch (error) {
      if (error instanceof Error && error.message.startsWith('follow answered')) throw error;
      // A dropped connection or a dead replica: resume elsewhere.
    } finally {
      clearTimeout(timer);
    }
    return { waitMs: retryMs };
  }

  const done = (async (): Promise<ResumedFollow> => {
    for (let attempt = 0; ; attempt++) {
      if (performance.now() >= deadline) {
        throw new Error(
          `run ${runId}: no final event within the deadline (last event ${lastId}, ${result.reconnects} reconnects, errors: ${result.clientErrors.join(' | ')})`,
        );
      }
      if (attempt > 0) result.reconnects++;
      const { final, waitMs } = await follow(urls[attempt % urls.length]!);
      if (final) return { events, receivedAt, final, ...result };
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
  })();
  return { done, events, dropConnection: () => connection?.abort() };
}
