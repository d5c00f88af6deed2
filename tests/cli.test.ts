// The `salon` command as outside scripts use it (DESIGN.md, "Contracts").
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { hasTinyModel, tinyModelPath } from './helpers/shared-files.js';
import { runSalon, startSalon, type SalonServer } from './helpers/salon-process.js';

const tempDir = () => mkdtempSync(path.join(os.tmpdir(), 'salon-cli-'));
const servers: SalonServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.stop('SIGKILL')));
});

describe('salon keys create', () => {
  it('prints one key and nothing else, and the key works on a server started later', async () => {
    const dataDir = tempDir();
    const created = runSalon(['keys', 'create', '--name', 'ci', '--data-dir', dataDir]);
    expect(created.status).toBe(0);
    expect(created.stdout).toMatch(/^sk-salon-[A-Za-z0-9]{32,}\n$/);
    const server = await startSalon(['--data-dir', dataDir]);
    servers.push(server);
    const client = new OpenAI({
      baseURL: `${server.url}/v1`,
      apiKey: created.stdout.trim(),
      maxRetries: 0,
    });
    const page = await client.models.list();
    expect(page.data).toEqual([]);
  });

  it('fails for an unknown user', () => {
    const result = runSalon([
      'keys',
      'create',
      '--name',
      'x',
      '--user',
      'ghost@example.com',
      '--data-dir',
      tempDir(),
    ]);
    expect(result.status).not.toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/ghost@example\.com/);
  });
});

describe('salon keys create with limits', () => {
  it('creates a virtual key with models, rates, a budget and an expiry, printing only the key', () => {
    const dataDir = tempDir();
    const created = runSalon([
      'keys',
      'create',
      '--name',
      'team',
      '--models',
      'small,large',
      '--rpm',
      '60',
      '--tpm',
      '1000',
      '--budget-usd',
      '5',
      '--budget-period',
      'day',
      '--expires',
      '30d',
      '--data-dir',
      dataDir,
    ]);
    expect(created.status).toBe(0);
    expect(created.stdout).toMatch(/^sk-salon-[A-Za-z0-9]{40}\n$/);
    const listed = runSalon(['keys', 'list', '--json', '--data-dir', dataDir]);
    const [key] = JSON.parse(listed.stdout) as { limits: unknown; expiresAt: string }[];
    expect(key!.limits).toEqual({
      models: ['small', 'large'],
      rpm: 60,
      tpm: 1000,
      budgetTokens: null,
      budgetUsd: 5,
      budgetPeriod: 'day',
    });
    const thirtyDays = Date.now() + 30 * 86_400_000;
    expect(Math.abs(Date.parse(key!.expiresAt) - thirtyDays)).toBeLessThan(120_000);
    const table = runSalon(['keys', 'list', '--data-dir', dataDir]).stdout;
    expect(table).toMatch(/models=small,large rpm=60 tpm=1000 budget=\$5\/day/);
  });

  it('exits with code 2 for a bad flag, naming it, and creates nothing', () => {
    const dataDir = tempDir();
    const bad: [string[], RegExp][] = [
      // Every case is in src/cli/key-flags.test.ts; these show the exit code and the message.
      [['--rpm', 'lots'], /--rpm: 'lots' is not a whole number/],
      [['--budget-tokens', '10', '--budget-period', 'week'], /--budget-period: 'week'/],
      [['--expires', 'next tuesday'], /--expires: 'next tuesday' is not an ISO date/],
    ];
    for (const [flags, message] of bad) {
      const result = runSalon(['keys', 'create', '--name', 'x', ...flags, '--data-dir', dataDir]);
      expect({ flags, status: result.status, stdout: result.stdout }).toEqual({
        flags,
        status: 2,
        stdout: '',
      });
      expect(result.stderr).toMatch(message);
    }
    expect(runSalon(['keys', 'list', '--json', '--data-dir', dataDir]).stdout.trim()).toBe('[]');
  });
});

describe('salon serve', () => {
  it('starts with no model and says how to get one, in the terminal and in /v1/models', async () => {
    const dataDir = tempDir();
    const key = runSalon(['keys', 'create', '--name', 'ci'], {
      SALON_DATA_DIR: dataDir,
    }).stdout.trim();
    const server = await startSalon([], { SALON_DATA_DIR: dataDir });
    servers.push(server);
    expect(server.stderr()).toMatch(/salon models pull/);
    const response = await fetch(`${server.url}/v1/models`, {
      headers: { authorization: `Bearer ${key}` },
    });
    const body = (await response.json()) as { data: unknown[]; message: string };
    expect(body.data).toEqual([]);
    expect(body.message).toMatch(/salon models pull mistral-7b-instruct/);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
  });

  it('exits with code 2 naming the bad key of a bad salon.yaml, before touching the data dir', () => {
    const dir = tempDir();
    const config = path.join(dir, 'salon.yaml');
    const dataDir = path.join(dir, 'data');
    const mistakes: [string, RegExp][] = [
      [
        'providers:\n  x:\n    type: bedrock\n',
        /providers\.x\.type: unknown provider type 'bedrock' \(one of openai, azure-openai, llama\)/,
      ],
      ['providers:\n  m:\n    type: openai\n', /providers\.m\.base_url: required/],
      [
        'models:\n  - name: small\n    targets: [{ provider: ghost }]\n',
        /models\[0\]\.targets\[0\]\.provider: unknown provider 'ghost'/,
      ],
      ['providers: [unclosed\n', /invalid YAML: .* at line 2, column 1/],
    ];
    for (const [text, message] of mistakes) {
      writeFileSync(config, text);
      const result = runSalon(['serve', '--config', config, '--data-dir', dataDir]);
      expect({ text, status: result.status, stdout: result.stdout }).toEqual({
        text,
        status: 2,
        stdout: '',
      });
      expect(result.stderr).toMatch(/^salon: configuration error: /);
      expect(result.stderr).toMatch(message);
    }
    const fromEnv = runSalon(['serve'], { SALON_CONFIG: config, SALON_DATA_DIR: dataDir });
    expect(fromEnv.status).toBe(2);
    expect(fromEnv.stderr).toMatch(/invalid YAML/);
    expect(existsSync(dataDir)).toBe(false);
  });

  it.runIf(hasTinyModel('salon serve with SALON_MODEL'))(
    'serves SALON_MODEL, counts requests in /metrics and stops cleanly on SIGTERM',
    async () => {
      const dataDir = tempDir();
      const key = runSalon(['keys', 'create', '--name', 'ci', '--data-dir', dataDir]).stdout.trim();
      const server = await startSalon(['--data-dir', dataDir], { SALON_MODEL: tinyModelPath });
      const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: key, maxRetries: 0 });
      const reply = await client.chat.completions.create({
        model: 'llama-2-tiny-random',
        messages: [{ role: 'user', content: 'hi' }],
        max_tokens: 5,
      });
      expect(reply.usage!.completion_tokens).toBe(5);
      const chat = runSalon(
        ['chat', '--url', server.url, '--model', 'small', '--max-tokens', '6'],
        { SALON_API_KEY: key },
        'Bonjour\n/exit\n',
      );
      expect(chat.status).toBe(0);
      expect(chat.stdout.replace(/› /g, '').trim().length).toBeGreaterThan(0);
      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      expect(metrics).toMatch(
        /salon_tokens_total\{model="llama-2-tiny-random",kind="completion"\} 5/,
      );
      expect(metrics).toMatch(
        /salon_time_to_first_token_seconds_count\{model="llama-2-tiny-random"\} 1/,
      );
      expect(metrics).toMatch(
        /salon_http_requests_total\{method="POST",route="\/v1\/chat\/completions",status="200"\} 2/,
      );
      expect(metrics).toMatch(
        /salon_http_request_duration_seconds_count\{method="POST",route="\/v1\/chat\/completions"\} 2/,
      );
      expect(await server.stop('SIGTERM')).toBe(0);
    },
  );
});

describe.runIf(hasTinyModel('salon chat'))('salon chat', () => {
  it('streams a reply in the terminal, in process', () => {
    const result = runSalon(
      ['chat', '--max-tokens', '8', '--data-dir', tempDir()],
      { SALON_MODEL: tinyModelPath },
      'Hello\n/exit\n',
    );
    expect(result.status).toBe(0);
    expect(result.stderr).toMatch(/Chatting with 'small'/);
    expect(result.stdout.replace(/› /g, '').trim().length).toBeGreaterThan(0);
  });
});
