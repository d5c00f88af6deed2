// `salon models pull` and `salon models list` as a user runs them, against a local HTTP server
// standing in for Hugging Face (no machine here reaches it) and serving the shared tiny model.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { hasTinyModel, tinyModelPath } from './helpers/shared-files.js';
import { spawnSalon } from './helpers/salon-process.js';

const run = hasTinyModel('salon models pull');
// Where the catalog's `mistral-7b-instruct` lives under the Hugging Face endpoint.
const catalogPath =
  '/bartowski/Mistral-7B-Instruct-v0.3-GGUF/resolve/main/Mistral-7B-Instruct-v0.3-Q4_K_M.gguf';

describe.runIf(run)('salon models pull and list', () => {
  let model: Buffer;
  let server: http.Server;
  let origin: string;
  const ranges: (string | undefined)[] = [];
  const paths: (string | undefined)[] = [];
  let stalled = false;

  beforeAll(async () => {
    model = readFileSync(tinyModelPath);
    server = http.createServer((request, response) => {
      const range = request.headers.range;
      ranges.push(range);
      paths.push(request.url);
      // The first whole-file request for /stall/ sends half the file and then nothing more, as
      // a connection that hangs; later ones (resumes) are answered.
      if (request.url === '/stall/model.gguf' && !range && !stalled) {
        stalled = true;
        response.writeHead(200, { 'content-length': model.length });
        response.write(model.subarray(0, model.length / 2));
        return;
      }
      const start = Number(/^bytes=(\d+)-$/.exec(range ?? '')?.[1] ?? 0);
      const headers = { 'content-length': model.length - start };
      if (start === 0) response.writeHead(200, headers).end(model);
      else {
        const contentRange = `bytes ${start}-${model.length - 1}/${model.length}`;
        response.writeHead(206, { ...headers, 'content-range': contentRange });
        response.end(model.subarray(start));
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  });

  const dataDir = () => mkdtempSync(path.join(os.tmpdir(), 'salon-cli-models-'));
  const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

  it('pulls a catalog model through the Hugging Face endpoint, with progress, then lists it', async () => {
    const dir = dataDir();
    const env = { SALON_HF_ENDPOINT: origin };
    const pulled = await spawnSalon(
      ['models', 'pull', 'mistral-7b-instruct', '--data-dir', dir],
      env,
    ).exit;
    const file = path.join(dir, 'models', 'Mistral-7B-Instruct-v0.3-Q4_K_M.gguf');
    expect(pulled).toMatchObject({ status: 0, stdout: `${file}\n` });
    expect(paths).toContain(catalogPath);
    // Not a terminal: one progress line per tenth, then the checksum.
    expect(pulled.stderr).toMatch(/Mistral-7B-Instruct-v0\.3-Q4_K_M\.gguf: 100% /);
    expect(pulled.stderr).toContain(`sha256 ${sha256(model)}`);
    expect(readFileSync(file).equals(model)).toBe(true);

    const listed = await spawnSalon(['models', 'list', '--json', '--data-dir', dir]).exit;
    expect(listed.status).toBe(0);
    const { local, catalog } = JSON.parse(listed.stdout) as {
      local: { id: string; sizeBytes: number }[];
      catalog: { id: string; downloaded: boolean }[];
    };
    expect(local).toMatchObject([
      { id: 'Mistral-7B-Instruct-v0.3-Q4_K_M', sizeBytes: model.length },
    ]);
    expect(catalog.find((entry) => entry.id === 'mistral-7b-instruct')?.downloaded).toBe(true);
    expect(catalog.find((entry) => entry.id === 'mistral-nemo')?.downloaded).toBe(false);
  });

  it('installs nothing when the file does not match --sha256', async () => {
    const dir = dataDir();
    const wrong = '0'.repeat(64);
    const pulled = await spawnSalon([
      'models',
      'pull',
      `${origin}/files/model.gguf`,
      '--sha256',
      wrong,
      '--data-dir',
      dir,
    ]).exit;
    expect(pulled.status).toBe(1);
    expect(pulled.stdout).toBe('');
    expect(pulled.stderr).toMatch(new RegExp(`salon models pull: .*${wrong}`));
    expect(readdirSync(path.join(dir, 'models'))).toEqual([]);
  });

  it('keeps the partial file on Ctrl-C, and the same command resumes it where it stopped', async () => {
    const dir = dataDir();
    const args = ['models', 'pull', `${origin}/stall/model.gguf`, '--data-dir', dir];
    const partial = path.join(dir, 'models', 'model.gguf.partial');
    const first = spawnSalon(args);
    const half = model.length / 2;
    await vi.waitFor(() => expect(existsSync(partial) && statSync(partial).size).toBe(half), {
      timeout: 30_000,
    });
    first.process.kill('SIGINT');
    const interrupted = await first.exit;
    expect(interrupted.status).toBe(130);
    expect(interrupted.stderr).toMatch(/Interrupted; run the same command again to resume/);
    expect(statSync(partial).size).toBe(half);
    expect(existsSync(path.join(dir, 'models', 'model.gguf'))).toBe(false);

    ranges.length = 0;
    const resumed = await spawnSalon(args).exit;
    expect(resumed.status).toBe(0);
    expect(ranges).toEqual([`bytes=${half}-`]);
    expect(readFileSync(path.join(dir, 'models', 'model.gguf')).equals(model)).toBe(true);
    expect(existsSync(partial)).toBe(false);
  });
});
