// The full Markdown parser is a lazy chunk: a chat whose replies the light reader reads never
// downloads it, and a reply that only the full parser reads is rendered by it once it has
// loaded (its text shown as written meanwhile), links and all.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedConversation } from '../../bench/web/seed.js';
import { addSessionCookie, hasChromium, launchChromium, newContext } from '../helpers/browser.js';
import { messages } from '../helpers/chat-page.js';
import { signIn, type SignedIn } from '../helpers/sign-in.js';
import { startWebServer, type WebServer } from '../helpers/web-server.js';

const run = hasChromium('browser Markdown loading');

const fullParserChunk = /\/assets\/full-markdown-[\w-]+\.js$/;

describe.runIf(run)('loading the full Markdown parser (Chromium)', () => {
  let server: WebServer;
  let browser: Browser;
  let owner: SignedIn;
  const contexts: BrowserContext[] = [];

  /** Opens a new chat of these replies in a fresh profile; lists the scripts it loads. */
  async function openChat(replies: string[]): Promise<{ page: Page; scripts: string[] }> {
    const transcript = replies.flatMap((content, index) => [
      { role: 'user' as const, content: `Question ${index + 1}` },
      { role: 'assistant' as const, content },
    ]);
    const { id } = await seedConversation(server.runtime.store.db, owner.user.id, 'Md', transcript);
    const context = await newContext(browser);
    contexts.push(context);
    await addSessionCookie(context, server.url, owner.headers.cookie);
    const page = await context.newPage();
    const scripts: string[] = [];
    page.on('request', (request) => {
      if (request.resourceType() === 'script') scripts.push(new URL(request.url()).pathname);
    });
    await page.goto(`${server.url}/c/${id}`);
    return { page, scripts };
  }

  beforeAll(async () => {
    [server, browser] = await Promise.all([startWebServer(), launchChromium()]);
    owner = await signIn(server.runtime.store.db, { role: 'owner' });
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await server?.close();
  });

  it('never loads it for replies the light reader reads', async () => {
    const { page, scripts } = await openChat([
      'Plain words.',
      '## Steps\n\n1. **Build** it\n2. Run `npm start`\n\n| a | b |\n| - | - |\n| 1 | 2 |',
    ]);
    const reply = messages(page, 'Assistant').last();
    await reply.getByRole('heading', { name: 'Steps' }).waitFor();
    expect(await reply.locator('strong').textContent()).toBe('Build');
    expect(await reply.getByRole('table').count()).toBe(1);
    // Long enough for what follows the first paint (rows kept ready, lazy chunks) to start.
    await page.waitForTimeout(1_000);
    expect(scripts.filter((script) => fullParserChunk.test(script))).toEqual([]);
    // …and not because the build has no such chunk.
    const built = readdirSync(path.resolve('web', 'dist', 'assets'));
    expect(built.some((file) => fullParserChunk.test(`/assets/${file}`))).toBe(true);
  });

  it('renders with it what only it reads', async () => {
    const { page, scripts } = await openChat([
      'See [the docs](https://example.com/docs) and\n\n> a quote',
    ]);
    const reply = messages(page, 'Assistant').last();
    const link = reply.getByRole('link', { name: 'the docs' });
    await link.waitFor();
    expect(await link.getAttribute('href')).toBe('https://example.com/docs');
    expect(await reply.locator('blockquote').textContent()).toContain('a quote');
    // Rendered, the Markdown syntax itself is gone.
    expect(await reply.textContent()).not.toContain('](https://');
    expect(scripts.filter((script) => fullParserChunk.test(script))).toHaveLength(1);
  });
});
