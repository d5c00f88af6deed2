// A chat refused by a quota, in Chromium: once the organisation's token budget is spent, sending
// shows the server's message (naming the quota and when it resets) in an alert, and the typed
// text stays in the message box, since nothing was stored (docs/quotas.md).
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertQuota } from '../../src/governance/quotas.js';
import { OrgScope } from '../../src/identity/org-scope.js';
import { defaultOrgId } from '../../src/identity/users.js';
import { addSessionCookie, hasChromium, launchChromium, newContext } from '../helpers/browser.js';
import { messageBox, messages, sendMessage, waitForReplyEnd } from '../helpers/chat-page.js';
import { startFakeOpenAI, type FakeUpstream } from '../helpers/fake-openai.js';
import { signIn } from '../helpers/sign-in.js';
import { salonConfig, startWebServer, type WebServer } from '../helpers/web-server.js';

const run = hasChromium('browser quota refusal');

describe.runIf(run)('a quota refusal in the browser', () => {
  let server: WebServer;
  let upstream: FakeUpstream;
  let browser: Browser;

  beforeAll(async () => {
    upstream = await startFakeOpenAI([{ kind: 'reply', text: 'Bonjour !', chunks: 3 }]);
    [server, browser] = await Promise.all([
      startWebServer({ config: salonConfig({ upstreams: { chat: upstream.url } }) }),
      launchChromium(),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await upstream?.close();
  });

  it('shows the quota message in an alert and keeps the text to send later', async () => {
    const db = server.runtime.store.db;
    // One reply (7 + 3 tokens) spends a budget of 5 tokens.
    await upsertQuota(new OrgScope(db, defaultOrgId), {
      scope: 'org',
      subjectId: defaultOrgId,
      budgetTokens: 5,
    });
    const { headers } = await signIn(db, { role: 'member' });
    const context = await newContext(browser);
    await addSessionCookie(context, server.url, headers.cookie);
    const page = await context.newPage();
    await page.goto(server.url);

    await sendMessage(page, 'First question');
    await waitForReplyEnd(page);
    await sendMessage(page, 'Second question');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(
      /^Your organisation .+ has used its monthly budget of 5 tokens; it resets on 1 [A-Z][a-z]+\./,
    );
    expect(await messageBox(page).inputValue()).toBe('Second question');
    expect(await messages(page, 'You').count()).toBe(1);
    await context.close();
  });
});
