// A local stand-in for a hosted OpenAI-style API (hosted APIs can't be reached from here).
// Each request is answered by a scripted behaviour so tests can make it fail, stall or reply.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  completionBody,
  deltaChunk,
  embeddingsBody,
  endpointOf,
  errorBody,
  frame,
  split,
  streamEnd,
  type FakeEndpoint,
  type FakeTokenLogprob,
} from './fake-openai-wire.js';

export type { FakeEndpoint, FakeTokenLogprob };

/**
 * What the fake does with one request (chat, text completion or embeddings). Streaming kinds
 * (`stall`, `cut`, `stream-error`) split `text` into `chunks` pieces (default: at least 3,
 * and always more than `afterChunks`, so some text never arrives) and send the first
 * `afterChunks`. Answering a request that did not ask to stream, they do the same to a JSON
 * body: `stall` sends the headers and nothing more, `cut` half the body then drops the
 * connection, `stream-error` a 200 whose body is an error (the status had already gone out).
 */
export type FakeBehaviour =
  | {
      kind: 'reply';
      text: string;
      chunks?: number;
      /** A slow stream: wait this long before the first chunk (headers go out at once). */
      firstChunkDelayMs?: number;
      /** …and this long between chunks. */
      chunkDelayMs?: number;
      /** Fields merged into every streamed chat delta and the non-streamed chat message. */
      extra?: Record<string, unknown>;
      /**
       * Token log-probabilities, sent when the request asked for `logprobs`: the reply is then
       * these tokens, one chunk each (`text` and `chunks` are ignored).
       */
      logprobs?: FakeTokenLogprob[];
    }
  /** Answers with the behaviour computed from the request (e.g. a scripted model's answer). */
  | {
      kind: 'respond';
      to: (body: Record<string, unknown>, endpoint: FakeEndpoint) => FakeBehaviour;
    }
  /** An error status with OpenAI's error body; `headers` add e.g. `Retry-After`. */
  | { kind: 'status'; status: number; message?: string; headers?: Record<string, string> }
  /** Drops the connection before any response. */
  | { kind: 'reset' }
  /** Waits before sending any header, then behaves like `then` (default: a reply). */
  | { kind: 'slow'; delayMs: number; then?: FakeBehaviour }
  /** Streams `afterChunks` chunks, then sends nothing and keeps the connection open. */
  | { kind: 'stall'; text: string; afterChunks: number; chunks?: number }
  /** A 200 whose events (or body) are not JSON. */
  | { kind: 'garbage' }
  /** Streams `afterChunks` chunks, then destroys the socket mid-stream. */
  | { kind: 'cut'; text: string; afterChunks: number; chunks?: number }
  /** Streams `afterChunks` chunks of `text` (default "Hello!"), then an in-stream error event. */
  | { kind: 'stream-error'; afterChunks: number; message: string; text?: string; chunks?: number };

/** A request the fake received. */
export interface FakeRequest {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
}

/** A running fake upstream. */
export interface FakeUpstream {
  url: string;
  /** Chat, completion and embeddings requests, in arrival order. */
  requests: FakeRequest[];
  /** Behaviours used in order; the last repeats. */
  script: FakeBehaviour[];
  /** What `GET /v1/models` answers: these ids, or an error status. */
  models: string[] | { status: number; message?: string };
  /** The `GET /v1/models` requests received (kept apart: they use no behaviour of `script`). */
  modelRequests: FakeRequest[];
  /** Stops listening and destroys open connections (stalled streams included). */
  close(): Promise<void>;
}

const defaultText = 'Hello!';
const defaultReply: FakeBehaviour = { kind: 'reply', text: defaultText };

/** Starts a fake OpenAI-style API on 127.0.0.1. */
export async function startFakeOpenAI(
  script: FakeBehaviour[] = [defaultReply],
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
    await answer(behaviour, { response, body, endpoint: endpointOf(request.url) });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  fake.close = () =>
    new Promise((resolve) => {
      server.close(() => resolve());
      // Stalled streams never end on their own: without this, close() would wait for them.
      server.closeAllConnections();
    });
  return fake;
}

interface Exchange {
  response: http.ServerResponse;
  body: Record<string, unknown>;
  endpoint: FakeEndpoint;
}

async function answer(behaviour: FakeBehaviour, exchange: Exchange): Promise<void> {
  const { response, body, endpoint } = exchange;
  const streaming = body.stream === true && endpoint !== 'embeddings';
  switch (behaviour.kind) {
    case 'reset':
      return void response.socket?.destroy();
    case 'status':
      response.writeHead(behaviour.status, {
        'content-type': 'application/json',
        ...behaviour.headers,
      });
      return void response.end(JSON.stringify(errorBody(behaviour.message ?? 'fake failure')));
    case 'slow':
      if (!(await wait(behaviour.delayMs, response))) return;
      return answer(behaviour.then ?? defaultReply, exchange);
    case 'respond':
      return answer(behaviour.to(body, endpoint), exchange);
    case 'garbage':
      if (!streaming) {
        response.writeHead(200, { 'content-type': 'application/json' });
        return void response.end('{not json');
      }
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      return void response.end('data: {not json\n\ndata: <html>502 Bad Gateway</html>\n\n');
    case 'reply': {
      if (endpoint === 'embeddings') return sendJson(response, embeddingsBody(body));
      const logprobs = wantsLogprobs(body) ? behaviour.logprobs : undefined;
      const text = logprobs ? logprobs.map(({ token }) => token).join('') : behaviour.text;
      if (!streaming) {
        const pieces = logprobs ? text.split('') : split(text, behaviour.chunks ?? 3);
        return sendJson(
          response,
          completionBody(endpoint, text, pieces, behaviour.extra, logprobs),
        );
      }
      return streamReply(behaviour, exchange, logprobs);
    }
    case 'stall':
    case 'cut':
    case 'stream-error':
      return failMidway(behaviour, exchange, streaming);
  }
}

async function streamReply(
  behaviour: Extract<FakeBehaviour, { kind: 'reply' }>,
  { response, endpoint }: Exchange,
  logprobs?: FakeTokenLogprob[],
): Promise<void> {
  const pieces = logprobs
    ? logprobs.map(({ token }) => token)
    : split(behaviour.text, behaviour.chunks ?? 3);
  startStream(response);
  if (!(await wait(behaviour.firstChunkDelayMs ?? 0, response))) return;
  for (const [index, piece] of pieces.entries()) {
    if (index > 0 && !(await wait(behaviour.chunkDelayMs ?? 0, response))) return;
    const tokenLogprobs = logprobs && [logprobs[index]!];
    response.write(frame(deltaChunk(endpoint, piece, behaviour.extra, tokenLogprobs)));
  }
  response.end(streamEnd(pieces));
}

/** Chat asks with `logprobs: true`, text completion with a number (of top alternatives). */
function wantsLogprobs(body: Record<string, unknown>): boolean {
  return body.logprobs === true || typeof body.logprobs === 'number';
}

async function failMidway(
  behaviour: Extract<FakeBehaviour, { kind: 'stall' | 'cut' | 'stream-error' }>,
  { response, endpoint }: Exchange,
  streaming: boolean,
): Promise<void> {
  const text = behaviour.text ?? defaultText;
  const count = Math.max(behaviour.chunks ?? 3, behaviour.afterChunks + 1);
  const sent = split(text, count).slice(0, behaviour.afterChunks);
  if (!streaming) {
    if (behaviour.kind === 'stream-error') return sendJson(response, errorBody(behaviour.message));
    response.writeHead(200, { 'content-type': 'application/json' });
    response.flushHeaders();
    if (behaviour.kind === 'stall') return closed(response);
    const whole = JSON.stringify(completionBody(endpoint, text, sent));
    await flushedWrite(response, whole.slice(0, whole.length / 2));
    return void response.socket?.destroy();
  }
  startStream(response);
  for (const piece of sent) await flushedWrite(response, frame(deltaChunk(endpoint, piece)));
  if (behaviour.kind === 'stall') return closed(response);
  if (behaviour.kind === 'cut') return void response.socket?.destroy();
  response.end(frame(errorBody(behaviour.message)));
}

function startStream(response: http.ServerResponse): void {
  response.writeHead(200, { 'content-type': 'text/event-stream' });
  response.flushHeaders();
}

function sendJson(response: http.ServerResponse, value: unknown): void {
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(JSON.stringify(value));
}

/** Writes and waits until the bytes left the process, so a socket destroyed next can't lose them. */
function flushedWrite(response: http.ServerResponse, data: string): Promise<void> {
  return new Promise((resolve) => response.write(data, () => resolve()));
}

/** Resolves once the client went away or the fake closed. */
function closed(response: http.ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    if (response.destroyed) return resolve();
    response.once('close', () => resolve());
  });
}

/** Waits `ms`; false (at once) when the connection closed meanwhile, so nothing is written to it. */
async function wait(ms: number, response: http.ServerResponse): Promise<boolean> {
  if (ms > 0 && !response.destroyed) {
    // The close listener goes when the wait ends: a long slow stream would pile them up.
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        response.off('close', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      response.once('close', done);
    });
  }
  return !response.destroyed && !response.socket?.destroyed;
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
