// A paced OpenAI-style upstream for bench/load, run as its own process so that it shares no
// event loop with Salon or with the clients:
//
//   node --import tsx bench/load/mock-upstream.ts --interval-ms 100   → prints {"port":N}
//
// POST …/chat/completions answers a JSON chat.completion at once (bench/gateway's reply text,
// so its LoadClient can check it). With `"stream": true` it
// streams `max_tokens` content chunks, one every `--interval-ms`, each one's text stamped with
// its number and the moment it was written (chunk-stamp.ts), then the finish chunk, a usage
// chunk and `[DONE]`. Each stream has its own timer, started when its request arrived, so
// streams opened over a ramp tick at spread-out moments as real generations do.
import type http from 'node:http';
import { parseArgs } from 'node:util';
import {
  chunkFrame,
  completionBody,
  sendJson,
  serveMock,
  usageFrame,
} from '../gateway/mock-server.js';
import { epochMs, stampText } from './chunk-stamp.js';

const { values } = parseArgs({ options: { 'interval-ms': { type: 'string', default: '100' } } });
const intervalMs = Number(values['interval-ms']);
const id = 'chatcmpl-load';

/** Streams `chunks` stamped chunks, one per interval; stops early when the client goes away. */
function stream(response: http.ServerResponse, model: string, chunks: number): void {
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  let index = 0;
  const tick = () => {
    if (response.destroyed) return clearInterval(timer);
    const delta = index === 0 ? { role: 'assistant', content: '' } : {};
    response.write(chunkFrame(id, model, { ...delta, content: stampText(index, epochMs()) }, null));
    if (++index < chunks) return;
    clearInterval(timer);
    response.write(chunkFrame(id, model, {}, 'stop'));
    response.write(usageFrame(id, model, chunks));
    response.end('data: [DONE]\n\n');
  };
  const timer = setInterval(tick, intervalMs);
  response.on('close', () => clearInterval(timer));
}

serveMock(
  (response, body, model) => {
    if (body.stream !== true) return sendJson(response, completionBody(id, model, 5));
    stream(response, model, typeof body.max_tokens === 'number' ? body.max_tokens : 10);
  },
  (server) => {
    // No request timeout, since a stream lasts as long as the bench asks.
    server.requestTimeout = 0;
    server.maxConnections = Infinity;
  },
);
// Streams may still be open: nothing is left to finish, so exit at once.
process.on('SIGTERM', () => process.exit(0));
