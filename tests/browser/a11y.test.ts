// Accessibility of the main screens, checked by axe-core in Chromium: no serious or critical
// violation (WCAG 2.x A/AA and best practices) on first-run setup, sign-in and the chat
// (light and dark, desktop and phone), nor in its dialogs and the public share page.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAxe, serious } from '../helpers/axe.js';
import { addSessionCookie, hasChromium, launchChromium, newContext } from '../helpers/browser.js';
import { messageBox, messages, sendMessage, waitForReplyEnd } from '../helpers/chat-page.js';
import { startFakeOpenAI, type FakeUpstream } from '../helpers/fake-openai.js';
import { signIn } from '../helpers/sign-in.js';
import { salonConfig, startWebServer, type WebServer } from '../helpers/web-server.js';

const run = hasChromium('browser accessibility');

/** A reply with the structures a screen reader must get right: headings, lists, tables, code. */
const reply = [
  '## Packing list',
  '',
  '1. Passport',
  '2. **Adapter** for the [sockets](https://example.com/sockets)',
  '',
  '| Item | Count |',
  '| --- | --- |',
  '| Shirts | 3 |',
  '',
  '```python',
  'print("bon voyage")',
  '```',
  '',
  'Distance: $d = v t$.',
].join('\n');

describe.runIf(run)('accessibility of the main screens (axe-core)', () => {
  let server: WebServer;
  let model: FakeUpstream;
  let browser: Browser;
  let cookie: string;
  const contexts: BrowserContext[] = [];

  async function page(options: Parameters<typeof newContext>[1] = {}): Promise<Page> {
    const context = await newContext(browser, options);
    contexts.push(context);
    return context.newPage();
  }

  async function signedInPage(options: Parameters<typeof newContext>[1] = {}): Promise<Page> {
    const opened = await page(options);
    await addSessionCookie(opened.context(), server.url, cookie);
    return opened;
  }

  async function expectNoSeriousViolations(opened: Page): Promise<void> {
    const all = await runAxe(opened);
    const found = serious(all);
    const lesser = all.filter((violation) => !found.includes(violation));
    if (lesser.length) console.warn(`axe, lesser findings on ${opened.url()}:`, lesser);
    expect(found, JSON.stringify(found, null, 2)).toEqual([]);
  }

  beforeAll(async () => {
    model = await startFakeOpenAI([{ kind: 'reply', text: reply, chunks: 4 }]);
    [server, browser] = await Promise.all([
      startWebServer({ config: salonConfig({ upstreams: { chat: model.url } }) }),
      launchChromium(),
    ]);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await model?.close();
  });

  it('has an axe that does report violations', async () => {
    const probe = await page();
    await probe.setContent('<html><body><img src="data:,"><button></button></body></html>');
    const ids = serious(await runAxe(probe)).map((violation) => violation.id);
    expect(ids).toEqual(expect.arrayContaining(['image-alt', 'button-name']));
  });

  it('first-run setup', async () => {
    const setup = await page();
    await setup.goto(server.url);
    await setup.getByRole('heading', { name: 'Welcome to Salon' }).waitFor();
    await expectNoSeriousViolations(setup);
    // From here on an account exists: later screens are sign-in and the chat.
    cookie = (await signIn(server.runtime.store.db, { role: 'owner' })).headers.cookie;
  });

  it('sign-in, and its error', async () => {
    const signInPage = await page();
    await signInPage.goto(server.url);
    await signInPage.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
    await expectNoSeriousViolations(signInPage);
    await signInPage.getByLabel('Email', { exact: true }).fill('nobody@example.com');
    await signInPage.getByLabel('Password', { exact: true }).fill('wrong password');
    await signInPage.getByRole('button', { name: 'Sign in', exact: true }).click();
    await signInPage.getByRole('alert').waitFor();
    await expectNoSeriousViolations(signInPage);
  });

  let chatUrl: string;

  it('the chat, empty and with a reply, edited into two versions', async () => {
    const chat = await signedInPage();
    await chat.goto(server.url);
    await messageBox(chat).waitFor();
    await expectNoSeriousViolations(chat);
    await sendMessage(chat, 'What should I pack?');
    await waitForReplyEnd(chat);
    await messages(chat, 'You').getByRole('button', { name: 'Edit' }).click();
    await chat.getByRole('textbox', { name: 'Edit message' }).fill('What should I pack for Lyon?');
    await expectNoSeriousViolations(chat); // with the edit form open
    await chat.getByRole('button', { name: 'Save and submit' }).click();
    await waitForReplyEnd(chat);
    await messages(chat, 'Assistant').getByRole('table').waitFor();
    await messages(chat, 'Assistant').getByRole('math').waitFor();
    await messages(chat, 'You').getByText('2/2').waitFor();
    chatUrl = chat.url();
    await expectNoSeriousViolations(chat);
  });

  it('the chat in the dark theme', async () => {
    const dark = await signedInPage({ colorScheme: 'dark' });
    await dark.goto(chatUrl);
    await messages(dark, 'Assistant').getByRole('table').waitFor();
    await expectNoSeriousViolations(dark);
  });

  it('the chat on a phone, with the sidebar open', async () => {
    const phone = await signedInPage({ viewport: { width: 390, height: 844 }, isMobile: true });
    await phone.goto(chatUrl);
    await messageBox(phone).waitFor();
    await expectNoSeriousViolations(phone);
    await phone.getByRole('button', { name: 'Open sidebar' }).click();
    await phone.getByRole('button', { name: 'Close sidebar' }).waitFor();
    await expectNoSeriousViolations(phone);
  });

  it('the settings, search and share dialogs, and the share page', async () => {
    const chat = await signedInPage();
    await chat.goto(chatUrl);
    await messageBox(chat).waitFor();

    await chat.getByRole('button', { name: 'Settings', exact: true }).click();
    await chat
      .getByRole('dialog', { name: 'Settings' })
      .getByRole('heading', { name: 'Accounts' })
      .waitFor();
    await expectNoSeriousViolations(chat);
    await chat.keyboard.press('Escape');

    await chat.keyboard.press('Control+K');
    const search = chat.getByRole('dialog', { name: 'Search chats' });
    await search.getByRole('searchbox').fill('Lyon');
    await search.locator('mark').first().waitFor();
    await expectNoSeriousViolations(chat);
    await chat.keyboard.press('Escape');

    await chat.getByRole('button', { name: 'Share', exact: true }).click();
    const link = chat.getByRole('dialog', { name: 'Share conversation' }).getByRole('textbox');
    await expectNoSeriousViolations(chat);
    const shared = await page();
    await shared.goto(await link.inputValue());
    await messages(shared, 'Assistant').getByRole('table').waitFor();
    await expectNoSeriousViolations(shared);
  });

  it('the settings with a shared link and accounts to manage', async () => {
    await signIn(server.runtime.store.db, { role: 'member', email: 'member@example.com' });
    const chat = await signedInPage();
    await chat.goto(chatUrl);
    await chat.getByRole('button', { name: 'Settings', exact: true }).click();
    const settings = chat.getByRole('dialog', { name: 'Settings' });
    await settings.getByRole('list', { name: 'Shared links' }).getByRole('link').waitFor();
    await settings.getByRole('combobox', { name: 'Role of member@example.com' }).waitFor();
    await expectNoSeriousViolations(chat);
  });
});
