// Single sign-on in Chromium: the sign-in page lists the organisation under "Sign in with single
// sign-on", the link leads to a real OpenID provider (oidc-provider's development login and
// consent pages), and the browser comes back signed in to the chat. A refused sign-in's reason is
// shown on the sign-in page in words, and the address bar is cleaned.
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrgScope } from '../../src/identity/org-scope.js';
import { resolveSsoInput, saveSsoSettings } from '../../src/identity/oidc/sso-settings.js';
import { createUser, defaultOrgId } from '../../src/identity/users.js';
import { hasChromium, launchChromium, newContext, saveScreenshot } from '../helpers/browser.js';
import { startTestIdp, type TestIdp } from '../helpers/test-idp.js';
import { startWebServer, type WebServer } from '../helpers/web-server.js';

const run = hasChromium('browser single sign-on');

describe.runIf(run)('single sign-on (Chromium)', { timeout: 120_000 }, () => {
  let server: WebServer;
  let browser: Browser;
  let idp: TestIdp;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    // The identity provider runs on 127.0.0.1, which the operator must allow.
    [server, browser] = await Promise.all([
      startWebServer({ env: { SALON_UPSTREAM_ALLOW: '127.0.0.1' } }),
      launchChromium(),
    ]);
    idp = await startTestIdp([
      {
        client_id: 'salon',
        client_secret: 'browser-test-secret',
        redirect_uris: [`${server.url}/api/auth/sso/callback`],
      },
    ]);
    idp.accounts.set('ada', { email: 'ada@example.com', email_verified: true, name: 'Ada' });
    const db = server.runtime.store.db;
    await createUser(db, { email: 'owner@example.com', role: 'owner', orgId: defaultOrgId });
    const scope = new OrgScope(db, defaultOrgId);
    const settings = await resolveSsoInput(scope, server.runtime.secrets, {
      issuer: idp.issuer,
      clientId: 'salon',
      clientSecret: 'browser-test-secret',
      groupsClaim: 'groups',
      groupMappings: [],
      enabled: true,
    });
    await saveSsoSettings(scope, server.runtime.secrets, settings);
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await idp?.close();
    await server?.close();
  });

  it('signs in through the identity provider from the sign-in page', async () => {
    const context = await newContext(browser);
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(server.url);
    // The password form keeps its contract names.
    await expect.poll(() => page.getByLabel('Email').count()).toBe(1);
    const section = page.getByRole('region', { name: 'Sign in with single sign-on' });
    await section.getByRole('link', { name: 'Salon' }).click();
    await page.locator('input[name="login"]').fill('ada');
    await page.locator('input[name="password"]').fill('anything');
    await page.getByRole('button', { name: 'Sign-in' }).click();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('textbox', { name: 'Message' }).waitFor({ timeout: 30_000 });
    expect(new URL(page.url()).origin).toBe(server.url);
    const state = await page.evaluate(
      async () =>
        (await (await fetch('/api/auth/state')).json()) as { user: { email: string } | null },
    );
    expect(state.user).toMatchObject({ email: 'ada@example.com' });
  });

  it('shows why a sign-in was refused, in words, and cleans the address bar', async () => {
    const context = await newContext(browser);
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${server.url}/?sso_error=sso_other_org`);
    const alert = page.getByRole('alert');
    await expect
      .poll(() => alert.textContent())
      .toContain('already has an account in another organisation');
    expect(new URL(page.url()).search).toBe('');
    await page.goto(`${server.url}/?sso_error=<b>made-up</b>`);
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('did not work');
    await saveScreenshot(page, 'sso-sign-in-error');
  });
});
