// The XSS corpus (xss-corpus.ts) replayed in real Chromium as model output (a fake hosted API
// answers with it), as the user's own message, as conversation titles and as folder names.
// Nothing may run (the `window.__xss` canary stays unset in every frame, no dialog opens, no
// CSP violation is even attempted), and the page may request nothing from any origin but its
// own: every request of the browser profile is recorded. The page itself is served under a
// strict Content-Security-Policy.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedConversation } from '../helpers/seed-chat.js';
import { addSessionCookie, hasChromium, launchChromium, newContext } from '../helpers/browser.js';
import { messages, sendMessage, waitForReplyEnd } from '../helpers/chat-page.js';
import { startFakeOpenAI, type FakeUpstream } from '../helpers/fake-openai.js';
import { signIn, type SignedIn } from '../helpers/sign-in.js';
import { salonConfig, startWebServer, type WebServer } from '../helpers/web-server.js';
import { attackerOrigin, xssCorpusMarkdown, xssOneLiners } from './xss-corpus.js';

const run = hasChromium('XSS corpus');

/** Records CSP violations from the first script on (an init script is not subject to CSP). */
const recordViolations = `
  window.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', (event) => {
    window.__cspViolations.push(event.violatedDirective + ' ' + event.blockedURI);
  });
`;

/** What payloads managed to do in a page: the canary in any frame, and CSP violations. */
async function effects(page: Page): Promise<{ xss: unknown[]; cspViolations: unknown[] }> {
  const xss: unknown[] = [];
  for (const frame of page.frames()) {
    const value = await frame.evaluate('window.__xss').catch(() => undefined);
    if (value !== undefined) xss.push(value);
  }
  const cspViolations = (await page.evaluate('window.__cspViolations')) as unknown[];
  return { xss, cspViolations };
}

describe.runIf(run)('the XSS corpus in Chromium', () => {
  let server: WebServer;
  let hostile: FakeUpstream;
  let titles: FakeUpstream;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let user: SignedIn;
  const dialogs: string[] = [];
  /** Every request the profile made to another origin than Salon's. */
  const foreign: string[] = [];
  const conversationIds: string[] = [];

  beforeAll(async () => {
    hostile = await startFakeOpenAI([{ kind: 'reply', text: xssCorpusMarkdown(), chunks: 16 }]);
    titles = await startFakeOpenAI([{ kind: 'reply', text: xssOneLiners[0]! }]);
    [server, browser] = await Promise.all([
      startWebServer({
        config: salonConfig({ upstreams: { chat: hostile.url, small: titles.url } }),
      }),
      launchChromium(),
    ]);
    const origin = new URL(server.url).origin;
    user = await signIn(server.runtime.store.db);
    // Titles and folder names come from the user (renaming) and so from anyone who can share.
    const api = (method: 'POST' | 'PATCH', url: string, payload: object) =>
      server.app.inject({ method, url, headers: user.headers, payload });
    for (const [index, payload] of xssOneLiners.entries()) {
      const folder = await api('POST', '/api/folders', { name: payload });
      expect(folder.statusCode, payload).toBe(201);
      const seeded = await seedConversation(server.runtime.store.db, user.user.id, {
        text: `seed ${index}`,
      });
      const renamed = await api('PATCH', `/api/conversations/${seeded.id}`, {
        title: payload,
        folderId: folder.json<{ id: string }>().id,
      });
      expect(renamed.statusCode, payload).toBe(200);
      conversationIds.push(seeded.id);
    }
    context = await newContext(browser);
    await context.addInitScript(recordViolations);
    context.on('request', (request) => {
      const url = new URL(request.url());
      if (/^(https?|wss?):$/.test(url.protocol) && url.origin !== origin) {
        foreign.push(request.url());
      }
    });
    context.on('page', (opened) =>
      opened.on('dialog', (dialog) => {
        dialogs.push(`${dialog.type()}: ${dialog.message()}`);
        void dialog.dismiss();
      }),
    );
    await addSessionCookie(context, server.url, user.headers.cookie);
    page = await context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await Promise.all([hostile?.close(), titles?.close()]);
  });

  it('serves the app under a strict Content-Security-Policy', async () => {
    const response = await page.goto(server.url);
    const directives = new Map(
      (response?.headers()['content-security-policy'] ?? '')
        .split(';')
        .map((directive) => directive.trim().split(/\s+/))
        .map(([name, ...values]) => [name!, values]),
    );
    // Scripts only from Salon's own files: no inline script, no eval, no other host.
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('default-src')).toEqual(["'self'"]);
    expect(directives.get('connect-src')).toEqual(["'self'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('base-uri')).toEqual(["'none'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    // Images: Salon's own and inline data only, never a remote host (Markdown exfiltration).
    expect(directives.get('img-src')).toEqual(["'self'", 'data:']);
  });

  it('runs nothing and fetches nothing foreign, as model output and as user text', async () => {
    await sendMessage(page, xssCorpusMarkdown());
    await waitForReplyEnd(page);
    const reply = messages(page, 'Assistant');
    await reply.getByText('END OF CORPUS').waitFor();
    await messages(page, 'You').getByText('END OF CORPUS').waitFor();
    // Bait that needs a user: click what were script links, hover the handler bait.
    for (const text of ['js link', 'mixed case', 'data link', 'data b64', 'ref link', 'entity']) {
      const link = reply.getByText(text, { exact: true });
      if (await link.count()) await link.first().click();
    }
    await reply.getByText('hover bait').first().hover();
    await page.waitForTimeout(500); // for a stray handler or load to fire
    expect(await effects(page)).toEqual({ xss: [], cspViolations: [] });
    expect(context.pages()).toHaveLength(1); // no link opened a window
    expect(dialogs).toEqual([]);
    expect(foreign).toEqual([]);
  });

  it('runs nothing and fetches nothing foreign, as conversation titles and folder names', async () => {
    await page.goto(server.url);
    const sidebar = page.getByRole('navigation', { name: 'Conversations' });
    // Every folder name is listed as text; open each, so that its conversations' titles render.
    for (const payload of xssOneLiners) {
      const folder = sidebar.getByText(payload, { exact: true }).first();
      await folder.waitFor();
      await folder.click();
    }
    for (const id of conversationIds) {
      await page.goto(`${server.url}/c/${id}`);
      await messages(page, 'Assistant').first().waitFor();
      expect(await effects(page)).toEqual({ xss: [], cspViolations: [] });
    }
    // The last one's title is the page's title, as text.
    expect(await page.title()).toContain(xssOneLiners.at(-1)!);
    await page.waitForTimeout(300);
    expect(dialogs).toEqual([]);
    expect(foreign).toEqual([]);
    expect(foreign.some((url) => url.startsWith(attackerOrigin))).toBe(false);
  });
});
