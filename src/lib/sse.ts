// Server-sent events: one parser for every SSE stream Salon reads (upstream APIs, the
// terminal chat, tests), and the framing Salon writes.

/** One parsed SSE event. */
export interface SseEvent {
  event?: string;
  data: string;
  id?: string;
}

const carriageReturn = 13;
const lineFeed = 10;
const colon = 58;
const space = 32;

/**
 * Parses SSE text fed in pieces of any size (WHATWG rules: data lines joined by \n, comments
 * skipped); `push` returns the events each piece completes. Synchronous, so that a reader pays
 * for one await per network read rather than one per event.
 */
export class SseParser {
  #buffer = '';
  #data: string | undefined;
  #event: string | undefined;
  #id: string | undefined;

  /** Adds text; returns the events it completed, in order. */
  push(text: string): SseEvent[] {
    const buffer = this.#buffer + text;
    const events: SseEvent[] = [];
    let start = 0;
    let lf = buffer.indexOf('\n');
    let cr = buffer.indexOf('\r');
    for (;;) {
      if (lf >= 0 && lf < start) lf = buffer.indexOf('\n', start);
      if (cr >= 0 && cr < start) cr = buffer.indexOf('\r', start);
      const end = cr < 0 ? lf : lf < 0 ? cr : Math.min(cr, lf);
      if (end < 0) break;
      let next = end + 1;
      if (buffer.charCodeAt(end) === carriageReturn) {
        // A \r ending the text may be the first half of \r\n: decide when more comes.
        if (next === buffer.length) break;
        if (buffer.charCodeAt(next) === lineFeed) next += 1;
      }
      this.#line(buffer, start, end, events);
      start = next;
    }
    this.#buffer = start === 0 ? buffer : buffer.slice(start);
    return events;
  }

  /** Ends the stream: the last event, when data lines came without the blank line after them. */
  end(): SseEvent[] {
    const events: SseEvent[] = [];
    const buffer = this.#buffer;
    this.#buffer = '';
    // A lone \r held back by `push` ended a line after all; any other unfinished line is dropped.
    if (buffer.charCodeAt(buffer.length - 1) === carriageReturn) {
      this.#line(buffer, 0, buffer.length - 1, events);
    }
    if (this.#data !== undefined) events.push(this.#dispatch());
    return events;
  }

  #line(buffer: string, start: number, end: number, events: SseEvent[]): void {
    if (start === end) {
      if (this.#data !== undefined) events.push(this.#dispatch());
      else this.#event = undefined;
      return;
    }
    if (buffer.charCodeAt(start) === colon) return; // a comment
    const found = buffer.indexOf(':', start);
    const split = found < 0 || found > end ? end : found;
    const field = buffer.slice(start, split);
    let valueStart = split < end ? split + 1 : end;
    if (valueStart < end && buffer.charCodeAt(valueStart) === space) valueStart += 1;
    const value = buffer.slice(valueStart, end);
    if (field === 'data') this.#data = this.#data === undefined ? value : `${this.#data}\n${value}`;
    else if (field === 'event') this.#event = value;
    else if (field === 'id') this.#id = value;
  }

  #dispatch(): SseEvent {
    const event = { event: this.#event, data: this.#data ?? '', id: this.#id };
    this.#data = undefined;
    this.#event = undefined;
    return event;
  }
}

/** Parses an SSE byte stream into events (see `SseParser`). */
export async function* parseSse(
  chunks: AsyncIterable<Uint8Array | string>,
): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder();
  const parser = new SseParser();
  for await (const chunk of chunks) {
    const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    yield* parser.push(text);
  }
  yield* parser.end();
}

/** Frames one `data:` event. */
export function sseData(data: string): string {
  return `data: ${data}\n\n`;
}

/** Frames one event with its `id:` and `event:` name (`data` must hold no raw newline, as JSON). */
export function sseEvent(event: { id: number | string; event: string; data: string }): string {
  return `id: ${event.id}\nevent: ${event.event}\ndata: ${event.data}\n\n`;
}
