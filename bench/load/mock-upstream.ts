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
import http from 'node:http';
import { parseArgs } from 'node:util';
import { mockReplyText } from '../gateway/mock-reply.js';
import { epochMs, stampText } from './chunk-stamp.js';

const { values } = parseArgs({ options: { 'interval-ms': { type: 'string', default: '100' } } });
const intervalMs = Number(values['interval-ms']);
const created = Math.floor(Date.now() / 1000);

function frame(value: unknown): string {
  return `data: ${JSON.stringify(value)}\n\n`;
}

function chunkFrame(model: string, delta: object, finishReason: string | null): string {
  return frame({
    id: 'chatcmpl-load',
    object: 'chat.completion.chunk',
    created,
    model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
  });
}

function usageOf(completionTokens: number) {
  return {
    prompt_tokens: 12,
    completion_tokens: completionTokens,
    total_tokens: 12 + completionTokens,
  };
}

function completion(model: string): string {
  return JSON.stringify({
    id: 'chatcmpl-load',
    object: 'chat.completion',
    created,
    model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: mockReplyText, refusal: null },
        logprobs: null,
        finish_reason: 'stop',
      },
    ],
    usage: usageOf(5),
  });
}

/** Streams `chunks` stamped chunks, one per interval; stops early when the client goes away. */
function stream(response: http.ServerResponse, model: string, chunks: number): void {
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  let index = 0;
  const tick = () => {
    if (response.destroyed) return clearInterval(timer);
    const delta = index === 0 ? { role: 'assistant', content: '' } : {};
    response.write(chunkFrame(model, { ...delta, content: stampText(index, epochMs()) }, null));
    if (++index < chunks) return;
    clearInterval(timer);
    response.write(chunkFrame(model, {}, 'stop'));
    response.write(
      frame({
        id: 'chatcmpl-load',
        object: 'chat.completion.chunk',
        created,
        model,
        choices: [],
        usage: usageOf(chunks),
      }),
    );
    response.end('data: [DONE]\n\n');
  };
  const timer = setInterval(tick, intervalMs);
  response.on('close', () => clearInterval(timer));
}

function answer(response: http.ServerResponse, raw: string): void {
  let body: { model?: unknown; stream?: unknown; max_tokens?: unknown };
  try {
    body = JSON.parse(raw) as typeof body;
  } catch {
    response.writeHead(400, { 'content-type': 'application/json' });
    response.end('{"error":{"message":"bad JSON","type":"invalid_request_error"}}');
    return;
  }
  const model = typeof body.model === 'string' ? body.model : 'mock-model';
  if (body.stream === true) {
    const chunks = typeof body.max_tokens === 'number' ? body.max_tokens : 10;
    return stream(response, model, chunks);
  }
  const json = completion(model);
  response.writeHead(200, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(json),
  });
  response.end(json);
}

const server = http.createServer((request, response) => {
  if (request.method !== 'POST' || !request.url?.endsWith('/chat/completions')) {
    response.writeHead(404, { 'content-type': 'application/json' });
    response.end('{"error":{"message":"not found","type":"invalid_request_error"}}');
    return;
  }
  let raw = '';
  request.setEncoding('utf8');
  request.on('data', (text: string) => (raw += text));
  request.on('end', () => answer(response, raw));
});
// Longer than any client's idle keep-alive, so the mock never closes a pooled connection first;
// no request timeout, since a stream lasts as long as the bench asks.
server.keepAliveTimeout = 120_000;
server.requestTimeout = 0;
server.maxConnections = Infinity;
server.listen(0, '127.0.0.1', 4096, () => {
  const address = server.address();
  if (address && typeof address === 'object') {
    process.stdout.write(`${JSON.stringify({ port: address.port })}\n`);
  }
});
// Streams may still be open: nothing is left to finish, so exit at once.
process.on('SIGTERM', () => process.exit(0));
