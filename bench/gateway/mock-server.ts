// What the benches' mock OpenAI upstreams share: the frames and bodies they answer with, and a
// `node:http` server for POST …/chat/completions that hands each parsed body to the mock.
import http from 'node:http';
import { mockReplyText } from './mock-reply.js';

const created = Math.floor(Date.now() / 1000);

/** OpenAI's `usage` for `completionTokens` tokens after the mocks' 12-token prompt. */
export function usageOf(completionTokens: number) {
  return {
    prompt_tokens: 12,
    completion_tokens: completionTokens,
    total_tokens: 12 + completionTokens,
  };
}

/** One SSE `data:` frame. */
export function frame(value: unknown): string {
  return `data: ${JSON.stringify(value)}\n\n`;
}

/** A `chat.completion.chunk` frame with one choice. */
export function chunkFrame(
  id: string,
  model: string,
  delta: object,
  finishReason: string | null,
): string {
  return frame({
    id,
    object: 'chat.completion.chunk',
    created,
    model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
  });
}

/** The closing `chat.completion.chunk` frame that carries only usage. */
export function usageFrame(id: string, model: string, completionTokens: number): string {
  return frame({
    id,
    object: 'chat.completion.chunk',
    created,
    model,
    choices: [],
    usage: usageOf(completionTokens),
  });
}

/** A JSON `chat.completion` with the mocks' whole reply. */
export function completionBody(id: string, model: string, completionTokens: number): string {
  return JSON.stringify({
    id,
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
    usage: usageOf(completionTokens),
  });
}

/** Writes a JSON body with its length. */
export function sendJson(response: http.ServerResponse, json: string): void {
  response.writeHead(200, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(json),
  });
  response.end(json);
}

/** The part of a chat request the mocks read. */
export interface MockRequestBody {
  model?: unknown;
  stream?: unknown;
  max_tokens?: unknown;
  stream_options?: { include_usage?: unknown };
}

/**
 * Serves POST …/chat/completions on a free port of 127.0.0.1, handing `answer` the parsed body
 * (400 for bad JSON, 404 for anything else), and prints `{"port":N}` on stdout once it listens.
 */
export function serveMock(
  answer: (response: http.ServerResponse, body: MockRequestBody, model: string) => void,
  tune: (server: http.Server) => void = () => undefined,
): http.Server {
  const server = http.createServer((request, response) => {
    if (request.method !== 'POST' || !request.url?.endsWith('/chat/completions')) {
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end('{"error":{"message":"not found","type":"invalid_request_error"}}');
      return;
    }
    let raw = '';
    request.setEncoding('utf8');
    request.on('data', (text: string) => (raw += text));
    request.on('end', () => {
      let body: MockRequestBody;
      try {
        body = JSON.parse(raw) as MockRequestBody;
      } catch {
        response.writeHead(400, { 'content-type': 'application/json' });
        response.end('{"error":{"message":"bad JSON","type":"invalid_request_error"}}');
        return;
      }
      answer(response, body, typeof body.model === 'string' ? body.model : 'mock-model');
    });
  });
  // Longer than any client's idle keep-alive, so the mock never closes a pooled connection first.
  server.keepAliveTimeout = 120_000;
  tune(server);
  server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () => {
    const address = server.address();
    if (address && typeof address === 'object') {
      process.stdout.write(`${JSON.stringify({ port: address.port })}\n`);
    }
  });
  return server;
}
