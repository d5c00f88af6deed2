import { describe, expect, it } from 'vitest';
import { parseSse, SseParser } from './sse.js';

/** Feeds `text` to a fresh parser cut at every position in turn; each cut must parse alike. */
function parseInTwo(text: string) {
  const results = [];
  for (let cut = 0; cut <= text.length; cut++) {
    const parser = new SseParser();
    results.push([
      ...parser.push(text.slice(0, cut)),
      ...parser.push(text.slice(cut)),
      ...parser.end(),
    ]);
  }
  return results;
}

describe('SseParser', () => {
  it('parses data, event and id fields, and skips comments', () => {
    const parser = new SseParser();
    const events = parser.push(': ping\nevent: delta\nid: 7\ndata: {"a":1}\n\ndata: two\n\n');
    expect(events).toEqual([
      { event: 'delta', id: '7', data: '{"a":1}' },
      { event: undefined, id: '7', data: 'two' },
    ]);
  });

  it('joins data lines with \\n and keeps an empty data line', () => {
    const parser = new SseParser();
    expect(parser.push('data: a\ndata:b\n\ndata:\n\n')).toEqual([
      { event: undefined, id: undefined, data: 'a\nb' },
      { event: undefined, id: undefined, data: '' },
    ]);
  });

  it('parses the same wherever the text is cut, \\r\\n and lone \\r included', () => {
    const text = 'data: one\r\n\r\nevent: e\rdata: two\r\rdata: three\n\n';
    const expected = [
      { event: undefined, id: undefined, data: 'one' },
      { event: 'e', id: undefined, data: 'two' },
      { event: undefined, id: undefined, data: 'three' },
    ];
    for (const events of parseInTwo(text)) expect(events).toEqual(expected);
  });

  it('gives the last event at the end even without its blank line, and drops a cut line', () => {
    const parser = new SseParser();
    expect(parser.push('data: last\ndata: cu')).toEqual([]);
    expect(parser.end()).toEqual([{ event: undefined, id: undefined, data: 'last' }]);
  });
});

describe('parseSse', () => {
  it('decodes UTF-8 split across chunks', async () => {
    const bytes = new TextEncoder().encode('data: café\n\n');
    async function* chunks() {
      for (const byte of bytes) yield new Uint8Array([byte]);
    }
    const events = [];
    for await (const event of parseSse(chunks())) events.push(event.data);
    expect(events).toEqual(['café']);
  });
});
