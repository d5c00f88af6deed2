// A local stand-in for a hosted OpenAI-style API (hosted APIs can't be reached from here).
// Each request is answered by a scripted behaviour so tests can make it fail, stall or reply.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the fake does with one request. */
export type FakeBehaviour =
  | {
      kind: 'reply';
      text: string;
      chunks?: number;
      /** A slow stream: wait this long before the first chunk (headers go out at once). */
      firstChunkDelayMs?: number;
      /** …and this long between chunks. */
      chunkDelayMs?: number;
    }
  | { kind: 'status'; status: number; message?: string; headers?: Record<string, string> }
  | { kind: 'reset' };

/** A request the fake received. */
export interface FakeRequest {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
}

/** A running fake upstream. */
export interface FakeUpstream {
  url: string;
  requests: FakeRequest[];
  /** Behaviours used in order; the last repeats. */
  script: FakeBehaviour[];
  /** What `GET /v1/models` answers: these ids, or an error status. */
  models: string[] | { status: number; message?: string };
  /** The `GET /v1/models` requests received (kept apart: they use no behaviour of `script`). */
  modelRequests: FakeRequest[];
  close(): Promise<void>;
}

/** Starts a fake OpenAI-style API on 127.0.0.1. */
export async function startFakeOpenAI(
  script: FakeBehaviour[] = [{ kind: 'reply', text: 'Hello!' }],
): Promise<FakeUpstream> {
  const fake: FakeUpstream = {
    url: '',
    requests: [],
    script,
    models: ['fake-model'],
    modelRequests: [],
    close: async () => {},
  };
  const server = http.createServer(async (request, response) => {
    let raw = '';
    for await (const chunk of request) raw += chunk;
    const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    if (request.method === 'GET' && request.url?.endsWith('/models')) {
      fake.modelRequests.push({ path: request.url, headers: request.headers, body });
      return answerModels(fake.models, response);
    }
    fake.requests.push({ path: request.url ?? '', headers: request.headers, body });
    const behaviour = fake.script[Math.min(fake.requests.length - 1, fake.script.length - 1)]!;
    if (behaviour.kind === 'reset') return request.socket.destroy();
    if (behaviour.kind === 'status') {
      response.writeHead(behaviour.status, {
        'content-type': 'application/json',
        ...behaviour.headers,
      });
      return response.end(
        JSON.stringify({
          error: { message: behaviour.message ?? 'fake failure', type: 'server_error' },
        }),
      );
    }
    const pieces = split(behaviour.text, behaviour.chunks ?? 3);
    const chat = request.url?.endsWith('/chat/completions');
    const usage = {
      prompt_tokens: 7,
      completion_tokens: pieces.length,
      total_tokens: 7 + pieces.length,
    };
    if (!body.stream) {
      response.writeHead(200, { 'content-type': 'application/json' });
      const choice = chat
        ? {
            index: 0,
            message: { role: 'assistant', content: behaviour.text },
            finish_reason: 'stop',
          }
        : { index: 0, text: behaviour.text, finish_reason: 'stop' };
      return response.end(
        JSON.stringify({ id: 'fake', object: 'chat.completion', choices: [choice], usage }),
      );
    }
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    const pause = (ms = 0) => ms > 0 && new Promise((resolve) => setTimeout(resolve, ms));
    await pause(behaviour.firstChunkDelayMs);
    for (const [index, piece] of pieces.entries()) {
      if (index > 0) await pause(behaviour.chunkDelayMs);
      if (response.destroyed || request.socket.destroyed) return; // the client went away
      const choice = chat
        ? { index: 0, delta: { content: piece }, finish_reason: null }
        : { index: 0, text: piece, finish_reason: null };
      response.write(`data: ${JSON.stringify({ id: 'fake', choices: [choice] })}\n\n`);
    }
    response.write(
      `data: ${JSON.stringify({ id: 'fake', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\n`,
    );
    response.write(`data: ${JSON.stringify({ id: 'fake', choices: [], usage })}\n\n`);
    response.end('data: [DONE]\n\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  fake.close = () => new Promise((resolve) => server.close(() => resolve()));
  return fake;
}

function answerModels(models: FakeUpstream['models'], response: http.ServerResponse): void {
  const failure = Array.isArray(models) ? undefined : models;
  response.writeHead(failure?.status ?? 200, { 'content-type': 'application/json' });
  const data = (Array.isArray(models) ? models : []).map((id) => ({
    id,
    object: 'model',
    created: 1_700_000_000,
    owned_by: 'fake',
  }));
  response.end(
    JSON.stringify(
      failure
        ? { error: { message: failure.message ?? 'fake failure', type: 'invalid_request_error' } }
        : { object: 'list', data },
    ),
  );
}

function split(text: string, count: number): string[] {
  const size = Math.max(1, Math.ceil(text.length / count));
  const pieces: string[] = [];
  for (let i = 0; i < text.length; i += size) pieces.push(text.slice(i, i + size));
  return pieces;
}
