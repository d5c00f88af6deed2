// Hostile request bodies on /v1 and /api: each is a 4xx in the API's error shape
// ({"error":{"message","type","param","code"}}), nothing is forwarded or written, the process's
// objects are not polluted, and the server answers the next request as usual.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeUpstream } from '../helpers/fake-openai.js';
import { startGatewayApp, type GatewayApp } from '../helpers/gateway-app.js';
import { signIn, type SignedIn } from '../helpers/sign-in.js';

/** A body and the content type it is sent as. */
interface Hostile {
  name: string;
  payload: string | Buffer;
  contentType?: string;
  /** The status expected when it is not just "some 4xx". */
  status?: number;
}

const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
const nestedObject = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

/**
 * Bodies every JSON route must refuse, given a valid body to corrupt. `null` is left out for
 * routes whose fields are all optional (it reads as no body there, as an empty POST does).
 */
function hostileBodies(valid: Record<string, unknown>, optionsOnly = false): Hostile[] {
  const json = JSON.stringify(valid);
  const bodies: Hostile[] = [
    { name: 'top-level array nested 10,000 deep', payload: nested(10_000) },
    { name: 'object nested 10,000 deep', payload: nestedObject(10_000) },
    {
      name: 'valid fields plus a value nested 10,000 deep',
      payload: json.replace(/}$/, `,"deep":${nested(10_000)}}`),
    },
    {
      name: 'array nested 200,000 deep (past the parser’s stack)',
      payload: nested(200_000),
    },
    {
      name: 'invalid UTF-8 in a string',
      payload: Buffer.concat([
        Buffer.from(json.slice(0, -1) + ',"x":"'),
        Buffer.from([0xff, 0xfe, 0xc3, 0x28]),
        Buffer.from('"}'),
      ]),
      status: 400,
    },
    {
      name: 'a string over the body limit',
      payload: `{"x":"${'a'.repeat(5 * 1024 * 1024)}"}`,
      status: 413,
    },
    {
      name: 'a __proto__ key',
      payload: json.replace(/}$/, ',"__proto__":{"polluted":true}}'),
      status: 400,
    },
    {
      name: 'a constructor.prototype key',
      payload: json.replace(/}$/, ',"constructor":{"prototype":{"polluted":true}}}'),
      status: 400,
    },
    { name: 'not JSON', payload: '{"model": ', status: 400 },
    { name: 'NaN', payload: json.replace(/}$/, ',"temperature":NaN}'), status: 400 },
    { name: 'an empty body', payload: '', status: 400 },
    { name: 'a bare string', payload: '"hello"' },
    { name: 'null', payload: 'null' },
    {
      name: 'an unknown content type',
      payload: json,
      contentType: 'application/x-evil',
      status: 415,
    },
    {
      name: 'form data',
      payload: 'model=x',
      contentType: 'application/x-www-form-urlencoded',
      status: 415,
    },
    { name: 'XML', payload: '<model/>', contentType: 'text/xml', status: 415 },
  ];
  return optionsOnly ? bodies.filter((body) => body.payload !== 'null') : bodies;
}

function expectErrorShape(response: { statusCode: number; json(): unknown }, label: string) {
  expect(response.statusCode, label).toBeGreaterThanOrEqual(400);
  expect(response.statusCode, label).toBeLessThan(500);
  const body = response.json() as { error: Record<string, unknown> };
  expect(Object.keys(body), label).toEqual(['error']);
  expect(body.error, label).toMatchObject({
    message: expect.any(String),
    type: expect.any(String),
    code: expect.any(String),
  });
  expect(body.error, label).toHaveProperty('param');
}

describe('hostile bodies', () => {
  let upstream: FakeUpstream;
  let salon: GatewayApp;
  let ada: SignedIn;

  beforeAll(async () => {
    upstream = await startFakeOpenAI();
    salon = await startGatewayApp(`providers:
  up: { type: openai, base_url: '${upstream.url}' }
models:
  - { name: chat, targets: [{ provider: up, model: m }] }
`);
    ada = await signIn(salon.runtime.store.db);
  });
  afterAll(async () => {
    await salon?.close();
    await upstream?.close();
  });

  const send = (
    url: string,
    method: 'POST' | 'PATCH',
    headers: Record<string, string>,
    body: Hostile,
  ) =>
    salon.app.inject({
      method,
      url,
      headers: { ...headers, 'content-type': body.contentType ?? 'application/json' },
      payload: body.payload,
    });

  const chatBody = { model: 'chat', messages: [{ role: 'user', content: 'hi' }] };

  it('on /v1/chat/completions: 4xx in OpenAI’s shape, nothing forwarded, next request served', async () => {
    const auth = { authorization: `Bearer ${salon.apiKey}` };
    for (const body of hostileBodies(chatBody)) {
      const response = await send('/v1/chat/completions', 'POST', auth, body);
      expectErrorShape(response, body.name);
      if (body.status) expect(response.statusCode, body.name).toBe(body.status);
      const next = await send('/v1/chat/completions', 'POST', auth, {
        name: 'valid',
        payload: JSON.stringify(chatBody),
      });
      expect(next.statusCode, `after ${body.name}`).toBe(200);
    }
    // Only the valid requests reached the upstream.
    expect(upstream.requests).toHaveLength(hostileBodies(chatBody).length);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('on /v1: wrong types, negative and huge numbers are a 400 naming the parameter', async () => {
    const auth = { authorization: `Bearer ${salon.apiKey}` };
    const cases: [Record<string, unknown>, string][] = [
      [{ model: 42, messages: chatBody.messages }, 'model'],
      [{ model: 'chat', messages: 'hi' }, 'messages'],
      [{ ...chatBody, stream: 'yes' }, 'stream'],
      [{ ...chatBody, max_tokens: 1e300 }, 'max_tokens'],
      [{ ...chatBody, max_tokens: -1 }, 'max_tokens'],
      [{ ...chatBody, n: -3 }, 'n'],
      [{ ...chatBody, max_completion_tokens: 'many' }, 'max_completion_tokens'],
    ];
    const forwarded = upstream.requests.length;
    for (const [payload, param] of cases) {
      const response = await send('/v1/chat/completions', 'POST', auth, {
        name: param,
        payload: JSON.stringify(payload),
      });
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(response.json().error.param, JSON.stringify(payload)).toBe(param);
    }
    expect(upstream.requests).toHaveLength(forwarded);
  });

  it('on /api: 4xx in the same shape, nothing written, next request served', async () => {
    const created = await salon.app.inject({
      method: 'POST',
      url: '/api/conversations',
      headers: ada.headers,
      payload: {},
    });
    const conversationId = created.json<{ id: string }>().id;
    const routes: [string, 'POST' | 'PATCH', Record<string, unknown>, boolean?][] = [
      ['/api/conversations', 'POST', { title: 'ok' }, true],
      [`/api/conversations/${conversationId}`, 'PATCH', { title: 'ok' }],
      ['/api/folders', 'POST', { name: 'ok' }],
      ['/api/auth/login', 'POST', { email: 'a@example.com', password: 'x' }],
    ];
    const countRows = async () =>
      Promise.all(
        (['conversations', 'folders', 'messages'] as const).map(
          async (table) =>
            (await salon.runtime.store.db.selectFrom(table).select('id').execute()).length,
        ),
      );
    const rowsBefore = await countRows();
    for (const [url, method, valid, optionsOnly] of routes) {
      // Sign-in bodies have no CSRF token: the same-origin check wants an Origin.
      const headers = url.startsWith('/api/auth') ? { origin: 'http://localhost' } : ada.headers;
      for (const body of hostileBodies(valid, optionsOnly)) {
        const response = await send(url, method, { ...headers, host: 'localhost' }, body);
        expectErrorShape(response, `${method} ${url}: ${body.name}`);
      }
      const wrongTypes = await send(
        url,
        method,
        { ...headers, host: 'localhost' },
        {
          name: 'wrong types',
          payload: JSON.stringify(
            Object.fromEntries(Object.keys(valid).map((key) => [key, { $ne: 1 }])),
          ),
        },
      );
      expect(wrongTypes.statusCode, `${url} wrong types`).toBe(400);
    }
    expect(await countRows()).toEqual(rowsBefore);
    const title = await salon.app.inject({
      method: 'GET',
      url: `/api/conversations/${conversationId}`,
      headers: ada.headers,
    });
    expect(title.statusCode).toBe(200);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
