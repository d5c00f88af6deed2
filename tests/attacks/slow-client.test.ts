// Slow-client protection on server-sent events: a client that stops reading (its socket full
// for longer than `limits.stream_stall_seconds`) is disconnected instead of buffered without
// end. On /v1 that also ends the upstream request (the generation stops); a chat run goes on to
// its end regardless (it is durable), and the client resumes with Last-Event-ID.
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseSse } from '../../src/lib/sse.js';
import { startFakeOpenAI, type FakeUpstream } from '../helpers/fake-openai.js';
import { startGatewayApp, type GatewayApp } from '../helpers/gateway-app.js';
import { injectRunEvents, joinedText } from '../helpers/run-events.js';
import { startConversation } from '../helpers/chat-app.js';
import { signIn } from '../helpers/sign-in.js';

const piece = 'x'.repeat(4096);

/** An OpenAI-style upstream streaming `chunks` pieces of 4 KiB as fast as it is read. */
async function startBigUpstream(chunks: number) {
  const state = { url: '', closedEarly: 0, finished: 0, close: async () => {} };
  const server = http.createServer(async (request, response) => {
    for await (const _ of request); // the body
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    let ended = false;
    response.on('close', () => {
      if (!ended) state.closedEarly++;
    });
    const frame = (delta: object, finish: string | null = null) =>
      `data: ${JSON.stringify({
        id: 'c1',
        object: 'chat.completion.chunk',
        created: 0,
        model: 'big',
        choices: [{ index: 0, delta, finish_reason: finish }],
      })}\n\n`;
    for (let index = 0; index < chunks && !response.destroyed; index++) {
      if (!response.write(frame({ content: piece }))) {
        await new Promise<void>((resolve) => {
          const done = () => {
            response.off('drain', done);
            response.off('close', done);
            resolve();
          };
          response.on('drain', done);
          response.on('close', done);
        });
      }
    }
    if (response.destroyed) return;
    ended = true;
    state.finished++;
    response.end(`${frame({}, 'stop')}data: [DONE]\n\n`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return state;
}

/**
 * Sends a raw HTTP request and stops reading after the first bytes; after `pauseMs` reads
 * everything that is left until the server closes the connection.
 */
function stallingClient(port: number, request: string, pauseMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const received: Buffer[] = [];
    socket.once('data', () => {
      socket.pause();
      setTimeout(() => socket.resume(), pauseMs);
    });
    socket.on('data', (data) => received.push(data));
    socket.on('error', () => undefined); // a reset is one way the server may hang up
    socket.on('close', () => resolve(Buffer.concat(received).toString('utf8')));
    socket.on('timeout', () => reject(new Error('the server never closed the connection')));
    socket.setTimeout(60_000);
    socket.write(request);
  });
}

describe('a client that stops reading a stream', () => {
  let upstream: Awaited<ReturnType<typeof startBigUpstream>>;
  let titles: FakeUpstream;
  let salon: GatewayApp;
  let port: number;

  beforeAll(async () => {
    // 24 MiB: more than the kernel's socket buffers can hold for a reader that reads nothing.
    upstream = await startBigUpstream(6_000);
    titles = await startFakeOpenAI();
    salon = await startGatewayApp(`providers:
  big: { type: openai, base_url: '${upstream.url}' }
  titles: { type: openai, base_url: '${titles.url}' }
models:
  - { name: chat, targets: [{ provider: big, model: big }] }
  - { name: small, targets: [{ provider: titles, model: t }] }
router: { retries: 0 }
limits: { stream_stall_seconds: 1 }
`);
    port = (salon.app.server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await salon?.close();
    await upstream?.close();
    await titles?.close();
  });

  it('on /v1, is disconnected after the stall timeout and the upstream request ends with it', async () => {
    const body = JSON.stringify({
      model: 'chat',
      stream: true,
      messages: [{ role: 'user', content: 'a lot, please' }],
    });
    const before = upstream.closedEarly;
    const text = await stallingClient(
      port,
      `POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${salon.apiKey}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      4_000,
    );
    expect(text.startsWith('HTTP/1.1 200')).toBe(true);
    expect(text).not.toContain('[DONE]'); // cut, not finished
    expect(text.length).toBeLessThan(6_000 * 4096);
    await vi.waitFor(() => expect(upstream.closedEarly).toBe(before + 1), { timeout: 10_000 });
    // The server still serves.
    const next = await fetch(`${salon.baseURL}/models`, {
      headers: { authorization: `Bearer ${salon.apiKey}` },
    });
    expect(next.status).toBe(200);
  });

  it('following a chat run, is disconnected; the run finishes and the client resumes from its last event', async () => {
    const ada = await signIn(salon.runtime.store.db);
    const turn = await startConversation(salon.app, ada.headers, 'a lot, please');
    const text = await stallingClient(
      port,
      `GET /api/runs/${turn.runId}/events HTTP/1.1\r\nHost: x\r\nCookie: ${ada.headers.cookie}\r\n\r\n`,
      4_000,
    );
    expect(text.startsWith('HTTP/1.1 200')).toBe(true);
    expect(text).not.toContain('event: finish');
    // What the client got before the cut, up to its last complete event.
    const before = await completeEvents(text);
    const lastSeen = before.lastId;
    expect(lastSeen).toBeGreaterThan(0);
    // The run was not stopped by the disconnect: it completes with every piece.
    await vi.waitFor(
      async () => {
        const message = await salon.runtime.store.db
          .selectFrom('messages')
          .select(['status', 'content'])
          .where('id', '=', turn.assistantMessage.id)
          .executeTakeFirstOrThrow();
        expect(message.status).toBe('complete');
        expect(message.content.length).toBe(6_000 * 4096);
      },
      { timeout: 30_000, interval: 250 },
    );
    const resumed = await injectRunEvents(salon.app, turn.runId, {
      ...ada.headers,
      'last-event-id': String(lastSeen),
    });
    expect(resumed.status).toBe(200);
    expect(resumed.events[0]!.id).toBe(lastSeen + 1);
    expect(resumed.events.at(-1)!.event).toBe('finish');
    expect((before.text + joinedText(resumed.events)).length).toBe(6_000 * 4096);
  });
});

/** The text-delta text of a raw HTTP/SSE response up to its last complete event, and its id. */
async function completeEvents(raw: string): Promise<{ text: string; lastId: number }> {
  let rest = raw.slice(raw.indexOf('\r\n\r\n') + 4);
  // Chunked transfer encoding: each chunk is its size in hex, CRLF, the bytes, CRLF.
  let unchunked = '';
  for (;;) {
    const line = rest.indexOf('\r\n');
    if (line < 0) break;
    const size = parseInt(rest.slice(0, line), 16);
    if (!(size > 0)) break;
    unchunked += rest.slice(line + 2, line + 2 + size); // the body is ASCII: chars are bytes
    rest = rest.slice(line + 2 + size + 2);
  }
  const complete = unchunked.slice(0, unchunked.lastIndexOf('\n\n') + 2);
  let text = '';
  let lastId = 0;
  const chunks = (async function* () {
    yield complete;
  })();
  for await (const event of parseSse(chunks)) {
    if (event.id !== undefined) lastId = Number(event.id);
    if (event.event === 'text-delta') text += (JSON.parse(event.data) as { text: string }).text;
  }
  return { text, lastId };
}
