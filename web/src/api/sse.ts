// A Server-Sent Events parser fed with text chunks, as the EventSource spec reads a stream,
// so runs can be followed over fetch (with Last-Event-ID and our own reconnection).

/** One dispatched event. */
export interface SseEvent {
  event: string;
  data: string;
  id: string | undefined;
}

/** Returns push(chunk) that calls onEvent for each complete event; end() drops a partial one. */
export function createSseParser(onEvent: (event: SseEvent) => void): {
  push(chunk: string): void;
  end(): void;
} {
  let buffer = '';
  let event = '';
  let data: string[] = [];
  let id: string | undefined;
  let sawData = false;

  const line = (text: string) => {
    if (text === '') {
      if (sawData) onEvent({ event: event || 'message', data: data.join('\n'), id });
      event = '';
      data = [];
      sawData = false;
      return;
    }
    if (text.startsWith(':')) return;
    const colon = text.indexOf(':');
    const field = colon === -1 ? text : text.slice(0, colon);
    let value = colon === -1 ? '' : text.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') event = value;
    else if (field === 'data') {
      data.push(value);
      sawData = true;
    } else if (field === 'id' && !value.includes('\0')) id = value;
  };

  return {
    push(chunk) {
      buffer += chunk;
      // A lone \r at the end may be the first half of \r\n: wait for the next chunk.
      const pattern = /\r\n|\r(?!$)|\n/g;
      let start = 0;
      for (let match = pattern.exec(buffer); match; match = pattern.exec(buffer)) {
        line(buffer.slice(start, match.index));
        start = match.index + match[0].length;
      }
      buffer = buffer.slice(start);
    },
    end() {
      buffer = '';
      event = '';
      data = [];
      sawData = false;
    },
  };
}

/** Reads a fetch response body as SSE, calling onEvent for each event until the body ends. */
export async function readSse(
  response: Response,
  onEvent: (event: SseEvent) => void,
  signal?: AbortSignal,
): Promise<void> {
  if (!response.body) return;
  const parser = createSseParser(onEvent);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  const cancel = () => void reader.cancel().catch(() => undefined);
  signal?.addEventListener('abort', cancel, { once: true });
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      parser.push(value);
    }
  } finally {
    signal?.removeEventListener('abort', cancel);
    parser.end();
  }
}
