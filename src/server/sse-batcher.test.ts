import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SseBatcher } from './sse-batcher.js';

/** A real streaming response whose writes are recorded, and the client reading it. */
async function openStream() {
  let taken: (response: http.ServerResponse) => void;
  const served = new Promise<http.ServerResponse>((resolve) => (taken = resolve));
  const server = http.createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    response.flushHeaders();
    taken(response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const answer = await fetch(`http://127.0.0.1:${port}/`);
  const response = await served;
  const writes: { text: string; at: number }[] = [];
  const write = response.write.bind(response) as (chunk: string) => boolean;
  response.write = ((chunk: string) => {
    writes.push({ text: chunk, at: performance.now() });
    return write(chunk);
  }) as typeof response.write;
  return { response, writes, answer, close: () => server.close() };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** The end of the event loop's current turn. */
const turnEnd = () => new Promise((resolve) => setImmediate(resolve));
let close: (() => void) | undefined;
afterEach(() => close?.());

describe('SseBatcher', () => {
  it('writes a frame that comes alone at the end of its turn, however many came before', async () => {
    const stream = await openStream();
    close = stream.close;
    const batch = new SseBatcher(stream.response);
    await batch.push('data: 1\n\n');
    await turnEnd();
    expect(stream.writes.map((write) => write.text)).toEqual(['data: 1\n\n']);
    // A slow stream (a chunk every 100 ms, say): each frame goes out when it comes.
    for (const frame of ['data: 2\n\n', 'data: 3\n\n']) {
      await pause(20);
      await batch.push(frame);
      await turnEnd();
      expect(stream.writes.at(-1)!.text).toBe(frame);
    }
    batch.end('data: [DONE]\n\n');
    expect(await stream.answer.text()).toBe('data: 1\n\ndata: 2\n\ndata: 3\n\ndata: [DONE]\n\n');
  });

  it('coalesces frames that follow a write closely into one write, 5 ms after it', async () => {
    const stream = await openStream();
    close = stream.close;
    const batch = new SseBatcher(stream.response);
    await batch.push('data: a\n\n');
    await turnEnd();
    await batch.push('data: b\n\n');
    await batch.push('data: c\n\n');
    expect(stream.writes).toHaveLength(1);
    await pause(30);
    expect(stream.writes.map((write) => write.text)).toEqual([
      'data: a\n\n',
      'data: b\n\ndata: c\n\n',
    ]);
    const gap = stream.writes[1]!.at - stream.writes[0]!.at;
    // libuv schedules timers on its loop time, cached in whole milliseconds at the start of an
    // iteration, so a 5 ms timer can fire up to about 1 ms early by performance.now().
    expect(gap).toBeGreaterThanOrEqual(3.5);
    batch.end('data: [DONE]\n\n');
    expect(await stream.answer.text()).toBe('data: a\n\ndata: b\n\ndata: c\n\ndata: [DONE]\n\n');
  });

  it('sends the frames of one turn in one write, and a whole short stream with its end', async () => {
    const stream = await openStream();
    close = stream.close;
    const batch = new SseBatcher(stream.response);
    // As one upstream read brings several events: pushed without leaving the turn.
    for (const frame of ['data: x\n\n', 'data: y\n\n']) await batch.push(frame);
    await turnEnd();
    expect(stream.writes.map((write) => write.text)).toEqual(['data: x\n\ndata: y\n\n']);

    const short = await openStream();
    const shortBatch = new SseBatcher(short.response);
    for (const frame of ['data: 1\n\n', 'data: 2\n\n']) await shortBatch.push(frame);
    shortBatch.end('data: [DONE]\n\n');
    await turnEnd();
    expect(short.writes).toHaveLength(0); // all of it went out with end()
    expect(await short.answer.text()).toBe('data: 1\n\ndata: 2\n\ndata: [DONE]\n\n');
    short.close();
  });
});
