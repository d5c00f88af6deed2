// The fake upstream's failure modes, exercised over real HTTP: this documents what each
// scripted behaviour looks like from a client, so router tests can rely on it.
import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { parseSse } from '../src/lib/sse.js';
import { startFakeOpenAI, type FakeBehaviour, type FakeUpstream } from './helpers/fake-openai.js';

const fakes: FakeUpstream[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

async function fakeWith(...script: FakeBehaviour[]): Promise<FakeUpstream> {
  const fake = await startFakeOpenAI(script);
  fakes.push(fake);
  return fake;
}

function post(fake: FakeUpstream, path: string, body: Record<string, unknown>) {
  return request(`${fake.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

const chat = { model: 'm', messages: [{ role: 'user', content: 'hi' }] };
const streamedChat = { ...chat, stream: true };

/** The `data:` payloads of an SSE body, parsed as JSON where they are JSON. */
async function events(body: AsyncIterable<Uint8Array>): Promise<unknown[]> {
  const found: unknown[] = [];
  for await (const event of parseSse(body)) {
    if (event.data !== '[DONE]') found.push(JSON.parse(event.data));
  }
  return found;
}

function deltaTexts(found: unknown[]): string[] {
  return found.flatMap((event) => {
    const delta = (event as { choices?: Array<{ delta?: { content?: string } }> }).choices?.[0]
      ?.delta;
    return delta?.content ? [delta.content] : [];
  });
}

describe('fake OpenAI upstream', () => {
  it('slow: sends no header before the delay, then behaves like `then`', async () => {
    const fake = await fakeWith({
      kind: 'slow',
      delayMs: 150,
      then: { kind: 'status', status: 503, message: 'warming up' },
    });
    const started = performance.now();
    const response = await post(fake, '/chat/completions', chat);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    expect(response.statusCode).toBe(503);
    expect(await response.body.json()).toMatchObject({ error: { message: 'warming up' } });
  });

  it('slow without `then` replies', async () => {
    const fake = await fakeWith({ kind: 'slow', delayMs: 20 });
    const response = await post(fake, '/chat/completions', chat);
    expect(await response.body.json()).toMatchObject({
      choices: [{ message: { content: 'Hello!' } }],
    });
  });

  it('stall: streams the first chunks, then nothing, until the fake closes', async () => {
    const fake = await fakeWith({ kind: 'stall', text: 'abcdefghi', afterChunks: 2, chunks: 3 });
    const response = await post(fake, '/chat/completions', streamedChat);
    expect(response.statusCode).toBe(200);
    const iterator = parseSse(response.body)[Symbol.asyncIterator]();
    const first = [await iterator.next(), await iterator.next()].map((next) =>
      next.done ? undefined : JSON.parse(next.value.data),
    );
    expect(deltaTexts(first)).toEqual(['abc', 'def']);
    const third = iterator.next();
    const nothing = Symbol('nothing');
    expect(await Promise.race([third, sleep(200).then(() => nothing)])).toBe(nothing);
    await fake.close(); // must not wait for the stalled stream
    await expect(third).rejects.toThrow();
  });

  it('stall on a non-streamed request: headers, then no body', async () => {
    const fake = await fakeWith({ kind: 'stall', text: 'abc', afterChunks: 1 });
    const response = await post(fake, '/chat/completions', chat);
    expect(response.statusCode).toBe(200);
    const body = response.body.text();
    const nothing = Symbol('nothing');
    expect(await Promise.race([body, sleep(150).then(() => nothing)])).toBe(nothing);
    await fake.close();
    await expect(body).rejects.toThrow();
  });

  it('garbage: a 200 stream whose events are not JSON, and a 200 body that is not JSON', async () => {
    const fake = await fakeWith({ kind: 'garbage' });
    const streamed = await post(fake, '/chat/completions', streamedChat);
    expect(streamed.statusCode).toBe(200);
    expect(streamed.headers['content-type']).toBe('text/event-stream');
    const data: string[] = [];
    for await (const event of parseSse(streamed.body)) data.push(event.data);
    expect(data.length).toBeGreaterThan(0);
    for (const item of data) expect(() => JSON.parse(item)).toThrow();

    const plain = await post(fake, '/chat/completions', chat);
    expect(plain.statusCode).toBe(200);
    await expect(plain.body.json()).rejects.toThrow();
  });

  it('cut: streams the first chunks, then the connection drops mid-stream', async () => {
    const fake = await fakeWith({ kind: 'cut', text: 'abcdefghi', afterChunks: 2, chunks: 3 });
    const response = await post(fake, '/chat/completions', streamedChat);
    const received: unknown[] = [];
    const reading = (async () => {
      for await (const event of parseSse(response.body)) received.push(JSON.parse(event.data));
    })();
    await expect(reading).rejects.toThrow();
    expect(deltaTexts(received)).toEqual(['abc', 'def']);
  });

  it('cut on a non-streamed request: half a body, then the connection drops', async () => {
    const fake = await fakeWith({ kind: 'cut', text: 'abcdef', afterChunks: 1 });
    const response = await post(fake, '/completions', { model: 'm', prompt: 'x' });
    expect(response.statusCode).toBe(200);
    await expect(response.body.text()).rejects.toThrow();
  });

  it('stream-error: streams chunks, then an in-stream error event', async () => {
    const fake = await fakeWith({
      kind: 'stream-error',
      text: 'abcdefghi',
      afterChunks: 1,
      chunks: 3,
      message: 'overloaded mid-stream',
    });
    const found = await events((await post(fake, '/chat/completions', streamedChat)).body);
    expect(deltaTexts(found)).toEqual(['abc']);
    expect(found.at(-1)).toMatchObject({ error: { message: 'overloaded mid-stream' } });
  });

  it('status: passes Retry-After (and other headers) through', async () => {
    const fake = await fakeWith({
      kind: 'status',
      status: 429,
      message: 'slow down',
      headers: { 'retry-after': '3' },
    });
    const response = await post(fake, '/chat/completions', chat);
    expect(response.statusCode).toBe(429);
    expect(response.headers['retry-after']).toBe('3');
    expect(await response.body.json()).toMatchObject({ error: { message: 'slow down' } });
  });

  it('reply `extra` joins every streamed delta and the non-streamed message', async () => {
    const fake = await fakeWith({
      kind: 'reply',
      text: 'abcdef',
      chunks: 2,
      extra: { reasoning_content: 'thinking' },
    });
    const found = await events((await post(fake, '/chat/completions', streamedChat)).body);
    const deltas = found.flatMap(
      (event) => (event as { choices: Array<{ delta: Record<string, unknown> }> }).choices,
    );
    const withContent = deltas.filter((choice) => choice.delta.content);
    expect(withContent.map((choice) => choice.delta)).toEqual([
      { content: 'abc', reasoning_content: 'thinking' },
      { content: 'def', reasoning_content: 'thinking' },
    ]);
    const plain = await post(fake, '/chat/completions', chat);
    expect(await plain.body.json()).toMatchObject({
      choices: [{ message: { content: 'abcdef', reasoning_content: 'thinking' } }],
    });
  });

  it('embeddings: one deterministic unit vector per input, with prompt tokens', async () => {
    const fake = await fakeWith({ kind: 'reply', text: 'unused' });
    const ask = async (body: Record<string, unknown>) =>
      (await (await post(fake, '/embeddings', { model: 'e', ...body })).body.json()) as {
        object: string;
        model: string;
        data: Array<{ object: string; index: number; embedding: number[] | string }>;
        usage: { prompt_tokens: number; total_tokens: number };
      };
    const first = await ask({ input: ['le chat', 'bonjour tout le monde'] });
    expect(first.object).toBe('list');
    expect(first.model).toBe('e');
    expect(first.data.map((item) => [item.object, item.index])).toEqual([
      ['embedding', 0],
      ['embedding', 1],
    ]);
    const [chatVector, greetingVector] = first.data.map((item) => item.embedding as number[]);
    expect(chatVector).toHaveLength(8);
    expect(Math.hypot(...chatVector!)).toBeCloseTo(1, 6);
    expect(chatVector).not.toEqual(greetingVector);
    expect(first.usage).toEqual({ prompt_tokens: 6, total_tokens: 6 });

    const again = await ask({ input: 'le chat', dimensions: 8 });
    expect(again.data[0]!.embedding).toEqual(chatVector);
    expect(again.usage.prompt_tokens).toBe(2);

    const packed = await ask({ input: 'le chat', encoding_format: 'base64' });
    const bytes = Buffer.from(packed.data[0]!.embedding as string, 'base64');
    const unpacked = [...new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4)];
    unpacked.forEach((value, i) => expect(value).toBeCloseTo(chatVector![i]!, 6));
    expect(fake.requests.map((sent) => sent.path)).toEqual([
      '/v1/embeddings',
      '/v1/embeddings',
      '/v1/embeddings',
    ]);
  });

  it('embeddings follow the script like other requests', async () => {
    const fake = await fakeWith(
      { kind: 'status', status: 503, headers: { 'retry-after': '1' } },
      { kind: 'reply', text: '' },
    );
    const failed = await post(fake, '/embeddings', { model: 'e', input: 'x' });
    expect(failed.statusCode).toBe(503);
    expect(failed.headers['retry-after']).toBe('1');
    await failed.body.dump();
    const served = await post(fake, '/embeddings', { model: 'e', input: 'x' });
    expect(served.statusCode).toBe(200);
    expect(await served.body.json()).toMatchObject({ data: [{ index: 0 }] });
  });
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
