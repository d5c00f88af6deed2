// A person's first hour with Salon, in headless Chromium against the real server: first-run
// setup, sign-in, a chat with the shared tiny model, Stop, regenerate, branches, search, a
// share link read by a signed-out visitor, and sign-out. Screenshots of the main screens go to
// artifacts/screenshots/. The steps share one browser profile and run in order.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchChromium, newContext, saveScreenshot } from '../helpers/browser.js';
import {
  conversationIdOf,
  documentRoot,
  messageBox,
  messages,
  sendMessage,
  shownText,
  signInWithForm,
  stopButton,
  storedConversation,
  waitForReplyEnd,
} from '../helpers/chat-page.js';
import { startFakeOpenAI, type FakeUpstream } from '../helpers/fake-openai.js';
import { hasTinyModel, tinyModelPath } from '../helpers/shared-files.js';
import { salonConfig, startWebServer, type WebServer } from '../helpers/web-server.js';

const run = hasChromium('browser journey') && hasTinyModel('browser journey');

const owner = { email: 'owner@example.com', password: 'correct horse battery' };

/** A hosted model's answer with what Markdown rendering must handle (for the screenshots). */
const showcaseReply = [
  '## Three ways to say hello in French',
  '',
  '1. **Bonjour**: any time of day',
  '2. **Salut**: among friends',
  '3. **Bonsoir**: in the evening',
  '',
  '| Phrase | Register |',
  '| --- | --- |',
  '| Bonjour | neutral |',
  '| Salut | casual |',
  '',
  '```ts',
  'const greet = (name: string) => `Bonjour, ${name} !`;',
  '```',
  '',
  'And a little maths: $e^{i\\pi} + 1 = 0$.',
].join('\n');

describe.runIf(run)('le Chat in the browser: the whole journey', () => {
  let server: WebServer;
  let hosted: FakeUpstream;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let chatId: string;
  /** Uncaught exceptions in the app's pages: there must be none. */
  const pageErrors: string[] = [];

  async function openPage(): Promise<Page> {
    const opened = await context.newPage();
    opened.on('pageerror', (error) => pageErrors.push(`${opened.url()}: ${error.message}`));
    return opened;
  }

  beforeAll(async () => {
    hosted = await startFakeOpenAI([
      { kind: 'reply', text: showcaseReply, chunks: 8, chunkDelayMs: 20 },
    ]);
    [server, browser] = await Promise.all([
      startWebServer({
        config: salonConfig({
          tinyModel: { path: tinyModelPath, contextSize: 640 },
          upstreams: { 'mistral-small': hosted.url },
        }),
      }),
      launchChromium(),
    ]);
    context = await newContext(browser);
    page = await openPage();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await hosted?.close();
  });

  const versionOf = (author: 'You' | 'Assistant') => messages(page, author).getByText(/^\d+\/\d+$/);

  it('creates the owner account on first run', async () => {
    await page.goto(server.url);
    await page.getByRole('heading', { name: 'Welcome to Salon' }).waitFor();
    await saveScreenshot(page, 'setup');
    await page.getByLabel('Email', { exact: true }).fill(owner.email);
    // Setup's password field also says "At least 8 characters." inside its label.
    await page.getByLabel('Password').fill(owner.password);
    await page.getByRole('button', { name: 'Create owner account' }).click();
    await messageBox(page).waitFor();
  });

  it('signs in from a fresh browser, after refusing a wrong password', async () => {
    // The session from setup lives in `context`; sign in again as a returning user would.
    await context.close();
    context = await newContext(browser);
    page = await openPage();
    await page.goto(server.url);
    await page.getByRole('heading', { name: 'Sign in to Salon' }).waitFor();
    await saveScreenshot(page, 'sign-in');
    await signInWithForm(page, owner.email, 'not the password');
    await page.getByRole('alert').waitFor();
    await signInWithForm(page, owner.email, owner.password);
    await messageBox(page).waitFor();
    // The tiny model is the default (`small`, first in the config); the hosted one is offered too.
    const picker = page.getByRole('combobox', { name: 'Model', exact: true });
    await expect.poll(() => picker.inputValue()).toBe('small'); // once /api/models answered
    expect(await picker.locator('option').allTextContents()).toEqual(['small', 'mistral-small']);
  });

  it('chats with the tiny model and stops the reply while it is generating', async () => {
    await sendMessage(page, 'Tell me about Zanzibar spices');
    await stopButton(page).click();
    await waitForReplyEnd(page);
    await messages(page, 'Assistant').getByText('Stopped.').waitFor();
    expect(await shownText(messages(page, 'You'))).toContain('Tell me about Zanzibar spices');
    chatId = conversationIdOf(page);
    const stored = await storedConversation(page, chatId);
    expect(stored.messages.map((message) => [message.role, message.status])).toEqual([
      ['user', 'complete'],
      ['assistant', 'stopped'],
    ]);
    // The conversation is listed in the sidebar.
    await page
      .getByRole('navigation', { name: 'Conversations' })
      .getByRole('link')
      .first()
      .waitFor();
  });

  it('regenerates the reply as a second version', async () => {
    await messages(page, 'Assistant').getByRole('button', { name: 'Regenerate' }).click();
    await stopButton(page).waitFor();
    await waitForReplyEnd(page);
    expect(await versionOf('Assistant').textContent()).toBe('2/2');
    const stored = await storedConversation(page, chatId);
    const reply = stored.messages.find(
      (message) => message.id === stored.conversation.selectedLeafId,
    );
    expect(reply?.status).toBe('complete');
    expect(reply!.content.length).toBeGreaterThan(0);
    // The tiny model's text is gibberish that Markdown reshapes: check that it is shown.
    const shown = await shownText(messages(page, 'Assistant'));
    expect(shown.replace(/^Assistant\s+small/, '').trim().length).toBeGreaterThan(0);
  });

  it('edits the question into branches and switches between them with ‹ n/3 ›', async () => {
    for (const question of ['Tell me about Madagascar vanilla', 'Tell me about Comoros cloves']) {
      await messages(page, 'You').getByRole('button', { name: 'Edit' }).click();
      const editor = page.getByRole('textbox', { name: 'Edit message' });
      await editor.fill(question);
      await page.getByRole('button', { name: 'Save and submit' }).click();
      await stopButton(page).waitFor();
      await waitForReplyEnd(page);
    }
    const you = messages(page, 'You');
    expect(await versionOf('You').textContent()).toBe('3/3');
    await you.getByText('Tell me about Comoros cloves', { exact: true }).waitFor();

    await you.getByRole('button', { name: 'Previous version' }).click();
    await expect.poll(() => versionOf('You').textContent()).toBe('2/3');
    await you.getByText('Tell me about Madagascar vanilla', { exact: true }).waitFor();
    await you.getByRole('button', { name: 'Previous version' }).click();
    await expect.poll(() => versionOf('You').textContent()).toBe('1/3');
    await you.getByText('Tell me about Zanzibar spices', { exact: true }).waitFor();
    // The first question's branch shows its newest reply: the regenerated one.
    expect(await versionOf('Assistant').textContent()).toBe('2/2');
    expect(await you.getByRole('button', { name: 'Previous version' }).isDisabled()).toBe(true);

    // The choice is remembered by the server: a reload shows the same branch.
    const selectedQuestion = async () => {
      const stored = await storedConversation(page, chatId);
      const leaf = stored.messages.find((m) => m.id === stored.conversation.selectedLeafId);
      return stored.messages.find((m) => m.id === leaf?.parentId)?.content;
    };
    await expect.poll(selectedQuestion).toBe('Tell me about Zanzibar spices');
    await page.reload();
    await messageBox(page).waitFor();
    await expect.poll(() => versionOf('You').textContent()).toBe('1/3');

    await you.getByRole('button', { name: 'Next version' }).click();
    await expect.poll(() => versionOf('You').textContent()).toBe('2/3');
    await you.getByRole('button', { name: 'Next version' }).click();
    await expect.poll(() => versionOf('You').textContent()).toBe('3/3');
  });

  it('finds a message with search and opens it', async () => {
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Search chats' });
    await dialog.getByRole('searchbox', { name: 'Search chats' }).fill('comoros');
    const results = dialog.getByRole('list', { name: 'Search results' });
    const hit = results.getByRole('button').filter({ hasText: 'Comoros' }).first();
    await hit.waitFor();
    expect(await hit.locator('mark').allTextContents()).toContain('Comoros');
    await hit.click();
    await dialog.waitFor({ state: 'hidden' });
    expect(page.url()).toMatch(/\/c\/[^/]+\?m=/);
    const found = page.locator('article.highlighted');
    await found.waitFor();
    await found.getByText('Tell me about Comoros cloves', { exact: true }).waitFor();
  });

  it('opens a search hit that lies on another branch', async () => {
    await page.keyboard.press('Control+K');
    const dialog = page.getByRole('dialog', { name: 'Search chats' });
    await dialog.getByRole('searchbox', { name: 'Search chats' }).fill('zanzibar');
    await dialog.getByRole('button').filter({ hasText: 'Zanzibar' }).first().click();
    const found = page.locator('article.highlighted');
    await found.waitFor();
    await found.getByText('Tell me about Zanzibar spices', { exact: true }).waitFor();
    expect(await versionOf('You').textContent()).toBe('1/3');
  });

  it('chats with a hosted model picked in "Model", with rendered Markdown', async () => {
    await page.getByRole('button', { name: 'New chat', exact: true }).click();
    await page.getByRole('combobox', { name: 'Model', exact: true }).selectOption('mistral-small');
    await sendMessage(page, 'How do I say hello in French?');
    await waitForReplyEnd(page);
    const reply = messages(page, 'Assistant');
    await reply.getByRole('heading', { name: 'Three ways to say hello in French' }).waitFor();
    await reply.getByRole('table').waitFor();
    await reply.getByRole('math').first().waitFor();
    expect(await shownText(reply.getByRole('code'))).toContain('const greet');
    expect(hosted.requests.at(-1)?.body.model).toBe('fake-mistral-small');
    await saveScreenshot(page, 'chat');
  });

  it('shows the settings', async () => {
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Settings' });
    await dialog.getByText(`Signed in as ${owner.email}`).waitFor();
    await dialog.getByRole('heading', { name: 'Accounts' }).waitFor();
    await saveScreenshot(page, 'settings');
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'hidden' });
  });

  it('fits a phone screen and switches to the dark theme', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await messageBox(page).waitFor();
    // No horizontal scrolling on a phone.
    const overflow = await documentRoot(page).evaluate((root) => root.scrollWidth as number);
    expect(overflow).toBeLessThanOrEqual(390);
    await saveScreenshot(page, 'chat-phone');
    await page.getByRole('button', { name: 'Open sidebar' }).click();
    await page.getByRole('button', { name: 'Close sidebar' }).waitFor();
    await saveScreenshot(page, 'sidebar-phone');
    await page.getByRole('button', { name: 'Switch to dark theme' }).click();
    await page.getByRole('button', { name: 'Close sidebar' }).click();
    await page.setViewportSize({ width: 1280, height: 800 });
    await expect.poll(() => documentRoot(page).getAttribute('data-theme')).toBe('dark');
    await saveScreenshot(page, 'chat-dark');
    await page.getByRole('button', { name: 'Switch to light theme' }).click();
  });

  /** Opens the chat's share dialog and reads its link. */
  async function shareLink(): Promise<string> {
    await page.getByRole('button', { name: 'Share', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Share conversation' });
    const link = await dialog.getByRole('textbox', { name: 'Link' }).inputValue();
    await dialog.getByRole('button', { name: 'Close' }).click();
    return link;
  }

  it('shows a share link read-only to a signed-out visitor', async () => {
    const hostedLink = await shareLink(); // the hosted model's chat, open since its step
    await page.goto(`${server.url}/c/${chatId}`);
    await messageBox(page).waitFor();
    const link = await shareLink();
    expect(link).toMatch(new RegExp(`^${server.url}/s/[^/]+$`));
    expect(link).not.toBe(hostedLink);

    const visitor = await newContext(browser);
    try {
      const shared = await visitor.newPage();
      await shared.goto(link);
      await shared.getByText('Read-only').waitFor();
      const question = messages(shared, 'You');
      await question.waitFor();
      // The selected branch only (Zanzibar, opened last from search), with no way to change anything.
      await question.getByText('Tell me about Zanzibar spices', { exact: true }).waitFor();
      expect(await messages(shared, 'Assistant').count()).toBe(1);
      expect(await messageBox(shared).count()).toBe(0);
      for (const name of ['Edit', 'Regenerate', 'Good response', 'Previous version']) {
        expect(await shared.getByRole('button', { name }).count(), name).toBe(0);
      }
      // Nothing of the owner's account leaks to the visitor.
      expect((await shared.request.get(`${server.url}/api/conversations`)).status()).toBe(401);

      await shared.goto(hostedLink);
      await messages(shared, 'Assistant').getByRole('table').waitFor();
      await saveScreenshot(shared, 'shared');
    } finally {
      await visitor.close();
    }
  });

  it('signs out', async () => {
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
    expect((await page.request.get(`${server.url}/api/conversations`)).status()).toBe(401);
    await page.reload();
    await page.getByLabel('Password', { exact: true }).waitFor();
    expect(await messageBox(page).count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });
});
