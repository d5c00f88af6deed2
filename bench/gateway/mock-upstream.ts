// A fast OpenAI-style upstream for bench/gateway, run as its own process so that it does not
// share an event loop with the load generator or the gateways:
//
//   node --import tsx bench/gateway/mock-upstream.ts   → prints {"port":N} on stdout
//
// POST …/chat/completions answers at once, with no artificial delay: a JSON chat.completion,
// or with `"stream": true` an SSE stream of a role chunk, a few content chunks, the finish chunk,
// the usage chunk (when `stream_options.include_usage`) and `[DONE]`. The bodies are built once;
// only the request's `model` is echoed, so what every gateway forwards is checked the same way.
import http from 'node:http';
import { mockReplyPieces, mockReplyText } from './mock-reply.js';

const created = Math.floor(Date.now() / 1000);
const usage = { prompt_tokens: 12, completion_tokens: mockReplyPieces.length, total_tokens: 17 };

function frame(value: unknown): string {
  return `data: ${JSON.stringify(value)}\n\n`;
}

function chunk(model: string, delta: object, finishReason: string | null): string {
  return frame({
    id: 'chatcmpl-mock',
    object: 'chat.completion.chunk',
    created,
    model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
  });
}

function streamFrames(model: string, includeUsage: boolean): string[] {
  const frames = [chunk(model, { role: 'assistant', content: '' }, null)];
  for (const piece of mockReplyPieces) frames.push(chunk(model, { content: piece }, null));
  frames.push(chunk(model, {}, 'stop'));
  if (includeUsage) {
    frames.push(
      frame({
        id: 'chatcmpl-mock',
        object: 'chat.completion.chunk',
        created,
        model,
        choices: [],
        usage,
      }),
    );
  }
  frames.push('data: [DONE]\n\n');
  return frames;
}

function completion(model: string): string {
  return JSON.stringify({
    id: 'chatcmpl-mock',
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
    usage,
  });
}

// Bodies per model name: the bench sends one or two names, so this stays tiny.
const jsonBodies = new Map<string, string>();
const sseBodies = new Map<string, string[]>();

function answer(response: http.ServerResponse, raw: string): void {
  let body: { model?: unknown; stream?: unknown; stream_options?: { include_usage?: unknown } };
  try {
    body = JSON.parse(raw) as typeof body;
  } catch {
    response.writeHead(400, { 'content-type': 'application/json' });
    response.end('{"error":{"message":"bad JSON","type":"invalid_request_error"}}');
    return;
  }
  const model = typeof body.model === 'string' ? body.model : 'mock-model';
  if (body.stream === true) {
    const includeUsage = body.stream_options?.include_usage === true;
    const key = `${includeUsage ? 'u' : '-'}${model}`;
    let frames = sseBodies.get(key);
    if (!frames) sseBodies.set(key, (frames = streamFrames(model, includeUsage)));
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    // One frame per write, as a real upstream sends them, but corked into one socket write:
    // the bench measures the gateways, not the mock's syscalls.
    response.cork();
    for (const text of frames) response.write(text);
    response.end();
    response.uncork();
    return;
  }
  let json = jsonBodies.get(model);
  if (!json) jsonBodies.set(model, (json = completion(model)));
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
// Longer than any client's idle keep-alive, so the mock never closes a pooled connection first.
server.keepAliveTimeout = 120_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address && typeof address === 'object') {
    process.stdout.write(`${JSON.stringify({ port: address.port })}\n`);
  }
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
