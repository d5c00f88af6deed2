// The load generator: one undici Agent with keep-alive for all three paths, timing each request
// from the call to the last body byte (and, for streams, to the first body byte).
import { Agent } from 'undici';
import { mockReplyText } from './mock-reply.js';

/** One way to reach the mock: direct, through Salon or through Portkey. */
export interface Target {
  name: string;
  origin: string;
  headers: Record<string, string>;
  model: string;
}

/** Non-streaming (JSON) or streaming (SSE). */
export type Mode = 'json' | 'stream';

/** One request's timings, in ms. */
export interface Timing {
  total: number;
  /** To the first body byte. */
  firstByte: number;
}

/** A request that did not end in a 200 with a whole body. */
export class RequestFailure extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

const path = '/v1/chat/completions';

/** The load generator's HTTP client. */
export class LoadClient {
  // One pool per origin, as many connections as requests in flight: no request waits for a
  // connection, and every connection stays open between requests.
  private readonly agent: Agent;
  private readonly bodies = new Map<string, string>();

  constructor(concurrency: number) {
    this.agent = new Agent({
      connections: concurrency,
      pipelining: 1,
      keepAliveTimeout: 60_000,
      keepAliveMaxTimeout: 60_000,
    });
  }

  /** The same request body for every path, apart from the model name each one expects. */
  private body(target: Target, mode: Mode): string {
    const key = `${target.model}\n${mode}`;
    let body = this.bodies.get(key);
    if (!body) {
      body = JSON.stringify({
        model: target.model,
        messages: [
          { role: 'system', content: 'You are a helpful assistant.' },
          { role: 'user', content: 'Say hello in five words.' },
        ],
        max_tokens: 16,
        temperature: 0,
        ...(mode === 'stream' && { stream: true, stream_options: { include_usage: true } }),
      });
      this.bodies.set(key, body);
    }
    return body;
  }

  /** Sends one request and reads its whole body; throws RequestFailure on a non-200 or a short stream. */
  async send(target: Target, mode: Mode): Promise<Timing> {
    const startedAt = performance.now();
    const response = await this.agent.request({
      origin: target.origin,
      path,
      method: 'POST',
      headers: { 'content-type': 'application/json', ...target.headers },
      body: this.body(target, mode),
    });
    let firstByte = 0;
    let last: Buffer | undefined;
    if (response.statusCode !== 200) {
      const text = await response.body.text();
      throw new RequestFailure(
        `HTTP ${response.statusCode}: ${text.slice(0, 300)}`,
        response.statusCode,
      );
    }
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      if (!firstByte) firstByte = performance.now() - startedAt;
      last = chunk;
    }
    const total = performance.now() - startedAt;
    // The cheap per-request check: a stream must reach its end marker (a gateway that drops the
    // connection mid-stream would otherwise look fast).
    if (mode === 'stream' && !last?.toString('latin1').includes('[DONE]')) {
      throw new RequestFailure('the stream ended without data: [DONE]');
    }
    return { total, firstByte };
  }

  /**
   * Sends one request and checks what came back: the mock's reply text, whole, with usage.
   * Run on each path before measuring, so that a gateway answering something else is caught.
   */
  async check(target: Target, mode: Mode): Promise<void> {
    const response = await this.agent.request({
      origin: target.origin,
      path,
      method: 'POST',
      headers: { 'content-type': 'application/json', ...target.headers },
      body: this.body(target, mode),
    });
    const text = await response.body.text();
    if (response.statusCode !== 200) {
      throw new RequestFailure(
        `HTTP ${response.statusCode}: ${text.slice(0, 300)}`,
        response.statusCode,
      );
    }
    const { content, usage } = mode === 'stream' ? readStream(text) : readCompletion(text);
    if (content !== mockReplyText) {
      throw new RequestFailure(`expected the reply '${mockReplyText}', got '${content}'`);
    }
    if (!usage) throw new RequestFailure('the answer has no usage');
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}

interface WireAnswer {
  choices?: Array<{ message?: { content?: string }; delta?: { content?: string } }>;
  usage?: unknown;
}

function readCompletion(text: string): { content?: string; usage: unknown } {
  const answer = JSON.parse(text) as WireAnswer;
  return { content: answer.choices?.[0]?.message?.content, usage: answer.usage };
}

function readStream(text: string): { content: string; usage: unknown } {
  let content = '';
  let usage: unknown;
  let done = false;
  for (const line of text.split('\n')) {
    if (!line.startsWith('data: ')) continue;
    const data = line.slice(6);
    if (data === '[DONE]') {
      done = true;
      continue;
    }
    const chunk = JSON.parse(data) as WireAnswer;
    content += chunk.choices?.[0]?.delta?.content ?? '';
    usage ??= chunk.usage ?? undefined;
  }
  if (!done) throw new RequestFailure('the stream ended without data: [DONE]');
  return { content, usage };
}

/** One block of requests: timings and the time it took. */
export interface Block {
  timings: Timing[];
  /** Wall time of the block, ms. */
  elapsed: number;
}

/** `count` requests one after another. */
export async function sequential(
  client: LoadClient,
  target: Target,
  mode: Mode,
  count: number,
): Promise<Block> {
  const timings: Timing[] = [];
  const startedAt = performance.now();
  for (let index = 0; index < count; index++) timings.push(await client.send(target, mode));
  return { timings, elapsed: performance.now() - startedAt };
}

/** `concurrency` loops sending requests back to back until `seconds` have passed. */
export async function saturate(
  client: LoadClient,
  target: Target,
  mode: Mode,
  concurrency: number,
  seconds: number,
): Promise<Block> {
  const timings: Timing[] = [];
  const startedAt = performance.now();
  const deadline = startedAt + seconds * 1000;
  const worker = async () => {
    while (performance.now() < deadline) timings.push(await client.send(target, mode));
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  // Requests started before the deadline finish after it: the block's rate counts their time too.
  return { timings, elapsed: performance.now() - startedAt };
}
