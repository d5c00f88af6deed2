import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { exchange } from './upstream-exchange.js';

const opened: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const close of opened.splice(0)) await close();
});

/** A real server that writes `pieces` one by one (each flushed), then drops the connection. */
async function cuttingServer(pieces: string[]): Promise<string> {
  const server = http.createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    response.flushHeaders();
    void (async () => {
      for (const piece of pieces) {
        await new Promise<void>((resolve) => response.write(piece, () => resolve()));
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      response.socket?.destroy();
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  opened.push(() => new Promise((resolve) => server.close(resolve)));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('exchange', () => {
  it('still hands over every chunk that came before the connection dropped, then the error', async () => {
    const pieces = ['data: one\n\n', 'data: two\n\n', 'data: three\n\n'];
    const origin = await cuttingServer(pieces);
    const agent = new Agent();
    opened.push(() => agent.close());
    const answer = await exchange(agent, {
      origin,
      path: '/',
      headers: { 'content-type': 'application/json' },
      body: '{}',
      headersTimeoutMs: 5_000,
      bodyTimeoutMs: 5_000,
    });
    // A slow reader (a web-chat run waits on its bus between chunks): read only after the cut.
    await new Promise((resolve) => setTimeout(resolve, 200));
    let text = '';
    const reading = (async () => {
      for (let chunk = await answer.read(); chunk; chunk = await answer.read()) text += chunk;
    })();
    await expect(reading).rejects.toThrow();
    expect(text).toBe(pieces.join(''));
  });
});
