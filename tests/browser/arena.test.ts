// The arena in Chromium, over two fake upstream models: a prompt streams two anonymous answers
// side by side, the vote reveals which model wrote which, and the leaderboard then rates both
// (with the published MMLU scores marked as such). axe-core checks each new screen.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAxe, serious } from '../helpers/axe.js';
import {
  addSessionCookie,
  hasChromium,
  launchChromium,
  newContext,
  saveScreenshot,
} from '../helpers/browser.js';
import {
  messageBox,
  replyTimeout,
  sendMessage,
  shownText,
  stopButton,
  waitForReplyEnd,
} from '../helpers/chat-page.js';
import { summarize } from '../../src/evals/mmlu/results.js';
import { createRun, finishRun, setRunMethod } from '../../src/evals/mmlu/run-store.js';
import { startFakeOpenAI, type FakeUpstream } from '../helpers/fake-openai.js';
import { signIn } from '../helpers/sign-in.js';
import { salonConfig, startWebServer, type WebServer } from '../helpers/web-server.js';

const run = hasChromium('browser arena');

// Neither text names its model, so any model name on the page before the vote is a leak.
const answers: Record<string, string> = {
  alpha: 'The Loire, by far: about one thousand kilometres.',
  beta: 'It is the Loire river, which flows into the Atlantic.',
};

describe.runIf(run)('arena battle in the browser', () => {
  let server: WebServer;
  let upstreams: FakeUpstream[];
  let browser: Browser;
  let cookie: string;
  const contexts: BrowserContext[] = [];

  async function signedInPage(options: Parameters<typeof newContext>[1] = {}): Promise<Page> {
    const context = await newContext(browser, options);
    contexts.push(context);
    await addSessionCookie(context, server.url, cookie);
    return context.newPage();
  }

  async function expectNoSeriousViolations(opened: Page): Promise<void> {
    const found = serious(await runAxe(opened));
    expect(found, JSON.stringify(found, null, 2)).toEqual([]);
  }

  beforeAll(async () => {
    // Slow streams (8 chunks, 150 ms apart) so that both answers are seen mid-way.
    upstreams = await Promise.all(
      Object.values(answers).map((text) =>
        startFakeOpenAI([{ kind: 'reply', text, chunks: 8, chunkDelayMs: 150 }]),
      ),
    );
    [server, browser] = await Promise.all([
      startWebServer({
        config: salonConfig({ upstreams: { alpha: upstreams[0]!.url, beta: upstreams[1]!.url } }),
      }),
      launchChromium(),
    ]);
    cookie = (await signIn(server.runtime.store.db, { role: 'member' })).headers.cookie;
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await Promise.all((upstreams ?? []).map((upstream) => upstream.close()));
  });

  it('streams two answers side by side, reveals the models after the vote, and rates them', async () => {
    const page = await signedInPage();
    await page.goto(server.url);
    await page.getByRole('link', { name: 'Arena', exact: true }).click();
    await page.getByRole('heading', { name: 'Arena', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/arena');
    await messageBox(page).waitFor();
    await expectNoSeriousViolations(page);

    await sendMessage(page, 'Which is the longest river in France?');
    const sideA = page.getByRole('region', { name: 'Model A', exact: true });
    const sideB = page.getByRole('region', { name: 'Model B', exact: true });
    // Both answers are under way at once: some text on each side while "Stop" is still shown.
    await stopButton(page).waitFor();
    await expect.poll(async () => (await shownText(sideA)).length > 'Model A'.length).toBe(true);
    await expect.poll(async () => (await shownText(sideB)).length > 'Model B'.length).toBe(true);
    expect(await stopButton(page).isVisible()).toBe(true);
    const vote = page.getByRole('group', { name: 'Which answer is better?' });
    expect(await vote.getByRole('button', { name: 'A is better' }).isDisabled()).toBe(true);

    await waitForReplyEnd(page);
    const textA = await shownText(sideA);
    const textB = await shownText(sideB);
    expect([textA, textB].some((text) => text.includes(answers.alpha!))).toBe(true);
    expect([textA, textB].some((text) => text.includes(answers.beta!))).toBe(true);
    // Blind until the vote: no model name anywhere on the page.
    const before = await shownText(page.locator('body'));
    expect(before).not.toMatch(/alpha|beta/i);
    await expectNoSeriousViolations(page);

    await vote.getByRole('button', { name: 'A is better' }).click();
    const thanks = page.getByRole('status').filter({ hasText: 'Thanks for voting' });
    await thanks.waitFor();
    const modelA = textA.includes(answers.alpha!) ? 'alpha' : 'beta';
    const modelB = modelA === 'alpha' ? 'beta' : 'alpha';
    await sideA.getByText(`This was ${modelA}`, { exact: true }).waitFor();
    await sideB.getByText(`This was ${modelB}`, { exact: true }).waitFor();
    expect(await shownText(thanks)).toContain(`Model A was ${modelA}, model B was ${modelB}.`);
    expect(await page.getByRole('button', { name: 'A is better' }).count()).toBe(0);
    await expectNoSeriousViolations(page);
    await saveScreenshot(page, 'arena-voted');

    await page.getByRole('link', { name: 'Leaderboard', exact: true }).first().click();
    await page.getByRole('heading', { name: 'Leaderboard', level: 1 }).waitFor();
    const arenaTable = page.getByRole('table', { name: 'Arena ratings' });
    await arenaTable.waitFor();
    const rows = arenaTable.getByRole('row');
    // The header, then the voted winner first.
    await expect.poll(() => rows.count()).toBe(3);
    expect(await shownText(rows.nth(1))).toContain(modelA);
    expect(await shownText(rows.nth(2))).toContain(modelB);
    const mmlu = page.getByRole('table', { name: 'MMLU accuracy' });
    const gpt4 = mmlu.getByRole('row').filter({ hasText: 'GPT-4' });
    expect(await shownText(gpt4)).toMatch(/86\.4[\s\S]*Published, not measured here/);
    await expectNoSeriousViolations(page);
    await saveScreenshot(page, 'leaderboard');

    const csvLink = page.getByRole('link', { name: 'Export CSV' });
    const csv = await page.request.get(
      new URL((await csvLink.getAttribute('href'))!, server.url).href,
    );
    expect(csv.status()).toBe(200);
    expect(await csv.text()).toMatch(new RegExp(`\\r\\narena,measured,${modelA},1,`));
    const json = page.getByRole('link', { name: 'Export JSON' });
    expect(await json.getAttribute('href')).toBe('/api/leaderboard/export?format=json');
  });

  it('reopens a battle from its URL mid-stream and finishes it there', async () => {
    const page = await signedInPage();
    await page.goto(`${server.url}/arena`);
    await sendMessage(page, 'Name a French river.');
    await page.waitForURL(/\/arena\?b=battle/);
    const sideA = page.getByRole('region', { name: 'Model A', exact: true });
    await expect.poll(async () => (await shownText(sideA)).length > 'Model A'.length).toBe(true);
    await page.reload();
    // Reopened from the URL: both answers end complete, with nothing lost across the reload.
    const both = async () =>
      [
        await shownText(page.getByRole('region', { name: 'Model A', exact: true })),
        await shownText(page.getByRole('region', { name: 'Model B', exact: true })),
      ].join('\n');
    await expect
      .poll(both, { timeout: replyTimeout })
      .toMatch(
        new RegExp(
          `${answers.alpha}[\\s\\S]*${answers.beta}|${answers.beta}[\\s\\S]*${answers.alpha}`,
        ),
      );
    await expect
      .poll(() => page.getByRole('button', { name: 'Tie' }).isEnabled(), { timeout: replyTimeout })
      .toBe(true);
    await page.getByRole('button', { name: 'Tie' }).click();
    await page.getByRole('status').filter({ hasText: 'Thanks for voting' }).waitFor();
    await page.getByRole('button', { name: 'New battle' }).click();
    await page.waitForURL(/\/arena$/);
    expect(await page.getByRole('region', { name: 'Model A', exact: true }).count()).toBe(0);
  });

  it('stops both answers with Escape, keeping the text so far', async () => {
    for (const upstream of upstreams) {
      upstream.script = [
        {
          kind: 'reply',
          text: 'One two three four five six seven eight.',
          chunks: 8,
          chunkDelayMs: 400,
        },
      ];
    }
    try {
      const page = await signedInPage();
      await page.goto(`${server.url}/arena`);
      await sendMessage(page, 'Count slowly.');
      const sideA = page.getByRole('region', { name: 'Model A', exact: true });
      await expect.poll(async () => (await shownText(sideA)).includes('One')).toBe(true);
      await page.keyboard.press('Escape');
      await waitForReplyEnd(page);
      await expect
        .poll(() => page.getByRole('button', { name: 'Both are bad' }).isEnabled())
        .toBe(true);
      const shown = await shownText(sideA);
      expect(shown).toContain('One');
      expect(shown).not.toContain('eight');
      const sideB = page.getByRole('region', { name: 'Model B', exact: true });
      expect(await shownText(sideB)).not.toContain('eight');
    } finally {
      for (const [index, upstream] of upstreams.entries()) {
        upstream.script = [
          { kind: 'reply', text: Object.values(answers)[index]!, chunks: 8, chunkDelayMs: 150 },
        ];
      }
    }
  });

  it('charts MMLU per subject, and passes axe in the dark theme and on a phone', async () => {
    // Two finished runs, stored as the harness stores them.
    const db = server.runtime.store.db;
    for (const [model, marks] of [
      ['alpha', [true, true, false, true]],
      ['beta', [true, false, false, false]],
    ] as const) {
      const subjects = ['anatomy', 'astronomy'];
      const run = await createRun(
        db,
        { model, split: 'test', shots: 5, subjects, dataDigest: 'd' },
        4,
      );
      await setRunMethod(db, run.id, 'chat-logprobs', model);
      const answers = marks.map((correct, index) => ({ subject: subjects[index % 2]!, correct }));
      await finishRun(db, run.id, summarize(answers));
    }
    const dark = await signedInPage({ colorScheme: 'dark' });
    const cspErrors: string[] = [];
    dark.on('console', (message) => {
      if (message.type() === 'error') cspErrors.push(message.text());
    });
    await dark.goto(`${server.url}/leaderboard`);
    await dark.getByRole('table', { name: 'Arena ratings' }).waitFor();
    const chart = dark.getByRole('img', {
      name: /MMLU accuracy of (alpha, beta|beta, alpha) on 2 subjects/,
    });
    await chart.waitFor();
    // Chart.js has drawn: the canvas got a size from its container.
    expect(
      await chart.evaluate((canvas) => (canvas as unknown as { width: number }).width),
    ).toBeGreaterThan(100);
    const mmlu = dark.getByRole('table', { name: 'MMLU accuracy' });
    expect(await shownText(mmlu.getByRole('row').filter({ hasText: 'alpha' }))).toMatch(
      /75\.0 \(\d+\.\d–\d+\.\d\)[\s\S]*Measured here \(chat-logprobs, 4 questions\)/,
    );
    await dark.getByText('Show the numbers as a table').click();
    const perSubject = dark.getByRole('table', { name: 'MMLU per subject' });
    // Columns: the newest run first (beta), then alpha.
    expect(await shownText(perSubject.getByRole('row').filter({ hasText: 'astronomy' }))).toMatch(
      /astronomy\s+0\.0\s+100\.0/,
    );
    await expectNoSeriousViolations(dark);
    await saveScreenshot(dark, 'leaderboard-dark-chart');
    expect(cspErrors).toEqual([]);
    const phone = await signedInPage({ viewport: { width: 390, height: 844 }, isMobile: true });
    await phone.goto(`${server.url}/arena`);
    await messageBox(phone).waitFor();
    await expectNoSeriousViolations(phone);
  });
});

describe.runIf(run)('arena with a single model in the browser', () => {
  let server: WebServer;
  let upstream: FakeUpstream;
  let browser: Browser;

  beforeAll(async () => {
    upstream = await startFakeOpenAI([{ kind: 'reply', text: 'Hello.' }]);
    [server, browser] = await Promise.all([
      startWebServer({ config: salonConfig({ upstreams: { lonely: upstream.url } }) }),
      launchChromium(),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await upstream?.close();
  });

  it('says that the arena needs two models, and offers no way to start a battle', async () => {
    const context = await newContext(browser);
    const { headers } = await signIn(server.runtime.store.db);
    await addSessionCookie(context, server.url, headers.cookie);
    const page = await context.newPage();
    await page.goto(`${server.url}/arena`);
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await shownText(alert)).toMatch(/needs at least two models, and this server serves 1/);
    await messageBox(page).fill('Anyone there?');
    expect(await page.getByRole('button', { name: 'Send', exact: true }).isDisabled()).toBe(true);
    const found = serious(await runAxe(page));
    expect(found, JSON.stringify(found, null, 2)).toEqual([]);
    await context.close();
  });
});
