import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { hasTinyModel, tinyModelPath } from '../../tests/helpers/shared-files.js';
import { pullModel } from './pull.js';
import type { PullProgress } from './pull.js';

const haveModel = hasTinyModel('model pull');

/** One request as the test server saw it. */
interface Seen {
  path: string;
  range?: string;
  authorization?: string;
}

/** A file server with the misbehaviours a pull must survive. */
interface TestServer {
  origin: string;
  seen: Seen[];
  /** Where `/cross/…` redirects to (another origin). */
  otherOrigin?: string;
  reset(): void;
  close(): Promise<void>;
}

const cutAfter = 600_000;
const notGgufBody = Buffer.from('<!doctype html><title>Sign in</title>'.repeat(50));

async function startServer(model: Buffer): Promise<TestServer> {
  let cutDone = false;
  const seen: Seen[] = [];
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://test');
    seen.push({
      path: url.pathname,
      range: request.headers.range,
      authorization: request.headers.authorization,
    });
    const [, route, etag] = url.pathname.split('/');
    if (route === 'redirect') {
      response.writeHead(302, { location: '/files/model.gguf' }).end();
    } else if (route === 'linked') {
      // As Hugging Face's /resolve/ answers for an LFS file: the sha256 beside the CDN redirect.
      const headers = { location: '/files/model.gguf', 'x-linked-etag': `"${etag}"` };
      response.writeHead(302, headers).end();
    } else if (route === 'cross') {
      response.writeHead(302, { location: `${state.otherOrigin}/files/model.gguf` }).end();
    } else if (route === 'cut' && !cutDone) {
      cutDone = true;
      response.writeHead(200, { 'content-length': model.length });
      response.write(model.subarray(0, cutAfter));
      // Let the bytes reach the client before the connection drops mid-body.
      setTimeout(() => request.socket.destroy(), 100);
    } else if (route === 'norange') {
      response.writeHead(200, { 'content-length': model.length }).end(model);
    } else if (route === 'text') {
      response.writeHead(200, { 'content-type': 'text/html' }).end(notGgufBody);
    } else {
      serveRange(request, response, model);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const state: TestServer = {
    origin: `http://127.0.0.1:${port}`,
    seen,
    reset: () => {
      seen.length = 0;
      cutDone = false;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  return state;
}

function serveRange(request: http.IncomingMessage, response: http.ServerResponse, data: Buffer) {
  const match = /^bytes=(\d+)-$/.exec(request.headers.range ?? '');
  if (!match) {
    response.writeHead(200, { 'content-length': data.length }).end(data);
    return;
  }
  const start = Number(match[1]);
  if (start >= data.length) {
    response.writeHead(416, { 'content-range': `bytes */${data.length}` }).end();
    return;
  }
  response
    .writeHead(206, {
      'content-range': `bytes ${start}-${data.length - 1}/${data.length}`,
      'content-length': data.length - start,
    })
    .end(data.subarray(start));
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

describe.skipIf(!haveModel)('pullModel', () => {
  let model: Buffer;
  let modelSha: string;
  let server: TestServer;
  let other: TestServer;
  let modelsDir: string;

  beforeAll(async () => {
    model = await readFile(tinyModelPath);
    modelSha = sha256(model);
    server = await startServer(model);
    other = await startServer(model);
    server.otherOrigin = other.origin;
  });
  afterAll(async () => {
    await server?.close();
    await other?.close();
  });
  beforeEach(async () => {
    server.reset();
    other.reset();
    modelsDir = await mkdtemp(path.join(os.tmpdir(), 'salon-pull-'));
  });
  afterEach(async () => {
    await rm(modelsDir, { recursive: true, force: true });
  });

  const finalPath = () => path.join(modelsDir, 'model.gguf');
  const partialPath = () => `${finalPath()}.partial`;

  it('downloads a byte-identical file and reports progress', async () => {
    const events: PullProgress[] = [];
    const result = await pullModel({
      spec: `${server.origin}/files/model.gguf`,
      modelsDir,
      onProgress: (progress) => events.push(progress),
    });
    expect(result).toEqual({ path: finalPath(), bytes: model.length, sha256: modelSha });
    expect(sha256(await readFile(result.path))).toBe(modelSha);
    expect(await readdir(modelsDir)).toEqual(['model.gguf']);
    expect(events.at(-1)).toEqual({
      phase: 'download',
      bytes: model.length,
      totalBytes: model.length,
    });
    const bytes = events.map((event) => event.bytes);
    expect(bytes).toEqual([...bytes].sort((a, b) => a - b));
  });

  it('follows a redirect like the one to the Hugging Face CDN', async () => {
    const result = await pullModel({ spec: `${server.origin}/redirect/model.gguf`, modelsDir });
    expect(result.sha256).toBe(modelSha);
    expect(server.seen.map((request) => request.path)).toEqual([
      '/redirect/model.gguf',
      '/files/model.gguf',
    ]);
  });

  it('keeps the partial file when interrupted and resumes it with a Range request', async () => {
    const spec = `${server.origin}/cut/model.gguf`;
    await expect(pullModel({ spec, modelsDir })).rejects.toMatchObject({
      code: 'upstream_error',
    });
    expect(existsSync(finalPath())).toBe(false);
    const kept = (await stat(partialPath())).size;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThanOrEqual(cutAfter);

    const result = await pullModel({ spec, modelsDir, sha256: modelSha });
    expect(server.seen.at(-1)).toMatchObject({ path: '/cut/model.gguf', range: `bytes=${kept}-` });
    expect(result.sha256).toBe(modelSha);
    expect(sha256(await readFile(finalPath()))).toBe(modelSha);
    expect(existsSync(partialPath())).toBe(false);
  });

  it('starts over when the server ignores the Range header', async () => {
    await writeFile(partialPath(), model.subarray(0, 1000));
    const result = await pullModel({ spec: `${server.origin}/norange/model.gguf`, modelsDir });
    expect(server.seen[0]?.range).toBe('bytes=1000-');
    expect(result).toMatchObject({ bytes: model.length, sha256: modelSha });
    expect(sha256(await readFile(finalPath()))).toBe(modelSha);
  });

  it('treats 416 on a complete partial file as done', async () => {
    await writeFile(partialPath(), model);
    const result = await pullModel({ spec: `${server.origin}/files/model.gguf`, modelsDir });
    expect(server.seen).toHaveLength(1);
    expect(server.seen[0]?.range).toBe(`bytes=${model.length}-`);
    expect(result.sha256).toBe(modelSha);
    expect(existsSync(partialPath())).toBe(false);
  });

  it('installs nothing and deletes the partial when the sha256 does not match', async () => {
    const spec = `${server.origin}/files/model.gguf`;
    await expect(pullModel({ spec, modelsDir, sha256: '0'.repeat(64) })).rejects.toMatchObject({
      code: 'model_checksum_mismatch',
    });
    expect(await readdir(modelsDir)).toEqual([]);
  });

  it("checks the file against Hugging Face's X-Linked-Etag when no sha256 is given", async () => {
    const vouched = await pullModel({
      spec: `${server.origin}/linked/${modelSha}/m.gguf`,
      modelsDir,
    });
    expect(vouched.sha256).toBe(modelSha);
    await rm(vouched.path);
    const other = 'ab'.repeat(32);
    const spec = `${server.origin}/linked/${other}/m.gguf`;
    const error = await pullModel({ spec, modelsDir }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'model_checksum_mismatch' });
    expect((error as Error).message).toContain(`expected ${other}`);
    expect(await readdir(modelsDir)).toEqual([]);
    // A git blob's sha1 (a small file's ETag) is no sha256: nothing to check against.
    const sha1 = 'c'.repeat(40);
    const result = await pullModel({ spec: `${server.origin}/linked/${sha1}/m.gguf`, modelsDir });
    expect(result.sha256).toBe(modelSha);
  });

  it('catches a corrupt partial file through the checksum on resume', async () => {
    const corrupt = Buffer.from(model.subarray(0, 5000));
    corrupt[4000] = corrupt[4000]! ^ 0xff;
    await writeFile(partialPath(), corrupt);
    const spec = `${server.origin}/files/model.gguf`;
    await expect(pullModel({ spec, modelsDir, sha256: modelSha })).rejects.toMatchObject({
      code: 'model_checksum_mismatch',
    });
    expect(await readdir(modelsDir)).toEqual([]);
    const result = await pullModel({ spec, modelsDir, sha256: modelSha });
    expect(result.sha256).toBe(modelSha);
  });

  it('rejects a response that is not GGUF', async () => {
    const error = await pullModel({ spec: `${server.origin}/text/model.gguf`, modelsDir }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toMatchObject({ code: 'model_not_gguf' });
    expect((error as Error).message).toMatch(/GGUF/);
    expect(await readdir(modelsDir)).toEqual([]);
  });

  it('sends an hf: spec to SALON_HF_ENDPOINT with HF_TOKEN', async () => {
    const env = { SALON_HF_ENDPOINT: server.origin, HF_TOKEN: 'hf_secret' };
    await pullModel({ spec: 'hf:owner/repo/model.gguf', modelsDir, env });
    expect(server.seen).toEqual([
      { path: '/owner/repo/resolve/main/model.gguf', authorization: 'Bearer hf_secret' },
    ]);
    await rm(finalPath());
    await pullModel({ spec: 'hf:owner/repo/model.gguf@v1.0', modelsDir, env });
    expect(server.seen.at(-1)?.path).toBe('/owner/repo/resolve/v1.0/model.gguf');
  });

  it('does not forward HF_TOKEN when a redirect leaves the endpoint', async () => {
    const env = { SALON_HF_ENDPOINT: server.origin, HF_TOKEN: 'hf_secret' };
    const result = await pullModel({ spec: 'hf:cross/repo/model.gguf', modelsDir, env });
    expect(result.sha256).toBe(modelSha);
    expect(server.seen[0]?.authorization).toBe('Bearer hf_secret');
    expect(other.seen).toEqual([{ path: '/files/model.gguf' }]);
  });

  it('never sends HF_TOKEN to a plain URL elsewhere', async () => {
    const env = { SALON_HF_ENDPOINT: 'https://huggingface.co', HF_TOKEN: 'hf_secret' };
    await pullModel({ spec: `${server.origin}/files/model.gguf`, modelsDir, env });
    expect(server.seen[0]?.authorization).toBeUndefined();
  });

  it('returns a sound file already installed without downloading it again', async () => {
    const spec = `${server.origin}/files/model.gguf`;
    await pullModel({ spec, modelsDir });
    server.reset();
    const result = await pullModel({ spec, modelsDir, sha256: modelSha.toUpperCase() });
    expect(result).toEqual({ path: finalPath(), bytes: model.length, sha256: modelSha });
    expect(server.seen).toEqual([]);
  });

  it('rejects a malformed sha256 before any request', async () => {
    const spec = `${server.origin}/files/model.gguf`;
    await expect(pullModel({ spec, modelsDir, sha256: 'abc' })).rejects.toMatchObject({
      code: 'invalid_sha256',
    });
    expect(server.seen).toEqual([]);
  });
});
