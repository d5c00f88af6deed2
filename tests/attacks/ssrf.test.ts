// SSRF through provider base URLs: a provider connected from the web UI, or written in
// salon.yaml, that points at a link-local or cloud-metadata address in any spelling, or whose
// upstream redirects elsewhere, reaches nothing. The web form refuses such URLs with a 400; a
// salon.yaml provider fails each request without connecting; redirects are never followed.
// Names resolving to such addresses are covered beside the code (upstream-agent.test.ts and
// openai-models.test.ts, with a resolver under the test's control). Loopback and private
// networks stay allowed on purpose (a local Ollama or vLLM is the common case; docs/security.md).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiTestApp, type ApiTestApp } from '../helpers/api-app.js';
import { startGatewayApp, type GatewayApp } from '../helpers/gateway-app.js';
import { signIn, type SignedIn } from '../helpers/sign-in.js';
import { storeTargets } from '../helpers/stores.js';

const [sqlite] = await storeTargets('SSRF');

/** Every spelling of the metadata service (and its neighbours) a URL parser accepts. */
const metadataHosts = [
  '169.254.169.254',
  '[::ffff:169.254.169.254]',
  '[::ffff:a9fe:a9fe]',
  '0xA9FEA9FE',
  '0xa9.0xfe.0xa9.0xfe',
  '2852039166',
  '0251.0376.0251.0376',
  '169.254.43518',
  '[fd00:ec2::254]',
  '[fe80::1]',
  'metadata.google.internal',
];

/** A server standing in for an internal service, counting who reaches it. */
async function startTarget() {
  const target = { url: '', hits: 0, close: async () => {} };
  const server = http.createServer((_request, response) => {
    target.hits++;
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end('{"data":[{"id":"internal-secret"}]}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  target.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  target.close = () => new Promise((resolve) => server.close(() => resolve()));
  return target;
}

/** An upstream whose every answer redirects to `location`. */
async function startRedirector(location: string) {
  const server = http.createServer((_request, response) => {
    response.writeHead(302, { location }).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('SSRF through providers connected from the web UI', () => {
  let testApp: ApiTestApp;
  let owner: SignedIn;
  let target: Awaited<ReturnType<typeof startTarget>>;
  let redirector: Awaited<ReturnType<typeof startRedirector>>;

  beforeAll(async () => {
    testApp = await openApiTestApp(sqlite!);
    owner = await signIn(testApp.runtime.store.db, { role: 'owner' });
    target = await startTarget();
    redirector = await startRedirector(`${target.url}/v1/models`);
  });
  afterAll(async () => {
    await testApp?.dispose();
    await target?.close();
    await redirector?.close();
  });

  const connect = (baseUrl: string) =>
    testApp.app.inject({
      method: 'POST',
      url: '/api/providers',
      headers: owner.headers,
      payload: { name: 'probe', baseUrl },
    });

  it('refuses every spelling of a metadata or link-local base URL with a 400, storing nothing', async () => {
    for (const host of metadataHosts) {
      const response = await connect(`http://${host}/latest/meta-data`);
      expect(response.statusCode, host).toBe(400);
      expect(response.json().error, host).toMatchObject({
        code: 'invalid_base_url',
        param: 'baseUrl',
        message: expect.stringMatching(/link-local or cloud metadata address/),
      });
    }
    const listed = await testApp.app.inject({
      method: 'GET',
      url: '/api/providers',
      headers: owner.headers,
    });
    expect(listed.json()).toEqual({ providers: [] });
  });

  it('does not follow a redirect while discovering models', async () => {
    const response = await connect(redirector.url);
    expect(response.statusCode).toBe(400);
    expect(response.json().error.message).toMatch(/answered 302/);
    expect(response.body).not.toContain('internal-secret');
    expect(target.hits).toBe(0);
  });
});

describe('SSRF through salon.yaml providers', () => {
  let salon: GatewayApp;
  let target: Awaited<ReturnType<typeof startTarget>>;
  let redirector: Awaited<ReturnType<typeof startRedirector>>;

  beforeAll(async () => {
    target = await startTarget();
    redirector = await startRedirector(`${target.url}/v1/chat/completions`);
    const providers = metadataHosts
      .map((host, index) => `  m${index}: { type: openai, base_url: 'http://${host}/v1' }`)
      .join('\n');
    const models = metadataHosts
      .map((_, index) => `  - { name: m${index}, targets: [{ provider: m${index}, model: x }] }`)
      .join('\n');
    salon = await startGatewayApp(`providers:
${providers}
  redirecting: { type: openai, base_url: '${redirector.url}' }
models:
${models}
  - { name: redirected, targets: [{ provider: redirecting, model: x }] }
router: { retries: 0, timeouts: { connect: 3 } }
`);
  });
  afterAll(async () => {
    await salon?.close();
    await target?.close();
    await redirector?.close();
  });

  const chat = (model: string) =>
    fetch(`${salon.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${salon.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
    });

  it('fails every request to a metadata or link-local base URL without connecting', async () => {
    for (const [index, host] of metadataHosts.entries()) {
      const startedAt = performance.now();
      const response = await chat(`m${index}`);
      const body = await response.text();
      expect(response.status, `${host}: ${body}`).toBeGreaterThanOrEqual(500);
      // Refused before connecting: not a connect timeout, and the reason is given.
      expect(performance.now() - startedAt, host).toBeLessThan(2_500);
      if (host !== 'metadata.google.internal') {
        expect(body, host).toMatch(/link-local or cloud metadata address/);
      }
    }
  });

  it('does not follow an upstream redirect', async () => {
    const response = await chat('redirected');
    expect(response.status).toBeGreaterThanOrEqual(500);
    expect(await response.text()).toMatch(/redirects are not followed/);
    expect(target.hits).toBe(0);
  });
});
