// DESIGN.md, "Durable runs", seen from Chromium: a reply is a run on the server, not an HTTP
// request. A slow fake hosted model streams numbered words; the network drops mid-reply and
// comes back (the page resumes with Last-Event-ID: no gap, no duplicate), the tab closes and
// reopens (the run lived on), and Stop keeps the text produced so far.
import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addSessionCookie, hasChromium, launchChromium, newContext } from '../helpers/browser.js';
import {
  conversationIdOf,
  messageBox,
  messages,
  sendMessage,
  shownText,
  stopButton,
  storedConversation,
  waitForReplyEnd,
  type StoredMessage,
} from '../helpers/chat-page.js';
import { startFakeOpenAI, type FakeUpstream } from '../helpers/fake-openai.js';
import { signIn } from '../helpers/sign-in.js';
import { salonConfig, startWebServer, type WebServer } from '../helpers/web-server.js';

const run = hasChromium('browser run resumption');

/** 60 numbered words, one per chunk: a gap or a duplicate shows in the sequence. */
const words = Array.from({ length: 60 }, (_, index) => `w${String(index + 1).padStart(3, '0')}`);
const fullText = words.map((word) => `${word} `).join('');
/** ~3 s per reply: long enough to act mid-run, short enough for the suite's budget. */
const chunkDelayMs = 50;

describe.runIf(run)('durable runs in the browser', () => {
  let server: WebServer;
  let slow: FakeUpstream;
  let titles: FakeUpstream;
  let browser: Browser;
  let context: BrowserContext;

  beforeAll(async () => {
    slow = await startFakeOpenAI([
      { kind: 'reply', text: fullText, chunks: words.length, chunkDelayMs },
    ]);
    titles = await startFakeOpenAI([{ kind: 'reply', text: 'Numbered words' }]);
    [server, browser] = await Promise.all([
      startWebServer({ config: salonConfig({ upstreams: { chat: slow.url, small: titles.url } }) }),
      launchChromium(),
    ]);
    const { cookie } = (await signIn(server.runtime.store.db, { role: 'owner' })).headers;
    context = await newContext(browser);
    await addSessionCookie(context, server.url, cookie);
  });

  afterAll(async () => {
    await context?.setOffline(false);
    await browser?.close();
    await server?.close();
    await Promise.all([slow?.close(), titles?.close()]);
  });

  /** Opens a new chat and sends a message; resolves once the reply has shown `word`. */
  async function startReply(page: Page, word: string): Promise<string> {
    await page.goto(server.url);
    await sendMessage(page, 'Count for me, slowly.');
    await messages(page, 'Assistant').getByText(word, { exact: false }).waitFor();
    return conversationIdOf(page);
  }

  async function storedReply(page: Page, chatId: string): Promise<StoredMessage> {
    const stored = await storedConversation(page, chatId);
    return stored.messages.find((message) => message.id === stored.conversation.selectedLeafId)!;
  }

  /** The reply's text: one paragraph of numbered words (a status note may follow it). */
  const replyParagraph = (page: Page) => messages(page, 'Assistant').getByRole('paragraph').first();

  /** The reply's text as shown, as words. */
  async function shownWords(page: Page): Promise<string[]> {
    return (await shownText(replyParagraph(page))).split(/\s+/).filter(Boolean);
  }

  it('resumes after the network drops mid-reply, with no gap and no duplicate', async () => {
    const page = await context.newPage();
    const follows: { lastEventId: string | undefined }[] = [];
    page.on('request', (request: Request) => {
      if (/\/api\/runs\/[^/]+\/events/.test(request.url())) {
        follows.push({ lastEventId: request.headers()['last-event-id'] });
      }
    });
    const chatId = await startReply(page, 'w010');

    // The network goes away: the browser is offline and its open connections die.
    await context.setOffline(true);
    expect(server.dropConnections()).toBeGreaterThan(0);
    await page.getByText('Connection lost, reconnecting…').waitFor();
    await page.waitForTimeout(10 * chunkDelayMs); // the run goes on without any client
    await context.setOffline(false);

    await waitForReplyEnd(page);
    const stored = await storedReply(page, chatId);
    expect(stored).toMatchObject({ status: 'complete', content: fullText });
    expect(await shownWords(page)).toEqual(words);
    expect(await shownText(replyParagraph(page))).toBe(stored.content.trim());
    // It did resume, from where it was: a later follow named the last event it had seen.
    expect(follows.length).toBeGreaterThan(1);
    expect(Number(follows.at(-1)!.lastEventId)).toBeGreaterThanOrEqual(10);
    await page.close();
  });

  it('finishes the reply on the server after the tab is closed, and shows it on return', async () => {
    const page = await context.newPage();
    const chatId = await startReply(page, 'w005');
    await page.close();
    // No browser follows the run now; it still completes and is stored.
    const api = await context.newPage();
    await api.goto(server.url);
    await expect
      .poll(async () => (await storedReply(api, chatId)).status, { timeout: 15_000, interval: 200 })
      .toBe('complete');
    await api.goto(`${server.url}/c/${chatId}`);
    await messageBox(api).waitFor();
    await messages(api, 'Assistant').getByText('w060').waitFor();
    expect(await shownWords(api)).toEqual(words);
    expect((await storedReply(api, chatId)).content).toBe(fullText);
    expect(await stopButton(api).count()).toBe(0);
    await api.close();
  });

  it('follows a reply still running when the chat is reopened mid-run', async () => {
    const page = await context.newPage();
    const chatId = await startReply(page, 'w005');
    await page.close();
    const reopened = await context.newPage();
    await reopened.goto(`${server.url}/c/${chatId}`);
    // Still generating: the reopened tab follows the run live, and can stop it.
    await stopButton(reopened).waitFor();
    await waitForReplyEnd(reopened);
    const stored = await storedReply(reopened, chatId);
    expect(stored).toMatchObject({ status: 'complete', content: fullText });
    expect(await shownWords(reopened)).toEqual(words);
    await reopened.close();
  });

  it('keeps the text produced so far when the user presses Stop', async () => {
    const page = await context.newPage();
    const chatId = await startReply(page, 'w010');
    await stopButton(page).click();
    await waitForReplyEnd(page);
    await messages(page, 'Assistant').getByText('Stopped.').waitFor();
    const stored = await storedReply(page, chatId);
    expect(stored.status).toBe('stopped');
    const kept = stored.content.split(/\s+/).filter(Boolean);
    expect(kept.length).toBeGreaterThanOrEqual(10);
    expect(kept.length).toBeLessThan(words.length);
    expect(kept).toEqual(words.slice(0, kept.length));
    expect(await shownWords(page)).toEqual(kept);
    // The run really stopped: nothing is appended later.
    await page.waitForTimeout(10 * chunkDelayMs);
    expect((await storedReply(page, chatId)).content).toBe(stored.content);
    await page.close();
  });
});
