import { describe, expect, it } from 'vitest';
import { createSseParser, type SseEvent } from './sse.js';

function parse(chunks: string[]): SseEvent[] {
  const events: SseEvent[] = [];
  const parser = createSseParser((event) => events.push(event));
  for (const chunk of chunks) parser.push(chunk);
  return events;
}

describe('createSseParser', () => {
  it('parses events split anywhere, with every line ending', () => {
    const stream =
      'id: 1\nevent: text-delta\ndata: {"text":"a"}\n\n: heartbeat\n\nid: 2\r\nevent: finish\r\ndata: {}\r\n\r\n';
    for (let size = 1; size <= stream.length; size += 7) {
      const chunks: string[] = [];
      for (let i = 0; i < stream.length; i += size) chunks.push(stream.slice(i, i + size));
      expect(parse(chunks), `chunk size ${size}`).toEqual([
        { event: 'text-delta', data: '{"text":"a"}', id: '1' },
        { event: 'finish', data: '{}', id: '2' },
      ]);
    }
  });

  it('joins multi-line data, defaults the event name and keeps the last id', () => {
    expect(parse(['data: a\ndata: b\n\nid: 7\n\ndata:c\n\n'])).toEqual([
      { event: 'message', data: 'a\nb', id: undefined },
      { event: 'message', data: 'c', id: '7' },
    ]);
  });

  it('waits for the blank line before dispatching', () => {
    expect(parse(['data: x\n'])).toEqual([]);
    expect(parse(['data: x\r', '\n\r\n'])).toHaveLength(1);
  });
});
