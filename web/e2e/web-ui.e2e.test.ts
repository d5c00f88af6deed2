// The web UI in a real browser against the real /api over a scripted upstream: the contract
// names, streaming, Stop, reconnect after a network drop, reopening a streaming chat,
// branches, sanitized Markdown, the CSP, and axe-core. Needs Chromium and a built web/dist.
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveSettings } from '../../src/config/settings.js';
import { installErrorHandler } from '../../src/server/error-handler.js';
import { apiRoutes } from '../../src/server/routes/api/index.js';
import { openRuntime } from '../../src/server/runtime.js';
import { builtWebRoot, webUi } from '../../src/server/web-ui.js';
import { startFakeOpenAI, type FakeUpstream } from '../../tests/helpers/fake-openai.js';
import { canRun } from '../../tests/helpers/shared-files.js';

const chromiumPath = process.env.SALON_CHROMIUM ?? '/usr/bin/chromium';
const reply = [
  'A [safe link](https://mistral.ai), a [bad one](javascript:alert(1)) and ![a cat](https://example.com/cat.png).',
  '',
  '| a | b |',
  '| - | - |',
  '| 1 | 2 |',
  '',
  '```ts',
  'const answer = 42;',
  '```',
  '',
  "Euler: $e^{i\\pi} + 1 = 0$. <script>alert('x')</script> stays text.",
].join('\n');

const runnable =
  canRun('web UI e2e', existsSync(chromiumPath), `no Chromium at ${chromiumPath}`) &&
  canRun('web UI e2e', existsSync(path.join(builtWebRoot, 'index.html')), 'run npm run build:web');

describe.runIf(runnable)('web UI in Chromium', () => {
  let dataDir: string;
  let chat: FakeUpstream;
  let titles: FakeUpstream;
  let runtime: Awaited<ReturnType<typeof openRuntime>>;
  let app: FastifyInstance;
  let base: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'salon-web-e2e-'));
    chat = await startFakeOpenAI([{ kind: 'reply', text: reply, chunks: 40, chunkDelayMs: 60 }]);
    titles = await startFakeOpenAI([{ kind: 'reply', text: '"A tour"' }]);
    const config = path.join(dataDir, 'salon.yaml');
    await writeFile(
      config,
      [
        'providers:',
        `  chat: { type: openai, base_url: "${chat.url}", timeout: 10 }`,
        `  titles: { type: openai, base_url: "${titles.url}", timeout: 10 }`,
        'models:',
        '  - { name: chat, targets: [{ provider: chat, model: fake-chat }] }',
        '  - { name: small, targets: [{ provider: titles, model: fake-small }] }',
        '',
      ].join('\n'),
    );
    const settings = resolveSettings({ dataDir, config }, {});
    runtime = await openRuntime(settings);
    app = Fastify();
    installErrorHandler(app, settings.bodyLimit);
    await app.register(async (scope) => apiRoutes(scope, runtime));
    await webUi(app, { root: builtWebRoot });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
      ],
    });
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.addInitScript(() =>
      document.addEventListener('securitypolicyviolation', (event) =>
        console.error(`CSP violation: ${event.violatedDirective}`),
      ),
    );
    page = await context.newPage();
    page.on('console', (message) => {
      if (message.text().startsWith('CSP violation')) problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await runtime?.close();
    await chat?.close();
    await titles?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const message = () => page.getByRole('textbox', { name: 'Message' });
  const lastReply = () => page.getByRole('article', { name: 'Assistant' }).last();
  const finished = () => page.getByRole('button', { name: 'Send' }).waitFor({ timeout: 20_000 });
  async function send(text: string) {
    await message().fill(text);
    await message().press('Enter');
    await page.getByRole('button', { name: 'Stop' }).waitFor();
  }

  it('creates the owner on first run, then shows the chat with its contract names', async () => {
    const response = await page.goto(base);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.getByLabel('Email').fill('owner@example.com');
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByRole('button', { name: 'Create owner account' }).click();
    await message().waitFor();
    expect(await page.getByRole('combobox', { name: 'Model' }).inputValue()).toBe('chat');
    expect(await page.getByRole('button', { name: 'Send' }).isDisabled()).toBe(true);
  });

  it('streams a reply as sanitized Markdown, with Stop while generating', async () => {
    await send('Hello');
    await finished();
    const text = await lastReply().innerText();
    expect(text).toContain("<script>alert('x')</script> stays text.");
    expect(text).toContain('[image: a cat]');
    expect(await page.locator('a[href^="javascript"]').count()).toBe(0);
    expect(await page.locator('.message img').count()).toBe(0);
    expect(await page.locator('.message table').count()).toBe(1);
    await page.locator('.katex').first().waitFor();
    expect(page.url()).toMatch(/\/c\/[^/]+$/);
  });

  it('stops a reply with Escape', async () => {
    await send('Stop soon');
    await page.waitForTimeout(400);
    await page.keyboard.press('Escape');
    await finished();
    await expect.poll(() => lastReply().innerText()).toContain('Stopped.');
  });

  it('continues the text after a network drop, without gap or duplicate', async () => {
    const full = (
      await page
        .getByRole('article', { name: 'Assistant' })
        .first()
        .locator('.markdown')
        .innerText()
    ).trim();
    await send('Drop');
    await page.waitForTimeout(500);
    await context.setOffline(true);
    await page.waitForTimeout(1_200);
    await context.setOffline(false);
    await finished();
    await expect
      .poll(async () => (await lastReply().locator('.markdown').innerText()).trim())
      .toBe(full);
  });

  it('follows a run live when a chat is reopened while streaming', async () => {
    const url = page.url();
    await send('Reopen');
    await page.waitForTimeout(500);
    await page.goto(base);
    await page.goto(url);
    await page.getByRole('button', { name: 'Stop' }).waitFor();
    await finished();
    await expect.poll(() => lastReply().innerText()).toContain('stays text.');
  });

  it('regenerates into siblings and remembers the branch shown', async () => {
    await lastReply().getByRole('button', { name: 'Regenerate' }).click();
    await page.getByRole('button', { name: 'Stop' }).waitFor();
    await finished();
    expect(await lastReply().locator('.sibling-count').innerText()).toBe('2/2');
    await lastReply().getByRole('button', { name: 'Previous version' }).click();
    expect(await lastReply().locator('.sibling-count').innerText()).toBe('1/2');
    await page.waitForTimeout(300);
    await page.reload();
    await expect.poll(() => lastReply().locator('.sibling-count').innerText()).toBe('1/2');
  });

  it('has no serious axe-core violations, light and dark', async () => {
    const axe = readFileSync(path.resolve('node_modules/axe-core/axe.min.js'), 'utf8');
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.evaluate(`${axe}\n;0`);
      const violations = await page.evaluate(async () => {
        const result = await (
          window as unknown as {
            axe: { run(): Promise<{ violations: Array<{ id: string; impact: string }> }> };
          }
        ).axe.run();
        return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      });
      expect(
        violations.map((v) => v.id),
        scheme,
      ).toEqual([]);
    }
  });

  it('signs out to a sign-in form with the contract names', async () => {
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await page.getByLabel('Email').fill('owner@example.com');
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await message().waitFor();
    expect(problems).toEqual([]);
  });
});
