// One measured visit of a conversation in Chromium: open it and time the first paint of its
// newest message, then send a message and watch the main thread while the reply streams.
// The whole visit is traced (scheduler tasks and the probe's marks only, unless profiling),
// which gives every task's length and its CPU time.
import { readFile, writeFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import type { SourceLocator } from './cpu-profile.js';
import { profileCategories, profileWindow, type WindowProfile } from './profile.js';
import type { SeededConversation } from './seed.js';
import type { BenchServer } from './server.js';
import {
  mainThreadTasks,
  markTime,
  pageMainThread,
  parseTrace,
  tasksIn,
  type TraceEvent,
  type TraceTask,
} from './trace.js';

const probeSource = readFile(new URL('./probe.js', import.meta.url), 'utf8');

// Tasks this soon after the reply's end still belong to it: once a run has finished, the UI
// reloads the conversation (every message of it) and the conversation list.
const settleAfterReplyMs = 1000;

// What probe.js logs once the newest message has painted.
const paintedMessage = 'salon-bench: newest message painted';

// The light trace: scheduler tasks (with CPU time) and marks, which barely slow the page.
const taskCategories = ['toplevel', 'blink.user_timing'];

/** The streamed reply and its pace. */
export interface StreamOptions {
  text: string;
  tokens: number;
  tokensPerSecond: number;
}

/** What one visit measured (milliseconds unless named otherwise). */
export interface VisitResult {
  messages: number;
  /** Navigation start → first paint of the newest message's text (Element Timing). */
  newestPaintMs: number;
  /** The cross-check: navigation start → end of the first frame after it entered the DOM. */
  newestFrameMs: number;
  /** Whether the newest message was on screen once painted (the list opens at the bottom). */
  newestVisible: boolean;
  /** The way there: the app's script has run (DOMContentLoaded, as module scripts defer it)… */
  domContentLoadedMs: number;
  /** …GET /api/auth/state sent and answered… */
  authStateSentMs: number;
  authStateDoneMs: number;
  /** …GET /api/conversations/:id sent and answered, and its size on the wire. */
  conversationSentMs: number;
  conversationDoneMs: number;
  conversationTransferBytes: number;
  /** Main-thread CPU time until the newest message was painted, and the longest task then. */
  loadCpuMs: number;
  loadLongestTaskMs: number;
  loadLongestTaskCpuMs: number;
  /** From the send to the reply's end + 1 s: tasks of 50 ms or more (Long Tasks API). */
  streamLongTasks: number;
  /** …the longest task of any length (trace), and the most CPU time one task took. */
  streamLongestTaskMs: number;
  streamLongestTaskCpuMs: number;
  /** …and the share of that window the main thread spent on the CPU. */
  streamCpuShare: number;
  /** Send → first text shown; first text → the reply's end. */
  replyFirstTextMs: number;
  replyStreamMs: number;
  /** The pace the page received: the fake upstream's timers fall behind on a busy machine. */
  replyTokensPerSecond: number;
}

/** Where a profiled visit's time went: the load, then the reply. */
export interface VisitProfile {
  load: WindowProfile;
  reply: WindowProfile;
}

/** The probe's state as seen from here (probe.js). */
interface ProbeWindow {
  __salonBench?: {
    elementPaints: number[];
    newestFrameAt: number | null;
    reply: { endedAt: number | null };
    loadSummary(conversationPath: string): LoadSummary;
    clockMark(): number;
    watchReply(): void;
    replySummary(untilMs: number): ReplySummary;
  };
}

type LoadSummary = Pick<
  VisitResult,
  | 'newestPaintMs'
  | 'newestFrameMs'
  | 'newestVisible'
  | 'domContentLoadedMs'
  | 'authStateSentMs'
  | 'authStateDoneMs'
  | 'conversationSentMs'
  | 'conversationDoneMs'
  | 'conversationTransferBytes'
>;

interface ReplySummary {
  streamLongTasks: number;
  longTaskApiLongestMs: number;
  replyFirstTextMs: number;
  replyStreamMs: number;
}

/**
 * Opens the conversation in a fresh browser profile and measures a visit. With `profiling`,
 * the trace also records JS samples (the page runs slower: those timings are not comparable
 * with the others), is saved to `traceFile` for DevTools, and is summarised.
 */
export async function measureVisit(
  browser: Browser,
  server: BenchServer,
  conversation: SeededConversation,
  stream: StreamOptions,
  profiling?: { locator: SourceLocator; traceFile: string },
): Promise<{ result: VisitResult; profile?: VisitProfile }> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    locale: 'en-US',
    colorScheme: 'light',
  });
  let tracing = false;
  try {
    const [name, value] = server.owner.headers.cookie.split('=') as [string, string];
    await context.addCookies([{ name, value, url: server.url, httpOnly: true, sameSite: 'Lax' }]);
    const config = { newestMessageId: conversation.newestMessageId, paintedMessage };
    await context.addInitScript({
      content: `window.__salonBenchConfig = ${JSON.stringify(config)};\n${await probeSource}`,
    });
    const page = await context.newPage();
    await browser.startTracing(page, {
      categories: profiling ? profileCategories : taskCategories,
    });
    tracing = true;
    const load = await measureLoad(page, server, conversation);
    const clockAt = await page.evaluate(() =>
      (globalThis as ProbeWindow).__salonBench!.clockMark(),
    );
    await settle(page);
    const reply = await measureReply(page, server, stream);
    tracing = false;
    const trace = await browser.stopTracing();
    if (profiling) await writeFile(profiling.traceFile, trace);
    const events = parseTrace(trace);
    const thread = pageMainThread(events);
    const tasks = mainThreadTasks(events, thread);
    const windows = traceWindows(events, clockAt, load.newestPaintMs);
    const loadTasks = tasksIn(tasks, windows.navigationAt, windows.paintedAt);
    const replyTasks = tasksIn(tasks, windows.sentAt, windows.replyUntil);
    const longest = (list: readonly TraceTask[], key: 'durationMs' | 'cpuMs') =>
      Math.max(0, ...list.map((task) => task[key]));
    const cpu = (list: readonly TraceTask[]) => list.reduce((sum, task) => sum + task.cpuMs, 0);
    const result: VisitResult = {
      messages: conversation.messages,
      ...load,
      loadCpuMs: cpu(loadTasks),
      loadLongestTaskMs: longest(loadTasks, 'durationMs'),
      loadLongestTaskCpuMs: longest(loadTasks, 'cpuMs'),
      streamLongTasks: reply.streamLongTasks,
      streamLongestTaskMs: Math.max(reply.longTaskApiLongestMs, longest(replyTasks, 'durationMs')),
      streamLongestTaskCpuMs: longest(replyTasks, 'cpuMs'),
      streamCpuShare: cpu(replyTasks) / (windows.replyUntil - windows.sentAt),
      replyFirstTextMs: reply.replyFirstTextMs,
      replyStreamMs: reply.replyStreamMs,
      replyTokensPerSecond: stream.tokens / (reply.replyStreamMs / 1000),
    };
    if (!profiling) return { result };
    const { locator } = profiling;
    return {
      result,
      profile: {
        load: await profileWindow('load', events, thread, locator, [
          windows.navigationAt,
          windows.paintedAt,
        ]),
        reply: await profileWindow('reply', events, thread, locator, [
          windows.sentAt,
          windows.replyUntil,
        ]),
      },
    };
  } finally {
    if (tracing) await browser.stopTracing().catch(() => undefined);
    await context.close();
  }
}

/** The visit's windows on the trace's clock (ms), from the probe's marks. */
function traceWindows(events: readonly TraceEvent[], clockAt: number, newestPaintMs: number) {
  const clock = markTime(events, 'salon-bench-clock');
  const sentAt = markTime(events, 'salon-bench-send');
  const endedAt = markTime(events, 'salon-bench-reply-end');
  if (clock === undefined || sentAt === undefined || endedAt === undefined) {
    throw new Error('the trace lacks the probe marks (category blink.user_timing)');
  }
  // The page's clock starts at the navigation: its 0 is `clock - clockAt` on the trace's.
  const navigationAt = clock - clockAt;
  return {
    navigationAt,
    paintedAt: navigationAt + newestPaintMs,
    sentAt,
    replyUntil: endedAt + settleAfterReplyMs,
  };
}

async function measureLoad(
  page: Page,
  server: BenchServer,
  conversation: SeededConversation,
): Promise<LoadSummary> {
  const conversationPath = `/api/conversations/${encodeURIComponent(conversation.id)}`;
  // Nothing of Playwright's runs in the page until then (see probe.js).
  const painted = page.waitForEvent('console', {
    predicate: (message) => message.text() === paintedMessage,
    timeout: 60_000,
  });
  await page.goto(new URL(`/c/${encodeURIComponent(conversation.id)}`, server.url).href, {
    waitUntil: 'commit',
  });
  await painted;
  return page.evaluate(
    (path) => (globalThis as ProbeWindow).__salonBench!.loadSummary(path),
    conversationPath,
  );
}

/** Waits for what the load set off: lazy chunks (highlighter, KaTeX), highlighting, the list. */
async function settle(page: Page): Promise<void> {
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(500);
}

async function measureReply(
  page: Page,
  server: BenchServer,
  stream: StreamOptions,
): Promise<ReplySummary> {
  server.upstream.script = [
    {
      kind: 'reply',
      text: stream.text,
      chunks: stream.tokens,
      chunkDelayMs: 1000 / stream.tokensPerSecond,
    },
  ];
  await page
    .getByRole('textbox', { name: 'Message', exact: true })
    .fill('Show me one more example, with code.');
  // Found before the send is marked: Playwright's role query walks the whole page (~15 ms).
  const send = await page.getByRole('button', { name: 'Send', exact: true }).boundingBox();
  if (!send) throw new Error('no Send button on screen');
  await page.evaluate(() => (globalThis as ProbeWindow).__salonBench!.watchReply());
  await page.mouse.click(send.x + send.width / 2, send.y + send.height / 2);
  const timeout = 60_000 + (stream.tokens / stream.tokensPerSecond) * 3000;
  await page.waitForFunction(
    () => (globalThis as ProbeWindow).__salonBench!.reply.endedAt !== null,
    undefined,
    { timeout, polling: 100 },
  );
  await page.waitForTimeout(settleAfterReplyMs);
  return page.evaluate((settleMs) => {
    const probe = (globalThis as ProbeWindow).__salonBench!;
    return probe.replySummary(probe.reply.endedAt! + settleMs);
  }, settleAfterReplyMs);
}
