// SSRF through upstream URLs (docs/security.md, "Upstream URLs"). A URL typed into the web UI
// (a provider's base URL, a single sign-on issuer) that points at a link-local, metadata,
// loopback or private address in any spelling, or at a name resolving to one, reaches nothing:
// the save is a 400 naming the address class and the setting to change, and no request gets to
// the internal service standing by (its hits are counted). `security.upstream_allow` (or
// SALON_UPSTREAM_ALLOW) opens what it names, and only that. salon.yaml providers reach loopback
// and private addresses with no setting (the file is the operator's own list); link-local and
// metadata addresses stay refused for them too. Redirects are never followed.
import { writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Resolve } from '../../src/gateway/types.js';
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

/** Every spelling of this machine; `internal.example` resolves to 127.0.0.1 (see `dns`). */
const loopbackHosts = [
  '127.0.0.1',
  '127.1',
  '0x7f000001',
  '2130706433',
  '017700000001',
  '[::1]',
  '[::ffff:127.0.0.1]',
  '[::ffff:7f00:1]',
  '0.0.0.0', // connecting to it reaches the services listening on 127.0.0.1
  'localhost',
  'internal.example',
];

const privateHosts = ['10.0.0.1', '172.16.0.1', '192.168.1.1', '100.64.0.1', '[fd00::1]'];

// A resolver under the test's control, as a DNS server under someone else's would be.
const dns: Resolve = (hostname, _options, callback) => {
  const address = { 'internal.example': '127.0.0.1', 'private.example': '10.0.0.7' }[hostname];
  if (!address) return callback(Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' }), []);
  callback(null, [{ address, family: 4 }]);
};

/** The text of a chat completion's first choice. */
async function replyText(response: Response): Promise<string> {
  const body = (await response.json()) as { choices: Array<{ message: { content: string } }> };
  return body.choices[0]!.message.content;
}

/** A server standing in for an internal service, counting who reaches it. */
async function startTarget() {
  const target = { url: '', port: 0, hits: 0, close: async () => {} };
  const server = http.createServer((request, response) => {
    target.hits++;
    response.writeHead(200, { 'content-type': 'application/json' });
    if (request.url?.endsWith('/models')) {
      response.end('{"data":[{"id":"internal-secret"}]}');
      return;
    }
    response.end(
      JSON.stringify({
        id: 'chatcmpl-internal',
        object: 'chat.completion',
        created: 0,
        model: 'internal-secret',
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: 'from the internal service' },
            finish_reason: 'stop',
          },
        ],
        usage: { prompt_tokens: 1, completion_tokens: 4, total_tokens: 5 },
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  target.port = (server.address() as AddressInfo).port;
  target.url = `http://127.0.0.1:${target.port}`;
  target.close = () => new Promise((resolve) => server.close(() => resolve()));
  return target;
}

/** An upstream whose every answer redirects to `location`. */
async function startRedirector(location: string) {
  const server = http.createServer((_request, response) => {
    response.writeHead(302, { location }).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

type Target = Awaited<ReturnType<typeof startTarget>>;

describe('SSRF through URLs typed into the web UI, without an allow-list', () => {
  let testApp: ApiTestApp;
  let owner: SignedIn;
  let target: Target;

  beforeAll(async () => {
    testApp = await openApiTestApp(sqlite!, { resolve: dns });
    owner = await signIn(testApp.runtime.store.db, { role: 'owner' });
    target = await startTarget();
  });
  afterAll(async () => {
    await testApp?.dispose();
    await target?.close();
  });

  const connect = (baseUrl: string, models?: string[]) =>
    testApp.app.inject({
      method: 'POST',
      url: '/api/providers',
      headers: owner.headers,
      payload: { name: 'probe', baseUrl, ...(models && { models }) },
    });
  const listed = async () =>
    (
      await testApp.app.inject({ method: 'GET', url: '/api/providers', headers: owner.headers })
    ).json();

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
    expect(await listed()).toEqual({ providers: [] });
  });

  it('refuses every spelling of this machine, naming the class and the setting, reaching nothing', async () => {
    for (const host of loopbackHosts) {
      // With the models given nothing is asked of the upstream: the address check alone refuses.
      for (const models of [undefined, ['internal-secret']]) {
        const response = await connect(`http://${host}:${target.port}/v1`, models);
        expect(response.statusCode, host).toBe(400);
        expect(response.json().error, host).toMatchObject({
          code: 'invalid_base_url',
          param: 'baseUrl',
          message: expect.stringMatching(
            /^baseUrl points at .*, (a loopback address|an unspecified address \(it reaches this machine\)); add .+ to security\.upstream_allow in salon\.yaml \(or SALON_UPSTREAM_ALLOW\) to connect a provider there\.$/,
          ),
        });
        expect(response.body, host).not.toContain('internal-secret');
      }
    }
    expect((await connect(`${target.url}/v1`)).json().error.message).toBe(
      'baseUrl points at 127.0.0.1, a loopback address; add it to security.upstream_allow in ' +
        'salon.yaml (or SALON_UPSTREAM_ALLOW) to connect a provider there.',
    );
    expect(
      (await connect(`http://internal.example:${target.port}/v1`)).json().error.message,
    ).toMatch(
      /^baseUrl points at internal\.example, which resolves to 127\.0\.0\.1, a loopback address; add internal\.example to security\.upstream_allow/,
    );
    expect(target.hits).toBe(0);
    expect(await listed()).toEqual({ providers: [] });
  });

  it('refuses private network addresses, written or resolved', async () => {
    for (const host of [...privateHosts, 'private.example']) {
      const response = await connect(`http://${host}:8000/v1`, ['m']);
      expect(response.statusCode, host).toBe(400);
      expect(response.json().error.message, host).toMatch(
        /a private network address; add .+ to security\.upstream_allow/,
      );
    }
    expect(await listed()).toEqual({ providers: [] });
  });

  it('refuses a single sign-on issuer on this machine, reaching nothing', async () => {
    const configure = (issuer: string) =>
      testApp.app.inject({
        method: 'PUT',
        url: '/api/admin/sso',
        headers: owner.headers,
        payload: { issuer, clientId: 'salon' },
      });
    for (const issuer of [target.url, `http://localhost:${target.port}`, 'https://10.0.0.1']) {
      const response = await configure(issuer);
      expect(response.statusCode, issuer).toBe(400);
      expect(response.json().error, issuer).toMatchObject({
        param: 'issuer',
        message: expect.stringMatching(
          /address; add .+ to security\.upstream_allow in salon\.yaml \(or SALON_UPSTREAM_ALLOW\) to connect an identity provider there/,
        ),
      });
    }
    // A name is refused when discovery connects: the check is on the connection itself.
    const byName = await configure(`https://internal.example:${target.port}`);
    expect(byName.statusCode).toBe(400);
    expect(byName.json().error).toMatchObject({
      code: 'sso_discovery_failed',
      message: expect.stringMatching(
        /internal\.example resolves to 127\.0\.0\.1, a loopback address/,
      ),
    });
    expect(target.hits).toBe(0);
  });
});

describe('SSRF through URLs typed into the web UI, with security.upstream_allow', () => {
  let salon: GatewayApp;
  let owner: SignedIn;
  let target: Target;
  let elsewhere: Target;
  let redirector: Awaited<ReturnType<typeof startRedirector>>;
  let allowing: string;

  beforeAll(async () => {
    target = await startTarget();
    elsewhere = await startTarget();
    redirector = await startRedirector(`${elsewhere.url}/v1/models`);
    allowing = `security:
  upstream_allow: ['127.0.0.1:${target.port}', '127.0.0.1:${redirector.port}']
router: { retries: 0 }
`;
    salon = await startGatewayApp(allowing);
    owner = await signIn(salon.runtime.store.db, { role: 'owner' });
  });
  afterAll(async () => {
    await salon?.close();
    await Promise.all([target?.close(), elsewhere?.close(), redirector?.close()]);
  });

  const connect = (name: string, baseUrl: string, models?: string[]) =>
    salon.app.inject({
      method: 'POST',
      url: '/api/providers',
      headers: owner.headers,
      payload: { name, baseUrl, ...(models && { models }) },
    });
  const chat = (model: string) =>
    fetch(`${salon.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${salon.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
    });

  it('connects a provider at an address:port the allow-list names, and it works', async () => {
    const response = await connect('internal', `${target.url}/v1`);
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json().routes).toEqual(['internal-secret']);
    const reply = await chat('internal-secret');
    expect(reply.status).toBe(200);
    expect(await replyText(reply)).toBe('from the internal service');
    expect(target.hits).toBe(2); // the model list, then the chat
  });

  it('still refuses another port of the same address', async () => {
    const response = await connect('other', `${elsewhere.url}/v1`, ['m']);
    expect(response.statusCode).toBe(400);
    expect(response.json().error.message).toMatch(/loopback address; add it to/);
    expect(elsewhere.hits).toBe(0);
  });

  it('checks every connection: a reload that drops the entry cuts the provider off', async () => {
    await writeFile(salon.runtime.settings.configFile!, 'router: { retries: 0 }\n');
    const reloaded = await salon.app.inject({
      method: 'POST',
      url: '/api/admin/reload',
      headers: owner.headers,
    });
    expect(reloaded.statusCode, reloaded.body).toBe(200);
    const hits = target.hits;
    const reply = await chat('internal-secret');
    expect(reply.status).toBeGreaterThanOrEqual(500);
    expect(await reply.text()).toMatch(/127\.0\.0\.1 is a loopback address; add it to/);
    expect(target.hits).toBe(hits);
    await writeFile(salon.runtime.settings.configFile!, allowing);
    await salon.app.inject({ method: 'POST', url: '/api/admin/reload', headers: owner.headers });
    expect((await chat('internal-secret')).status).toBe(200);
  });

  it('does not follow an allowed upstream redirecting to this machine', async () => {
    const discovering = await connect('redirecting', redirector.url);
    expect(discovering.statusCode).toBe(400);
    expect(discovering.json().error.message).toMatch(/answered 302/);
    expect(discovering.body).not.toContain('internal-secret');
    const created = await connect('redirecting', redirector.url, ['redirected']);
    expect(created.statusCode, created.body).toBe(201);
    const reply = await chat('redirected');
    expect(reply.status).toBeGreaterThanOrEqual(500);
    expect(await reply.text()).toMatch(/redirects are not followed/);
    expect(elsewhere.hits).toBe(0);
  });
});

describe('SSRF allow-list from SALON_UPSTREAM_ALLOW, by host name', () => {
  let testApp: ApiTestApp;
  let owner: SignedIn;
  let target: Target;

  beforeAll(async () => {
    target = await startTarget();
    testApp = await openApiTestApp(sqlite!, {
      resolve: dns,
      env: { SALON_UPSTREAM_ALLOW: `internal.example:${target.port}` },
    });
    owner = await signIn(testApp.runtime.store.db, { role: 'owner' });
  });
  afterAll(async () => {
    await testApp?.dispose();
    await target?.close();
  });

  it('lets the named host reach its internal address, and nothing else', async () => {
    const connect = (baseUrl: string) =>
      testApp.app.inject({
        method: 'POST',
        url: '/api/providers',
        headers: owner.headers,
        payload: { name: 'named', baseUrl },
      });
    const refused = await connect(`${target.url}/v1`); // the same place, by address
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.code).toBe('invalid_base_url');
    expect(target.hits).toBe(0);
    const allowed = await connect(`http://internal.example:${target.port}/v1`);
    expect(allowed.statusCode, allowed.body).toBe(201);
    expect(allowed.json().routes).toEqual(['internal-secret']);
    expect(target.hits).toBe(1);
  });
});

describe('SSRF through salon.yaml providers', () => {
  let salon: GatewayApp;
  let target: Target;
  let local: Target;
  let redirector: Awaited<ReturnType<typeof startRedirector>>;

  beforeAll(async () => {
    target = await startTarget();
    local = await startTarget();
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
  local: { type: openai, base_url: '${local.url}/v1' }
models:
${models}
  - { name: redirected, targets: [{ provider: redirecting, model: x }] }
  - { name: local, targets: [{ provider: local, model: x }] }
router: { retries: 0, timeouts: { connect: 3 } }
`);
  });
  afterAll(async () => {
    await salon?.close();
    await Promise.all([target?.close(), local?.close(), redirector?.close()]);
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

  it('reaches a provider on 127.0.0.1 with no allow-list: salon.yaml is the operator’s own', async () => {
    const response = await chat('local');
    expect(response.status).toBe(200);
    expect(await replyText(response)).toBe('from the internal service');
    expect(local.hits).toBe(1);
  });

  it('does not follow an upstream redirect', async () => {
    const response = await chat('redirected');
    expect(response.status).toBeGreaterThanOrEqual(500);
    expect(await response.text()).toMatch(/redirects are not followed/);
    expect(target.hits).toBe(0);
  });
});
