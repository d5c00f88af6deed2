import { afterEach, describe, expect, it, vi } from 'vitest';
import { followRun, parseRunEvent } from './follow-run.js';
import type { RunEvent } from './types.js';

function sse(events: Array<[number, string, object]>): string {
  return events
    .map(([id, name, data]) => `id: ${id}\nevent: ${name}\ndata: ${JSON.stringify(data)}\n\n`)
    .join('');
}

/** A body that sends `text`, then fails like a dropped connection. */
function droppingBody(text: string): ReadableStream<Uint8Array> {
  let sent = false;
  return new ReadableStream({
    pull(controller) {
      if (sent) return controller.error(new TypeError('network error'));
      sent = true;
      controller.enqueue(new TextEncoder().encode(text));
    },
  });
}

afterEach(() => vi.unstubAllGlobals());

describe('followRun', () => {
  it('reconnects with Last-Event-ID after a drop and continues without duplicates', async () => {
    const seen: Array<string | null> = [];
    const fetchMock = vi.fn(async (_url: string, init: RequestInit) => {
      const lastId = new Headers(init.headers).get('last-event-id');
      seen.push(lastId);
      if (lastId === null) {
        const body = sse([
          [1, 'text-delta', { text: 'Bon' }],
          [2, 'text-delta', { text: 'jour' }],
        ]);
        return new Response(droppingBody(body), { status: 200 });
      }
      // A proxy replaying event 2 must not duplicate text.
      return new Response(
        sse([
          [2, 'text-delta', { text: 'jour' }],
          [3, 'text-delta', { text: ' !' }],
          [4, 'finish', { finishReason: 'stop', usage: null }],
        ]),
        { status: 200 },
      );
    });
    vi.stubGlobal('fetch', fetchMock);
    const events: RunEvent[] = [];
    let reconnects = 0;
    await followRun('run-1', {
      onEvent: (event) => events.push(event),
      onReconnecting: () => (reconnects += 1),
      retryDelay: () => 1,
    });
    expect(seen).toEqual([null, '2']);
    expect(reconnects).toBe(1);
    const text = events.flatMap((event) => (event.type === 'text-delta' ? [event.text] : []));
    expect(text.join('')).toBe('Bonjour !');
    expect(events.at(-1)).toEqual({ type: 'finish', id: 4, finishReason: 'stop' });
    expect(fetchMock.mock.calls[0]?.[0]).toBe('/api/runs/run-1/events');
  });

  it('reconnects when the stream ends cleanly before finish', async () => {
    let calls = 0;
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => {
        calls += 1;
        const body =
          calls === 1
            ? sse([[1, 'text-delta', { text: 'a' }]])
            : sse([[2, 'error', { message: 'The reply was interrupted.' }]]);
        return new Response(body, { status: 200 });
      }),
    );
    const events: RunEvent[] = [];
    await followRun('r', { onEvent: (event) => events.push(event), retryDelay: () => 1 });
    expect(events.map((event) => event.type)).toEqual(['text-delta', 'error']);
  });

  it('resumes after a server shutting down says reconnect, waiting the time it asks', async () => {
    const seen: Array<string | null> = [];
    const startedAt: number[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (_url: string, init: RequestInit) => {
        seen.push(new Headers(init.headers).get('last-event-id'));
        startedAt.push(performance.now());
        const body =
          seen.length === 1
            ? sse([[1, 'text-delta', { text: 'Bon' }]]) +
              'retry: 120\nevent: reconnect\ndata: {"retryMs":120,"reason":"shutting down"}\n\n'
            : sse([
                [2, 'text-delta', { text: 'jour' }],
                [3, 'finish', { finishReason: 'stop' }],
              ]);
        return new Response(body, { status: 200 });
      }),
    );
    const events: RunEvent[] = [];
    await followRun('r', { onEvent: (event) => events.push(event), retryDelay: () => 5_000 });
    expect(seen).toEqual([null, '1']);
    // The hint, not the 5 s backoff, decided the wait.
    expect(startedAt[1]! - startedAt[0]!).toBeGreaterThanOrEqual(100);
    expect(startedAt[1]! - startedAt[0]!).toBeLessThan(2_000);
    expect(events.map((event) => event.type)).toEqual(['text-delta', 'text-delta', 'finish']);
  });

  it('gives up on a 404 and stops when aborted', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () =>
        Response.json({ error: { message: 'No such run', code: 'not_found' } }, { status: 404 }),
      ),
    );
    await expect(followRun('r', { onEvent: () => undefined })).rejects.toMatchObject({
      status: 404,
      code: 'not_found',
    });
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => {
        throw new TypeError('offline');
      }),
    );
    const controller = new AbortController();
    const following = followRun('r', {
      onEvent: () => undefined,
      signal: controller.signal,
      retryDelay: () => 5,
    });
    setTimeout(() => controller.abort(), 20);
    await expect(following).rejects.toBeDefined();
  });
});

describe('parseRunEvent', () => {
  it('reads the event name from the SSE field or the payload', () => {
    expect(parseRunEvent('text-delta', '{"text":"x"}', 1)).toEqual({
      type: 'text-delta',
      id: 1,
      text: 'x',
    });
    expect(parseRunEvent('message', '{"type":"finish","finishReason":"abort"}', 2)).toEqual({
      type: 'finish',
      id: 2,
      finishReason: 'abort',
    });
    expect(parseRunEvent('usage', '{}', 3)).toBeUndefined();
    expect(parseRunEvent('text-delta', 'not json', 3)).toBeUndefined();
  });
});
