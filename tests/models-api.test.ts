// The web UI's model routes: the list with its hint, the catalog, and a pull from the catalog
// (served here by a local stand-in for Hugging Face with the shared tiny model) that the gateway
// serves as soon as it completes.
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSse } from '../src/lib/sse.js';
import { noModelHint } from '../src/server/routes/v1/models.js';
import { openApiTestApp, type ApiTestApp } from './helpers/api-app.js';
import { hasTinyModel, tinyModelPath } from './helpers/shared-files.js';
import { signIn, type SignedIn } from './helpers/sign-in.js';
import { storeTargets } from './helpers/stores.js';

const [sqlite] = await storeTargets('web model API'); // storage plays no part past sign-in
const haveModel = hasTinyModel('web model pull');

// Answers every Hugging Face download with the tiny model, except Nemo's (404).
async function startFakeHub(): Promise<{ url: string; close(): Promise<void> }> {
  const model = haveModel ? await readFile(tinyModelPath) : Buffer.alloc(0);
  const server = http.createServer((request, response) => {
    if (!request.url?.includes('/resolve/') || request.url.includes('Nemo')) {
      response.writeHead(404).end('not found');
      return;
    }
    response.writeHead(200, { 'content-length': model.length }).end(model);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function events(body: string) {
  async function* chunks() {
    yield body;
  }
  const parsed = [];
  for await (const event of parseSse(chunks())) {
    parsed.push({ event: event.event, ...JSON.parse(event.data) });
  }
  return parsed;
}

describe('web model API', () => {
  let testApp: ApiTestApp;
  let hub: Awaited<ReturnType<typeof startFakeHub>>;
  let owner: SignedIn;
  let member: SignedIn;
  const savedEndpoint = process.env.SALON_HF_ENDPOINT;

  beforeAll(async () => {
    hub = await startFakeHub();
    process.env.SALON_HF_ENDPOINT = hub.url;
    testApp = await openApiTestApp(sqlite!);
    owner = await signIn(testApp.runtime.store.db, { role: 'owner' });
    member = await signIn(testApp.runtime.store.db, { role: 'member' });
  });
  afterAll(async () => {
    await testApp?.dispose();
    await hub?.close();
    if (savedEndpoint === undefined) delete process.env.SALON_HF_ENDPOINT;
    else process.env.SALON_HF_ENDPOINT = savedEndpoint;
  });

  const get = (url: string, who?: SignedIn) =>
    testApp.app.inject({ method: 'GET', url, headers: who?.headers });
  const pull = (id: string, who: SignedIn) =>
    testApp.app.inject({
      method: 'POST',
      url: '/api/models/pull',
      headers: who.headers,
      payload: { id },
    });

  it('lists no model, with the hint, to anyone signed in', async () => {
    expect((await get('/api/models')).statusCode).toBe(401);
    const response = await get('/api/models', member);
    expect(response.json()).toEqual({ models: [], hint: noModelHint });
  });

  it('shows the catalog to owners and admins only', async () => {
    expect((await get('/api/models/catalog', member)).statusCode).toBe(403);
    const response = await get('/api/models/catalog', owner);
    expect(response.statusCode).toBe(200);
    const { entries } = response.json();
    expect(entries.length).toBeGreaterThan(0);
    expect(entries[0]).toEqual({
      id: 'mistral-7b-instruct',
      name: expect.any(String),
      description: expect.any(String),
      sizeBytes: expect.any(Number),
      downloaded: false,
    });
  });

  it('refuses pulls by members and of ids outside the catalog', async () => {
    expect((await pull('mistral-7b-instruct', member)).statusCode).toBe(403);
    const unknown = await pull('https://example.com/model.gguf', owner);
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error).toMatchObject({ param: 'id', code: 'unknown_model' });
    expect((await get('/api/models/pull/pull-nothing', owner)).statusCode).toBe(404);
  });

  it('reports a failed pull as an error event', async () => {
    const started = await pull('mistral-nemo', owner);
    expect(started.statusCode).toBe(202);
    const stream = await get(`/api/models/pull/${started.json().jobId}`, owner);
    expect(stream.headers['content-type']).toMatch(/^text\/event-stream/);
    expect((await events(stream.body)).at(-1)).toMatchObject({ event: 'error' });
  });

  it.runIf(haveModel)('pulls a catalog model with progress, then serves it', async () => {
    const started = await pull('mistral-7b-instruct', owner);
    const { jobId } = started.json();
    expect(jobId).toMatch(/^pull-/);
    expect((await pull('mistral-7b-instruct', owner)).json().jobId).toBe(jobId); // one at a time
    const stream = await get(`/api/models/pull/${jobId}`, owner);
    const received = await events(stream.body);
    const size = (await readFile(tinyModelPath)).length;
    expect(received.at(-2)).toEqual({ event: 'progress', bytes: size, totalBytes: size });
    const modelId = 'Mistral-7B-Instruct-v0.3-Q4_K_M';
    expect(received.at(-1)).toEqual({ event: 'done', modelId });

    const models = (await get('/api/models', member)).json();
    expect(models).toEqual({ models: [{ id: 'small', aliasOf: modelId }, { id: modelId }] });
    const catalog = (await get('/api/models/catalog', owner)).json();
    expect(catalog.entries[0]).toMatchObject({ id: 'mistral-7b-instruct', downloaded: true });

    const reply = await testApp.runtime.gateway.chat('small', {
      messages: [{ role: 'user', content: 'Bonjour' }],
      maxTokens: 4,
    });
    expect(reply.target).toBe(modelId);
    let parts = 0;
    for await (const part of reply.parts) if (part.type === 'text-delta') parts++;
    expect(parts).toBeGreaterThan(0);
  });
});
