// The web UI in a real browser against the real /api over a scripted upstream: the contract
// names, streaming, Stop, reconnect after a network drop, reopening a streaming chat,
// branches, sanitized Markdown, the CSP, and axe-core.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAxe, serious } from '../helpers/axe.js';
import { hasChromium, launchChromium, newContext } from '../helpers/browser.js';
import { startFakeOpenAI, type FakeUpstream } from '../helpers/fake-openai.js';
import { salonConfig, startWebServer, type WebServer } from '../helpers/web-server.js';

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

/** Logs CSP violations to the console, where the suite collects them (init scripts escape CSP). */
const reportViolations = `
  document.addEventListener('securitypolicyviolation', (event) =>
    console.error('CSP violation: ' + event.violatedDirective),
  );
`;

describe.runIf(hasChromium('web UI e2e'))('web UI in Chromium', () => {
  let chat: FakeUpstream;
  let titles: FakeUpstream;
  let server: WebServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    chat = await startFakeOpenAI([{ kind: 'reply', text: reply, chunks: 40, chunkDelayMs: 60 }]);
    titles = await startFakeOpenAI([{ kind: 'reply', text: '"A tour"' }]);
    [server, browser] = await Promise.all([
      startWebServer({ config: salonConfig({ upstreams: { chat: chat.url, small: titles.url } }) }),
      launchChromium(),
    ]);
    context = await newContext(browser);
    await context.addInitScript(reportViolations);
    page = await context.newPage();
    page.on('console', (message) => {
      if (message.text().startsWith('CSP violation')) problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await chat?.close();
    await titles?.close();
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
    const response = await page.goto(server.url);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.getByLabel('Email').fill('owner@example.com');
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByRole('button', { name: 'Create owner account' }).click();
    await message().waitFor();
    const picker = page.getByRole('combobox', { name: 'Model' });
    await expect.poll(() => picker.inputValue()).toBe('chat'); // once /api/models answered
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
    await page.goto(server.url);
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
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      const violations = serious(await runAxe(page));
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
