// Headless Chromium for the browser suites: Debian's own binary driven by playwright-core (no
// browser download). A machine without it skips the suites loudly, and fails under
// SALON_REQUIRE_ALL=1 (CI).
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { canRun } from './shared-files.js';

/** The Chromium binary: SALON_CHROMIUM, or Debian's. */
export const chromiumPath = process.env.SALON_CHROMIUM ?? '/usr/bin/chromium';

/** Where the suites save screenshots (artifacts/ is gitignored). */
export const screenshotsDir = path.resolve('artifacts', 'screenshots');

/** True when Chromium is installed (or fails under SALON_REQUIRE_ALL). */
export function hasChromium(suite: string): boolean {
  return canRun(
    suite,
    existsSync(chromiumPath),
    `${chromiumPath} not found (apt-get install -y chromium, or set SALON_CHROMIUM)`,
  );
}

/** Starts headless Chromium. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      // Each new window (every fresh context) otherwise builds the omnibox's hidden WebUI popup
      // in a renderer of its own: about every other window, 0.4-1 s of CPU in its first second,
      // which on two cores is taken from the page under test.
      '--disable-features=WebUIOmniboxPopup,WebUIOmniboxAimPopup,WebUIOmniboxFullPopup',
    ],
  });
}

/** A fresh browser profile (no cookies, no storage) on a desktop-sized screen. */
export async function newContext(
  browser: Browser,
  options: Parameters<Browser['newContext']>[0] = {},
): Promise<BrowserContext> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    locale: 'en-US',
    colorScheme: 'light',
    reducedMotion: 'reduce',
    ...options,
  });
  // Fail fast: nothing on a local page should take longer (replies wait with their own timeout).
  context.setDefaultTimeout(20_000);
  return context;
}

/** Signs a browser profile in with a session cookie (see sign-in.ts's `signIn`). */
export async function addSessionCookie(
  context: BrowserContext,
  baseUrl: string,
  cookieHeader: string,
): Promise<void> {
  const [name, value] = cookieHeader.split('=') as [string, string];
  await context.addCookies([{ name, value, url: baseUrl, httpOnly: true, sameSite: 'Lax' }]);
}

/** Saves a screenshot of the page as artifacts/screenshots/<name>.png. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  await mkdir(screenshotsDir, { recursive: true });
  const file = path.join(screenshotsDir, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}
