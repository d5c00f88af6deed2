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
