// A long conversation in Chromium: it opens on its newest messages (the branch's end comes
// first, `?tail=`), and the rest of the tree follows: scrolling up reaches the first message,
// and a search hit far above the end is scrolled to and highlighted.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedConversation } from '../../bench/web/seed.js';
import { addSessionCookie, hasChromium, launchChromium, newContext } from '../helpers/browser.js';
import { messages } from '../helpers/chat-page.js';
import { signIn, type SignedIn } from '../helpers/sign-in.js';
import { startWebServer, type WebServer } from '../helpers/web-server.js';

const run = hasChromium('browser long chat');

// Well past the 40 messages a chat opens with.
const turns = 90;

describe.runIf(run)('a long conversation (Chromium)', () => {
  let server: WebServer;
  let browser: Browser;
  let owner: SignedIn;
  let conversationId: string;
  const contexts: BrowserContext[] = [];

  async function openChat(
    query = '',
  ): Promise<{ page: Page; requests: string[]; authRequests: () => number }> {
    const context = await newContext(browser);
    contexts.push(context);
    await addSessionCookie(context, server.url, owner.headers.cookie);
    const page = await context.newPage();
    const requests: string[] = [];
    let authStates = 0;
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.pathname.startsWith('/api/conversations/')) requests.push(url.pathname + url.search);
      if (url.pathname === '/api/auth/state') authStates += 1;
    });
    await page.goto(`${server.url}/c/${conversationId}${query}`);
    return { page, requests, authRequests: () => authStates };
  }

  beforeAll(async () => {
    [server, browser] = await Promise.all([startWebServer(), launchChromium()]);
    const db = server.runtime.store.db;
    owner = await signIn(db, { role: 'owner' });
    const transcript = Array.from({ length: turns }, (_, index) => [
      { role: 'user' as const, content: `Question ${index + 1}` },
      { role: 'assistant' as const, content: `Answer number ${index + 1}.` },
    ]).flat();
    ({ id: conversationId } = await seedConversation(db, owner.user.id, 'Long', transcript));
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await server?.close();
  });

  it('opens on the newest message, then scrolls up to the very first', async () => {
    const { page, requests, authRequests } = await openChat();
    await messages(page, 'Assistant').getByText(`Answer number ${turns}.`).waitFor();
    expect(requests[0]).toMatch(/\?tail=\d+$/);
    // The server preloads the first answers (a Link header on the HTML) and the page's own
    // requests take them: had they differed in any way, the browser would have asked twice.
    expect(requests.filter((request) => request.includes('?tail='))).toHaveLength(1);
    expect(authRequests()).toBe(1);
    const region = page.getByRole('region', { name: 'Messages' });
    await region.focus();
    const first = messages(page, 'You').getByText('Question 1', { exact: true });
    // Home jumps up; the list measures the rows it meets on the way, so it may take a few.
    for (let attempt = 0; attempt < 20 && !(await first.isVisible()); attempt += 1) {
      await page.keyboard.press('Home');
      await page.waitForTimeout(150);
    }
    expect(await first.isVisible()).toBe(true);
    expect(requests).toContain(`/api/conversations/${conversationId}`);
  });

  it('scrolls to a search hit far above the end and highlights it', async () => {
    const hit = await server.runtime.store.db
      .selectFrom('messages')
      .select('id')
      .where('conversation_id', '=', conversationId)
      .where('content', '=', 'Question 3')
      .executeTakeFirstOrThrow();
    const { page } = await openChat(`?m=${hit.id}`);
    const highlighted = page.locator('article[aria-current="true"]');
    await highlighted.getByText('Question 3', { exact: true }).waitFor();
    await expect.poll(() => highlighted.isVisible()).toBe(true);
    expect(await highlighted.boundingBox()).not.toBeNull();
  });
});
