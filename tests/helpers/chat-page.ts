// What a person does on Salon's web UI, by accessible names only (DESIGN.md, "Contracts"):
// sign in, send a message, wait for the reply, read what the page shows.
import type { Locator, Page } from 'playwright-core';

/** How long a reply may take on a busy 2-core machine. */
export const replyTimeout = 30_000;

/** The message box. */
export function messageBox(page: Page): Locator {
  return page.getByRole('textbox', { name: 'Message', exact: true });
}

/** The "Stop" button, shown while a reply is generating. */
export function stopButton(page: Page): Locator {
  return page.getByRole('button', { name: 'Stop', exact: true });
}

/** The messages of the shown branch, by author ("You" or "Assistant"). */
export function messages(page: Page, author: 'You' | 'Assistant'): Locator {
  return page.getByRole('article', { name: author, exact: true });
}

/** Fills the sign-in form and submits it. */
export async function signInWithForm(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

/** Types a message and presses "Send". */
export async function sendMessage(page: Page, text: string): Promise<void> {
  await messageBox(page).fill(text);
  await page.getByRole('button', { name: 'Send', exact: true }).click();
}

/** Waits until no reply is generating ("Stop" gone, "Send" back). */
export async function waitForReplyEnd(page: Page, timeout = replyTimeout): Promise<void> {
  await stopButton(page).waitFor({ state: 'hidden', timeout });
  await page.getByRole('button', { name: 'Send', exact: true }).waitFor({ timeout });
}

/** The id of the conversation open in the page (from its /c/:id URL). */
export function conversationIdOf(page: Page): string {
  const match = /\/c\/([^/?#]+)/.exec(page.url());
  if (!match) throw new Error(`no conversation open at ${page.url()}`);
  return decodeURIComponent(match[1]!);
}

/** The root element: its callbacks reach `document` and `window` (the tests have no DOM lib). */
export function documentRoot(page: Page): Locator {
  return page.locator(':root');
}

/** The rendered text of an element, as the user reads it. */
export function shownText(locator: Locator): Promise<string> {
  return locator.evaluate((element) => element.innerText as string);
}

/** A message as GET /api/conversations/:id stores it (docs/web-api.md). */
export interface StoredMessage {
  id: string;
  parentId: string | null;
  role: 'user' | 'assistant' | 'system';
  content: string;
  status: 'complete' | 'streaming' | 'interrupted' | 'stopped' | 'error';
}

/** The conversation as the server stores it, read with the page's own session. */
export async function storedConversation(
  page: Page,
  conversationId: string,
): Promise<{ conversation: { title: string; selectedLeafId: string }; messages: StoredMessage[] }> {
  const response = await page.request.get(
    new URL(`/api/conversations/${encodeURIComponent(conversationId)}`, page.url()).href,
  );
  if (!response.ok()) throw new Error(`GET conversation answered ${response.status()}`);
  return response.json();
}
