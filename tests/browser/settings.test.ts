// Settings in Chromium, by accessible names: the list of one's shared links with "Revoke",
// the accounts list where the owner changes a role and deletes an account (after the
// browser's confirmation), and the provider form showing the server's refusal. Each step checks what the people involved would notice: the row
// goes, the link stops working, the promoted user gets the admin screens, the deleted user is
// signed out.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConversation } from '../../src/chat/conversations.js';
import { createShare } from '../../src/chat/shares.js';
import { findUserById } from '../../src/identity/users.js';
import {
  addSessionCookie,
  hasChromium,
  launchChromium,
  newContext,
  saveScreenshot,
} from '../helpers/browser.js';
import { signIn, type SignedIn } from '../helpers/sign-in.js';
import { startWebServer, type WebServer } from '../helpers/web-server.js';

const run = hasChromium('browser settings');

describe.runIf(run)('settings: shared links and accounts (Chromium)', () => {
  let server: WebServer;
  let browser: Browser;
  let owner: SignedIn;
  let bob: SignedIn;
  let carol: SignedIn;
  const contexts: BrowserContext[] = [];

  async function pageOf(who: SignedIn): Promise<Page> {
    const context = await newContext(browser);
    contexts.push(context);
    await addSessionCookie(context, server.url, who.headers.cookie);
    const page = await context.newPage();
    await page.goto(server.url);
    return page;
  }

  async function openSettings(page: Page) {
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    return page.getByRole('dialog', { name: 'Settings' });
  }

  beforeAll(async () => {
    [server, browser] = await Promise.all([startWebServer(), launchChromium()]);
    const db = server.runtime.store.db;
    owner = await signIn(db, { role: 'owner', email: 'owner@example.com' });
    bob = await signIn(db, { role: 'member', email: 'bob@example.com' });
    carol = await signIn(db, { role: 'member', email: 'carol@example.com' });
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await server?.close();
  });

  it('lists the owner’s shared links only, and "Revoke" stops one at once', async () => {
    const db = server.runtime.store.db;
    const shareAs = async (who: SignedIn, title: string) => {
      const conversation = await createConversation(db, who.user.id, { title });
      return createShare(db, who.user.id, conversation.id);
    };
    await shareAs(owner, 'Recipes');
    const trip = await shareAs(owner, 'Trip to Lyon');
    await shareAs(bob, 'Bob’s secret plans');

    const page = await pageOf(owner);
    const settings = await openSettings(page);
    const links = settings.getByRole('list', { name: 'Shared links' });
    await links.getByRole('link', { name: 'Trip to Lyon' }).waitFor();
    expect(await links.getByRole('listitem').allInnerTexts()).toEqual([
      expect.stringContaining('Trip to Lyon'),
      expect.stringContaining('Recipes'),
    ]);
    expect(await settings.getByText('Bob’s secret plans').count()).toBe(0);
    expect(await links.getByRole('link', { name: 'Trip to Lyon' }).getAttribute('href')).toBe(
      `/s/${trip.id}`,
    );
    await saveScreenshot(page, 'settings-shared-links');

    await settings.getByRole('button', { name: 'Revoke the link to “Trip to Lyon”' }).click();
    await settings
      .getByRole('status')
      .getByText('The link to “Trip to Lyon” no longer works.')
      .waitFor();
    expect(await links.getByRole('link', { name: 'Trip to Lyon' }).count()).toBe(0);
    await links.getByRole('link', { name: 'Recipes' }).waitFor();

    const visitor = await (await newContext(browser)).newPage();
    contexts.push(visitor.context());
    await visitor.goto(new URL(trip.url, server.url).href);
    await visitor.getByText('This link does not work anymore.').waitFor();
  });

  it('lets the owner make a member an admin, who then sees the accounts', async () => {
    const page = await pageOf(owner);
    const settings = await openSettings(page);
    const accounts = settings.getByRole('list', { name: 'Accounts' });
    // The owner's own row has no controls: the owner stays owner.
    await accounts
      .getByRole('listitem')
      .filter({ hasText: 'owner@example.com' })
      .getByText('Owner', { exact: true })
      .waitFor();
    expect(
      await accounts.getByRole('combobox', { name: 'Role of owner@example.com' }).count(),
    ).toBe(0);

    await accounts
      .getByRole('combobox', { name: 'Role of bob@example.com' })
      .selectOption({ label: 'Admin' });
    await settings.getByRole('status').getByText('bob@example.com is now Admin.').waitFor();
    expect((await findUserById(server.runtime.store.db, bob.user.id))?.role).toBe('admin');
    await accounts.scrollIntoViewIfNeeded();
    await saveScreenshot(page, 'settings-accounts');

    // Bob's next visit has the admin part of the settings, and no way to touch the owner.
    const bobPage = await pageOf(bob);
    const bobSettings = await openSettings(bobPage);
    const bobAccounts = bobSettings.getByRole('list', { name: 'Accounts' });
    await bobAccounts
      .getByRole('listitem')
      .filter({ hasText: 'owner@example.com' })
      .getByText('Owner', { exact: true })
      .waitFor();
    expect(
      await bobAccounts
        .getByRole('button', { name: 'Delete the account owner@example.com' })
        .count(),
    ).toBe(0);
    expect(
      await bobAccounts.getByRole('combobox', { name: 'Role of bob@example.com' }).count(),
    ).toBe(0);
  });

  it('deletes an account after the confirmation, which signs that user out', async () => {
    const carolPage = await pageOf(carol);
    await carolPage.getByRole('textbox', { name: 'Message', exact: true }).waitFor();

    const page = await pageOf(owner);
    const settings = await openSettings(page);
    const accounts = settings.getByRole('list', { name: 'Accounts' });
    const remove = accounts.getByRole('button', { name: 'Delete the account carol@example.com' });

    // Dismissing the confirmation changes nothing.
    page.once('dialog', (dialog) => void dialog.dismiss());
    await remove.click();
    await accounts.getByText('carol@example.com').waitFor();
    expect(await findUserById(server.runtime.store.db, carol.user.id)).toBeDefined();

    let question = '';
    page.once('dialog', (dialog) => {
      question = dialog.message();
      void dialog.accept();
    });
    await remove.click();
    await settings.getByRole('status').getByText('Account carol@example.com deleted.').waitFor();
    expect(question).toContain('carol@example.com');
    expect(await accounts.getByText('carol@example.com').count()).toBe(0);
    expect(await findUserById(server.runtime.store.db, carol.user.id)).toBeUndefined();

    await carolPage.reload();
    await carolPage.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
  });

  it('shows why a provider on this machine is refused, connecting nothing', async () => {
    const page = await pageOf(owner);
    const settings = await openSettings(page);
    const form = settings.getByRole('form', { name: 'Connect a provider' });
    await form.getByRole('textbox', { name: 'Name', exact: true }).fill('local');
    await form.getByRole('textbox', { name: 'Base URL' }).fill('http://127.0.0.1:11434/v1');
    await form.getByRole('button', { name: 'Connect', exact: true }).click();
    // The server's reason, which names the setting the operator would change.
    await form
      .getByRole('alert')
      .getByText(
        'baseUrl points at 127.0.0.1, a loopback address; add it to security.upstream_allow in ' +
          'salon.yaml (or SALON_UPSTREAM_ALLOW) to connect a provider there.',
      )
      .waitFor();
    expect(await settings.getByRole('button', { name: 'Delete provider local' }).count()).toBe(0);
  });
});
