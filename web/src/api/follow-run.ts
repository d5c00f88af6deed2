// Follows a durable run's events. A run outlives any one HTTP response: when the stream
// drops before `finish`/`error`, we reconnect with Last-Event-ID = the last sequence number
// seen, and the server sends exactly the events after it (no gap, no duplicate). A server that
// shuts down sends `reconnect` first, with how long to wait (another replica takes over).
import { toApiError } from './client.js';
import { readSse } from './sse.js';
import type { RunEvent } from './types.js';

/** Options for followRun. */
export interface FollowRunOptions {
  /** Resume after this sequence number (0 replays the whole run). */
  after?: number;
  signal?: AbortSignal;
  onEvent(event: RunEvent): void;
  /** Called when the connection dropped and a reconnect is scheduled. */
  onReconnecting?(attempt: number): void;
  /** Delay before reconnect attempt n (1-based); tests shorten it. */
  retryDelay?(attempt: number): number;
}

const defaultDelay = (attempt: number) => Math.min(250 * 2 ** (attempt - 1), 5_000);

/** Resolves when the run finished or failed; rejects only on abort or a 4xx answer. */
export async function followRun(runId: string, options: FollowRunOptions): Promise<void> {
  let lastId = options.after ?? 0;
  let attempt = 0;
  const delay = options.retryDelay ?? defaultDelay;
  for (;;) {
    options.signal?.throwIfAborted();
    let ended = false;
    let retryHint: number | undefined;
    try {
      const headers: Record<string, string> = { accept: 'text/event-stream' };
      if (lastId > 0) headers['last-event-id'] = String(lastId);
      const response = await fetch(`/api/runs/${encodeURIComponent(runId)}/events`, {
        headers,
        signal: options.signal,
        credentials: 'same-origin',
        cache: 'no-store',
      });
      if (!response.ok) {
        const error = await toApiError(response);
        if (response.status < 500 && response.status !== 429) throw error;
      } else {
        await readSse(
          response,
          (sse) => {
            if (sse.event === 'reconnect') {
              retryHint = reconnectDelay(sse.data);
              return;
            }
            const id = Number(sse.id);
            // Never apply an event twice, whatever a proxy replays.
            if (Number.isFinite(id) && sse.id !== undefined) {
              if (id <= lastId) return;
              lastId = id;
            }
            const event = parseRunEvent(sse.event, sse.data, lastId);
            if (!event) return;
            attempt = 0;
            if (event.type !== 'text-delta') ended = true;
            options.onEvent(event);
          },
          options.signal,
        );
      }
    } catch (error) {
      if (options.signal?.aborted) throw error;
      if (error instanceof Error && error.name === 'ApiError') throw error;
      // A network failure: fall through to reconnect.
    }
    if (ended) return;
    attempt += 1;
    options.onReconnecting?.(attempt);
    await sleep(retryHint ?? delay(attempt), options.signal);
  }
}

/** The wait a `reconnect` event asks for (its `retryMs`, at most 10 s), or 1 s. */
function reconnectDelay(data: string): number {
  try {
    const retryMs = Number((JSON.parse(data) as { retryMs?: unknown }).retryMs);
    if (Number.isFinite(retryMs) && retryMs >= 0) return Math.min(retryMs, 10_000);
  } catch {
    // a malformed hint: the default below
  }
  return 1_000;
}

/** Turns one SSE event into a RunEvent; unknown event names (usage, keep-alives) give undefined. */
export function parseRunEvent(name: string, data: string, id: number): RunEvent | undefined {
  let payload: Record<string, unknown>;
  try {
    payload = JSON.parse(data) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  // The event name may be in the SSE `event:` field or in the payload's `type`.
  const type = name !== 'message' ? name : String(payload.type ?? '');
  if (type === 'text-delta') return { type, id, text: String(payload.text ?? payload.delta ?? '') };
  if (type === 'finish') return { type, id, finishReason: String(payload.finishReason ?? 'stop') };
  if (type === 'error') return { type, id, message: String(payload.message ?? 'error') };
  return undefined;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}
