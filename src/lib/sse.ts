// Server-sent events: one parser for every SSE stream Salon reads (upstream APIs, the
// terminal chat, tests), and the framing Salon writes.

/** One parsed SSE event. */
export interface SseEvent {
  event?: string;
  data: string;
  id?: string;
}

/** Parses an SSE byte stream into events (WHATWG rules: data lines joined by \n, comments skipped). */
export async function* parseSse(
  chunks: AsyncIterable<Uint8Array | string>,
): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder();
  let buffer = '';
  let data: string[] = [];
  let event: string | undefined;
  let id: string | undefined;
  for await (const chunk of chunks) {
    buffer += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    let newline: number;
    while ((newline = buffer.search(/\r\n|\r|\n/)) >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + (buffer.startsWith('\r\n', newline) ? 2 : 1));
      if (line === '') {
        if (data.length) yield { event, data: data.join('\n'), id };
        data = [];
        event = undefined;
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'data') data.push(value);
      else if (field === 'event') event = value;
      else if (field === 'id') id = value;
    }
  }
  if (data.length) yield { event, data: data.join('\n'), id };
}

/** Frames one `data:` event. */
export function sseData(data: string): string {
  return `data: ${data}\n\n`;
}

/** Frames one event with its `id:` and `event:` name (`data` must hold no raw newline, as JSON). */
export function sseEvent(event: { id: number | string; event: string; data: string }): string {
  return `id: ${event.id}\nevent: ${event.event}\ndata: ${event.data}\n\n`;
}
