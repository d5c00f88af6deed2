// The admin console in Chromium, by accessible names: the owner signs in, creates a team,
// invites someone whose link (opened in another browser profile) creates their account and lands
// them in the chat, makes them the team's manager, changes their role, erases another account,
// looks at the providers and
// target health, creates and revokes an API key, and finds all of it in the audit log. An
// ordinary member gets no link to the console and a refusal at /admin. Each main screen is
// screenshotted (artifacts/screenshots/admin-*.png) and checked by axe.
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, findUserByEmail } from '../../src/identity/users.js';
import { runAxe, serious } from '../helpers/axe.js';
import {
  addSessionCookie,
  hasChromium,
  launchChromium,
  newContext,
  saveScreenshot,
} from '../helpers/browser.js';
import { messageBox, sendMessage, signInWithForm, waitForReplyEnd } from '../helpers/chat-page.js';
import { startFakeOpenAI, type FakeUpstream } from '../helpers/fake-openai.js';
import { signIn, type SignedIn } from '../helpers/sign-in.js';
import { salonConfig, startWebServer, type WebServer } from '../helpers/web-server.js';

const run = hasChromium('browser admin console');

const ownerEmail = 'owner@example.com';
const ownerPassword = 'correct horse battery';
const inviteeEmail = 'dana@example.com';

describe.runIf(run)('admin console (Chromium)', () => {
  let server: WebServer;
  let upstream: FakeUpstream;
  let browser: Browser;
  let member: SignedIn;
  let owner: Page;
  const contexts: BrowserContext[] = [];

  async function freshPage(): Promise<Page> {
    const context = await newContext(browser);
    contexts.push(context);
    return context.newPage();
  }

  async function expectNoSeriousViolations(page: Page): Promise<void> {
    const found = serious(await runAxe(page));
    expect(found, JSON.stringify(found, null, 2)).toEqual([]);
  }

  /** Opens a section from the console's navigation and waits for its heading. */
  async function openSection(page: Page, name: string): Promise<Locator> {
    await page
      .getByRole('navigation', { name: 'Admin sections' })
      .getByRole('link', { name, exact: true })
      .click();
    await page.getByRole('heading', { level: 2, name, exact: true }).waitFor();
    return page.locator('.admin-section');
  }

  /** The row of a table or list that mentions `text`. */
  function rowWith(section: Locator, text: string): Locator {
    return section.getByRole('row').filter({ hasText: text });
  }

  beforeAll(async () => {
    upstream = await startFakeOpenAI([{ kind: 'reply', text: 'Bonjour !' }]);
    [server, browser] = await Promise.all([
      startWebServer({ config: salonConfig({ upstreams: { chat: upstream.url } }) }),
      launchChromium(),
    ]);
    const db = server.runtime.store.db;
    await createUser(db, { email: ownerEmail, password: ownerPassword, role: 'owner' });
    member = await signIn(db, { role: 'member', email: 'milo@example.com' });
    await createUser(db, { email: 'erin@example.com', role: 'member' });
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await server?.close();
    await upstream?.close();
  });

  it('signs the owner in and opens the console from the sidebar', async () => {
    owner = await freshPage();
    await owner.goto(server.url);
    await signInWithForm(owner, ownerEmail, ownerPassword);
    // One chat first, so that the gateway has a target with health to show.
    await sendMessage(owner, 'Salut');
    await waitForReplyEnd(owner);

    await owner.getByRole('link', { name: 'Admin console', exact: true }).click();
    await owner.getByRole('heading', { level: 1, name: 'Admin console' }).waitFor();
    await owner.getByRole('heading', { level: 2, name: 'Users', exact: true }).waitFor();
    expect(new URL(owner.url()).pathname).toBe('/admin');
    await owner
      .getByRole('row')
      .filter({ hasText: ownerEmail })
      .getByText('Owner', { exact: true })
      .waitFor();
    await saveScreenshot(owner, 'admin-users');
    await expectNoSeriousViolations(owner);
  });

  it('creates a team, and refuses a second one of the same name with the server’s message', async () => {
    const section = await openSection(owner, 'Teams');
    await section.getByLabel('Team name', { exact: true }).fill('Research');
    await section.getByRole('button', { name: 'Create team' }).click();
    await section.getByRole('status').getByText('Team “Research” created.').waitFor();
    await section.getByRole('heading', { name: 'Members of Research' }).waitFor();
    await section.getByText('Nobody is in this team yet.').waitFor();

    await section.getByLabel('Team name', { exact: true }).fill('Research');
    await section.getByRole('button', { name: 'Create team' }).click();
    await section.getByRole('alert').getByText("A team named 'Research' already exists.").waitFor();
    expect(await rowWith(section, 'Research').count()).toBe(1);
  });

  let inviteLink: string;

  it('invites someone; the link is shown once and the invitation is pending', async () => {
    const section = await openSection(owner, 'Invitations');
    await section.getByLabel('Email (optional)').fill(inviteeEmail);
    await section.getByLabel('Role', { exact: true }).selectOption({ label: 'Member' });
    await section.getByLabel('Expires in').selectOption({ label: '7 days' });
    await section.getByRole('button', { name: 'Create invitation' }).click();
    const link = section.getByRole('textbox', { name: 'Invitation link' });
    await link.waitFor();
    inviteLink = await link.inputValue();
    expect(inviteLink).toMatch(new RegExp(`^${server.url}/invite/[^/]+$`));
    await section.getByRole('button', { name: 'Copy link' }).waitFor();
    await rowWith(section, inviteeEmail).getByText('Pending').waitFor();
    await saveScreenshot(owner, 'admin-invitations');
    await expectNoSeriousViolations(owner);
  });

  it('the invitation link creates the account and opens the chat; it works only once', async () => {
    const invitee = await freshPage();
    await invitee.goto(inviteLink);
    await invitee.getByRole('heading', { name: 'Join Salon on Salon' }).waitFor();
    expect(await invitee.getByLabel('Email', { exact: true }).inputValue()).toBe(inviteeEmail);
    await saveScreenshot(invitee, 'admin-invite-page');
    await expectNoSeriousViolations(invitee);
    await invitee.getByLabel('Password', { exact: true }).fill('short');
    await invitee.getByLabel('Display name (optional)').fill('Dana');
    await invitee.getByRole('button', { name: 'Accept invitation' }).click();
    // The browser's own check (8 characters at least) stops it before the server.
    expect(
      await invitee.getByLabel('Password', { exact: true }).evaluate((input) => {
        return (input as unknown as { validity: { valid: boolean } }).validity.valid;
      }),
    ).toBe(false);
    await invitee.getByLabel('Password', { exact: true }).fill('a long enough password');
    await invitee.getByRole('button', { name: 'Accept invitation' }).click();
    await messageBox(invitee).waitFor();
    expect(new URL(invitee.url()).pathname).toBe('/');
    const dana = await findUserByEmail(server.runtime.store.db, inviteeEmail);
    expect(dana).toMatchObject({ role: 'member', displayName: 'Dana' });

    const again = await freshPage();
    await again.goto(inviteLink);
    await again.getByRole('alert').getByText('This invitation has already been used.').waitFor();
  });

  it('adds the new user to the team as its manager', async () => {
    const section = await openSection(owner, 'Teams');
    await section.getByRole('button', { name: 'Members of Research' }).click();
    const panel = section.getByRole('region', { name: 'Members of Research' });
    await panel.getByLabel('Person').selectOption({ label: inviteeEmail });
    await panel.getByLabel('Team role', { exact: true }).selectOption({ label: 'Manager' });
    await panel.getByRole('button', { name: 'Add to team' }).click();
    await panel
      .getByRole('status')
      .getByText(`${inviteeEmail} is in the team as Manager.`)
      .waitFor();
    const role = panel.getByRole('combobox', { name: `Team role of ${inviteeEmail}` });
    expect(await role.inputValue()).toBe('manager');
    await rowWith(section, 'Research').getByRole('cell', { name: '1', exact: true }).waitFor();
    await saveScreenshot(owner, 'admin-teams');
    await expectNoSeriousViolations(owner);
  });

  it('changes a role after a confirmation', async () => {
    const section = await openSection(owner, 'Users');
    await section
      .getByRole('combobox', { name: `Role of ${inviteeEmail}` })
      .selectOption({ label: 'Admin' });
    const dialog = owner.getByRole('dialog', { name: 'Change role' });
    await dialog.getByText(`Make ${inviteeEmail} Admin?`).waitFor();
    await expectNoSeriousViolations(owner);
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await section.getByRole('status').getByText(`${inviteeEmail} is now Admin.`).waitFor();
    const dana = await findUserByEmail(server.runtime.store.db, inviteeEmail);
    expect(dana?.role).toBe('admin');
    // The owner's own row has no controls.
    expect(await section.getByRole('combobox', { name: `Role of ${ownerEmail}` }).count()).toBe(0);
  });

  it('erases an account with its data after a confirmation', async () => {
    const section = await openSection(owner, 'Users');
    await section.getByRole('button', { name: 'Erase erin@example.com and their data' }).click();
    const dialog = owner.getByRole('dialog', { name: 'Erase account and data' });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await findUserByEmail(server.runtime.store.db, 'erin@example.com')).toBeDefined();
    await section.getByRole('button', { name: 'Erase erin@example.com and their data' }).click();
    await dialog.getByRole('button', { name: 'Erase', exact: true }).click();
    await section
      .getByRole('status')
      .getByText('erin@example.com and their data were erased.')
      .waitFor();
    expect(await rowWith(section, 'erin@example.com').count()).toBe(0);
    expect(await findUserByEmail(server.runtime.store.db, 'erin@example.com')).toBeUndefined();
  });

  it('shows the providers, the models and the health of the target that served the chat', async () => {
    const section = await openSection(owner, 'Providers & models');
    await section
      .getByRole('table', { name: 'Providers' })
      .getByRole('row')
      .filter({ hasText: upstream.url })
      .waitFor();
    await section
      .getByRole('table', { name: 'Models' })
      .getByRole('row')
      .filter({ hasText: 'chat/fake-chat' })
      .waitFor();
    const health = section.getByRole('table', { name: /^Target health/ });
    const target = health.getByRole('row').filter({ hasText: 'chat/fake-chat' });
    await target.getByText('Closed').waitFor();
    await section.getByRole('button', { name: 'Reload configuration' }).click();
    await section.getByRole('status').getByText('Configuration reloaded.').waitFor();
    await saveScreenshot(owner, 'admin-providers');
    await expectNoSeriousViolations(owner);
  });

  it('creates an API key shown once, which works until it is revoked', async () => {
    const section = await openSection(owner, 'API keys');
    await section.getByLabel('Key name').fill('CI pipeline');
    await section.getByRole('checkbox', { name: 'chat', exact: true }).check();
    await section.getByLabel('Requests per minute').fill('60');
    await section.getByRole('button', { name: 'Create key' }).click();
    const shown = section.getByRole('textbox', { name: 'New API key' });
    await shown.waitFor();
    const key = await shown.inputValue();
    expect(key).toMatch(/^sk-salon-/);
    const row = rowWith(section, 'CI pipeline');
    await row.getByText('Active').waitFor();
    await row.getByText('Requests per minute: 60').waitFor();
    const models = () =>
      fetch(`${server.url}/v1/models`, { headers: { authorization: `Bearer ${key}` } });
    expect((await models()).status).toBe(200);
    await saveScreenshot(owner, 'admin-keys');
    await expectNoSeriousViolations(owner);

    await section.getByRole('button', { name: 'Revoke key CI pipeline' }).click();
    const dialog = owner.getByRole('dialog', { name: 'Revoke API key' });
    await dialog.getByRole('button', { name: 'Revoke' }).click();
    await section.getByRole('status').getByText('Key “CI pipeline” revoked.').waitFor();
    await row.getByText('Revoked', { exact: true }).waitFor();
    expect((await models()).status).toBe(401);
  });

  it('edits the organisation and lists the instance’s organisations', async () => {
    const section = await openSection(owner, 'Organisation');
    await section.getByLabel('Delete conversations after (days)').fill('90');
    await section.getByRole('button', { name: 'Save organisation' }).click();
    await section.getByRole('status').getByText('Organisation saved.').waitFor();
    await rowWith(section, 'org_default').getByText('90 days').waitFor();
    await saveScreenshot(owner, 'admin-organisation');
    await expectNoSeriousViolations(owner);
  });

  it('sets a team quota, and shows model access', async () => {
    const section = await openSection(owner, 'Quotas & model access');
    await section.getByLabel('Applies to').selectOption({ label: 'A team' });
    await section.getByLabel('Team or person').selectOption({ label: 'Research' });
    await section.getByLabel('Token budget').fill('50000');
    await section.getByLabel('Budget period').selectOption({ label: 'Per day' });
    await section.getByRole('button', { name: 'Save quota' }).click();
    await section.getByRole('status').getByText('Quota saved.').waitFor();
    const row = rowWith(section, 'Research');
    await row.getByText('Token budget: 50,000, Per day').waitFor();
    const access = section.getByRole('table', { name: /^Which teams may use each model/ });
    await access.getByRole('group', { name: 'Teams allowed to use chat' }).waitFor();
    await saveScreenshot(owner, 'admin-quotas');
    await expectNoSeriousViolations(owner);
  });

  it('shows the provider’s refusal of a wrong issuer, and makes a SCIM token once', async () => {
    const section = await openSection(owner, 'Single sign-on');
    await section.getByLabel('Issuer URL').fill('http://127.0.0.1:9/');
    await section.getByLabel('Client id').fill('salon');
    await section.getByRole('button', { name: 'Save single sign-on' }).click();
    await section.getByRole('alert').first().waitFor();
    expect(await section.getByRole('alert').first().innerText()).not.toBe('');

    await section.getByRole('button', { name: 'Create SCIM token' }).click();
    const token = section.getByRole('textbox', { name: 'SCIM token' });
    await token.waitFor();
    expect(await token.inputValue()).not.toBe('');
    await section.getByText('SCIM is on.').waitFor();
    await saveScreenshot(owner, 'admin-sso');
    await expectNoSeriousViolations(owner);
    await section.getByRole('button', { name: 'Revoke SCIM token' }).click();
    await owner
      .getByRole('dialog', { name: 'Revoke SCIM token' })
      .getByRole('button', { name: 'Revoke SCIM token' })
      .click();
    await section.getByText('SCIM is off.').waitFor();
  });

  it('charts the usage of the chat and breaks it down by model, team and user', async () => {
    const section = await openSection(owner, 'Usage');
    await section.getByRole('img', { name: /^Tokens by day, by model/ }).waitFor();
    await section.getByRole('img', { name: /^Cost by day \(USD\), by model/ }).waitFor();
    await section
      .getByRole('table', { name: 'By model' })
      .getByRole('rowheader', { name: 'chat', exact: true })
      .waitFor();
    await section
      .getByRole('table', { name: 'By user' })
      .getByRole('rowheader', { name: ownerEmail })
      .waitFor();
    await section.getByRole('table', { name: 'By team' }).waitFor();
    const csv = section.getByRole('link', { name: 'Export CSV' });
    const response = await owner.request.get(
      new URL((await csv.getAttribute('href'))!, server.url).href,
    );
    expect(response.status()).toBe(200);
    expect(response.headers()['content-type']).toContain('text/csv');
    await saveScreenshot(owner, 'admin-usage');
    await expectNoSeriousViolations(owner);
  });

  it('finds every action just done in the audit log, and filters it', async () => {
    const section = await openSection(owner, 'Audit log');
    const table = section.getByRole('table', { name: 'Audit events, newest first' });
    for (const action of [
      'team.created',
      'invitation.created',
      'invitation.accepted',
      'team.member_set',
      'user.role_changed',
      'user.erased',
      'key.created',
      'key.revoked',
      'org.updated',
      'quota.updated',
      'scim.token_created',
      'usage.exported',
    ]) {
      await table.getByRole('rowheader', { name: action, exact: true }).first().waitFor();
    }
    await saveScreenshot(owner, 'admin-audit');
    await expectNoSeriousViolations(owner);

    await section.getByLabel('Action', { exact: true }).fill('key.*');
    await section.getByRole('button', { name: 'Apply filters' }).click();
    await table
      .getByRole('rowheader', { name: 'team.created', exact: true })
      .waitFor({ state: 'detached' });
    const actions = await table.getByRole('rowheader').allInnerTexts();
    expect(actions).toEqual(['key.revoked', 'key.created']);
    const exportLink = section.getByRole('link', { name: 'Export as JSON lines' });
    expect(await exportLink.getAttribute('href')).toBe('/api/admin/audit/export?action=key.*');
  });

  it('refuses an ordinary member: no link to the console, and a refusal at /admin', async () => {
    const page = await freshPage();
    await addSessionCookie(page.context(), server.url, member.headers.cookie);
    await page.goto(server.url);
    await messageBox(page).waitFor();
    expect(await page.getByRole('link', { name: 'Admin console' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    await page.getByRole('dialog', { name: 'Settings' }).getByText('Appearance').waitFor();
    expect(await page.getByRole('link', { name: 'Admin console' }).count()).toBe(0);

    await page.goto(`${server.url}/admin/users`);
    await page
      .getByRole('alert')
      .getByText('You are not allowed to use the admin console.', { exact: false })
      .waitFor();
    expect(await page.getByRole('navigation', { name: 'Admin sections' }).count()).toBe(0);
    await saveScreenshot(page, 'admin-not-allowed');
    const teams = await page.request.get(`${server.url}/api/admin/teams`);
    expect(teams.status()).toBe(403);
  });
});
