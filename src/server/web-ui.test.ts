import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { installErrorHandler } from './error-handler.js';
import { builtWebRoot, webUi } from './web-ui.js';

let root: string;
let app: FastifyInstance;
let endedDuringSend: boolean | undefined;

async function buildApp(webRoot: string): Promise<FastifyInstance> {
  const instance = Fastify();
  installErrorHandler(instance, 1024);
  instance.get('/v1/models', async () => ({ object: 'list', data: [] }));
  instance.get('/healthz', async () => ({ status: 'ok' }));
  instance.get('/v1/sent', (_request, reply) => {
    reply.type('application/json').send('{}');
    endedDuringSend = reply.raw.writableEnded;
  });
  await webUi(instance, { root: webRoot });
  await instance.ready();
  return instance;
}

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'salon-web-'));
  await mkdir(path.join(root, 'assets'));
  await writeFile(path.join(root, 'index.html'), '<!doctype html><div id="root"></div>');
  await writeFile(path.join(root, 'assets', 'index-abc123.js'), 'console.log(1)');
  await writeFile(path.join(root, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  app = await buildApp(root);
});

afterEach(async () => {
  await app.close();
  await rm(root, { recursive: true, force: true });
});

describe('webUi', () => {
  it("adds no asynchronous step to other routes' answers: each is written within reply.send", async () => {
    endedDuringSend = undefined;
    const response = await app.inject('/v1/sent');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-security-policy']).toBeUndefined();
    expect(endedDuringSend).toBe(true);
  });

  it('serves index.html at / with a strict CSP and safe headers', async () => {
    const response = await app.inject('/');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.body).toContain('<div id="root">');
    const csp = String(response.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-eval');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['referrer-policy']).toBe('no-referrer');
    expect(response.headers['cache-control']).toBe('no-cache');
  });

  it('falls back to index.html for the SPA routes', async () => {
    for (const url of ['/c/abc', '/s/xyz?x=1', '/index.html']) {
      const response = await app.inject(url);
      expect(response.statusCode, url).toBe(200);
      expect(response.body).toContain('<div id="root">');
      expect(response.headers['content-security-policy']).toBeDefined();
    }
  });

  it("preloads the page's first API answers from index.html's headers", async () => {
    const chat = await app.inject('/c/conv-Ab_9');
    expect(chat.headers.link).toBe(
      '</api/auth/state>; rel=preload; as=fetch; crossorigin, ' +
        '</api/conversations/conv-Ab_9?tail=40>; rel=preload; as=fetch; crossorigin',
    );
    const home = await app.inject('/');
    expect(home.headers.link).toBe('</api/auth/state>; rel=preload; as=fetch; crossorigin');
    // Nothing else from the URL reaches the header.
    for (const url of ['/c/a%3E%3B%20rel%3Dx', '/c/a,b', '/c/a/b']) {
      const response = await app.inject(url);
      expect(response.headers.link, url).toBe(home.headers.link);
    }
    expect((await app.inject('/assets/index-abc123.js')).headers.link).toBeUndefined();
  });

  it('serves hashed assets with a long immutable cache', async () => {
    const response = await app.inject('/assets/index-abc123.js');
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toContain('max-age=31536000');
    expect(response.headers['cache-control']).toContain('immutable');
    expect(response.headers['content-security-policy']).toBeUndefined();
    const icon = await app.inject('/favicon.svg');
    expect(icon.statusCode).toBe(200);
    expect(icon.headers['cache-control']).not.toContain('immutable');
  });

  it('serves the precompressed twins to clients that accept them', async () => {
    const script = 'console.log("salon");\n'.repeat(200);
    const file = path.join(root, 'assets', 'app-def456.js');
    await writeFile(file, script);
    await writeFile(`${file}.br`, brotliCompressSync(script));
    await writeFile(`${file}.gz`, gzipSync(script));
    const url = '/assets/app-def456.js';

    const br = await app.inject({ url, headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(br.statusCode).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['content-type']).toMatch(/javascript/);
    expect(br.headers['cache-control']).toContain('immutable');
    expect(br.headers.vary).toMatch(/accept-encoding/i);
    expect(brotliDecompressSync(br.rawPayload).toString()).toBe(script);

    const gz = await app.inject({ url, headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.rawPayload).toString()).toBe(script);

    const plain = await app.inject(url);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toBe(script);

    // Files without twins (index.html here) still go out as they are, with their headers.
    const page = await app.inject({ url: '/c/abc', headers: { 'accept-encoding': 'br' } });
    expect(page.headers['content-encoding']).toBeUndefined();
    expect(page.body).toContain('<div id="root">');
    expect(page.headers['content-security-policy']).toBeDefined();
  });

  it('keeps the CSP on a precompressed index.html', async () => {
    const html = `<!doctype html><div id="root"></div>${' '.repeat(2000)}`;
    await writeFile(path.join(root, 'index.html'), html);
    await writeFile(path.join(root, 'index.html.br'), brotliCompressSync(html));
    const response = await app.inject({ url: '/c/abc', headers: { 'accept-encoding': 'br' } });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-encoding']).toBe('br');
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.headers['content-security-policy']).toBeDefined();
    expect(response.headers['cache-control']).toBe('no-cache');
    expect(brotliDecompressSync(response.rawPayload).toString()).toBe(html);
  });

  it('does not swallow 404s of the API, /v1 or missing files', async () => {
    for (const url of ['/v1/nope', '/api/nope', '/api', '/metrics/x', '/assets/missing.js']) {
      const response = await app.inject(url);
      expect(response.statusCode, url).toBe(404);
      expect(response.json().error.code, url).toBe('unknown_url');
    }
    expect((await app.inject('/v1/models')).statusCode).toBe(200);
    expect((await app.inject('/healthz')).json()).toEqual({ status: 'ok' });
    expect((await app.inject({ method: 'POST', url: '/c/abc' })).statusCode).toBe(404);
  });

  it('never serves files outside the root', async () => {
    for (const url of ['/..%2fpackage.json', '/assets/..%2f..%2fetc%2fpasswd', '/%2e%2e/x.js']) {
      const response = await app.inject(url);
      expect(response.statusCode, url).not.toBe(500);
      expect(response.body, url).not.toContain('root:');
    }
  });

  it('finds web/dist from the source and the compiled file alike', () => {
    expect(builtWebRoot).toBe(path.resolve('web/dist'));
  });

  it('explains how to build the UI when web/dist is missing', async () => {
    const bare = await buildApp(path.join(root, 'missing'));
    try {
      const response = await bare.inject('/');
      expect(response.statusCode).toBe(200);
      expect(response.body).toContain('npm run build:web');
      expect(response.headers['content-security-policy']).toBeDefined();
      expect((await bare.inject('/v1/models')).statusCode).toBe(200);
    } finally {
      await bare.close();
    }
  });
});
