// bench/web: the web UI's bundle and a long conversation in Chromium, each against its
// baseline in the same run.
//
//   npm run bench:web [-- --runs N --messages N --baseline-messages N --tokens-per-second N
//                         --stream-seconds N --no-build --profile --bundle-only --json]
//
// 1. Bundle: builds web/ and sums the gzipped JS + CSS that index.html loads up front, against
//    the goal (250 kB); lazy chunks are listed apart.
// 2. Long chat: Salon in process (SQLite, a fake OpenAI-style upstream streaming at
//    --tokens-per-second), a conversation of --messages seeded straight into the store, opened
//    in headless Chromium: first paint of its newest message, then the main thread while a
//    reply streams for --stream-seconds. Baseline: the same on a conversation holding only the
//    last --baseline-messages of the same transcript. Each visit is a fresh browser profile on
//    a fresh conversation; the sizes alternate, after one unmeasured visit of each.
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../../tests/helpers/browser.js';
import { updateConversation } from '../../src/chat/conversations.js';
import { chunkComposition } from './bundle-composition.js';
import {
  buildSourceMaps,
  buildWebUi,
  measureBundle,
  measureServed,
  type BundleReport,
} from './bundle.js';
import { SourceLocator } from './cpu-profile.js';
import { DistGuard } from './dist-guard.js';
import {
  measureVisit,
  type StreamOptions,
  type VisitProfile,
  type VisitResult,
} from './long-chat.js';
import { parseWebBenchOptions, type WebBenchOptions } from './options.js';
import { averageProfiles } from './profile.js';
import {
  formatReport,
  loadAverage,
  machine,
  revision,
  summariseSize,
  type LongChatReport,
  type WebBenchReport,
} from './report.js';
import { seedConversation } from './seed.js';
import { startBenchServer, type BenchServer } from './server.js';
import { generateTranscript, streamedReply, type TranscriptMessage } from './transcript.js';

const distDir = path.resolve('web', 'dist');
// Debian's Chromium, as the browser suites use it (SALON_CHROMIUM overrides).
const tracesDir = path.resolve('artifacts', 'bench-web');
// Profiled visits per size: enough to average out one unlucky visit.
const profiledVisits = 3;

const log = (line: string) => console.error(line);

/** What every visit needs. */
interface VisitContext {
  browser: Browser;
  server: BenchServer;
  guard: DistGuard;
  transcript: readonly TranscriptMessage[];
  stream: StreamOptions;
}

// A visit during which web/dist changed is measured again, this many times at most.
const attemptsPerVisit = 3;

/**
 * Seeds a fresh conversation of the transcript's last `count` messages, visits it, then
 * archives it so that every visit sees the same conversation list. Not deleted: on SQLite,
 * deleting a branch deeper than 1,000 messages fails ("too many levels of trigger recursion",
 * the parent_id cascade).
 */
async function visit(
  { browser, server, guard, transcript, stream }: VisitContext,
  count: number,
  profiling?: Parameters<typeof measureVisit>[4],
): ReturnType<typeof measureVisit> {
  const { db } = server.runtime.store;
  const userId = server.owner.user.id;
  for (let attempt = 1; ; attempt += 1) {
    await guard.restore();
    const conversation = await seedConversation(
      db,
      userId,
      `Bench: ${count} messages`,
      transcript.slice(-count),
    );
    try {
      const measured = await measureVisit(browser, server, conversation, stream, profiling);
      if (await guard.intact()) return measured;
      if (attempt === attemptsPerVisit) throw new Error('web/dist keeps changing: rerun later');
      log('web/dist changed during the visit: measuring it again');
    } finally {
      await updateConversation(db, userId, conversation.id, { archived: true });
    }
  }
}

async function benchLongChat(
  options: WebBenchOptions,
  context: VisitContext,
): Promise<LongChatReport> {
  const sizes = [options.messages, options.baselineMessages];
  log('warm-up visits…');
  for (const count of sizes) await visit(context, count);
  const results = new Map(sizes.map((count) => [count, [] as VisitResult[]]));
  for (let run = 0; run < options.runs; run += 1) {
    for (const count of run % 2 ? [...sizes].reverse() : sizes) {
      const { result } = await visit(context, count);
      results.get(count)!.push(result);
      log(
        `run ${run + 1}/${options.runs}, ${count} messages: newest painted at ` +
          `${Math.round(result.newestPaintMs)} ms, longest task while streaming ` +
          `${Math.round(result.streamLongestTaskMs)} ms ` +
          `(CPU ${Math.round(result.streamLongestTaskCpuMs)} ms)`,
      );
    }
  }
  const { stream } = context;
  return {
    runs: options.runs,
    stream: {
      tokens: stream.tokens,
      tokensPerSecond: stream.tokensPerSecond,
      characters: stream.text.length,
    },
    long: summariseSize(options.messages, results.get(options.messages)!),
    baseline: summariseSize(options.baselineMessages, results.get(options.baselineMessages)!),
  };
}

/** Profiled visits of each size, and what the initial chunks are made of. */
async function profile(
  context: VisitContext,
  sizes: readonly number[],
  bundle: BundleReport,
): Promise<NonNullable<LongChatReport['profiles']>> {
  const mapsDir = await mkdtemp(path.join(os.tmpdir(), 'salon-bench-web-maps-'));
  try {
    log('building source maps for the profile…');
    if (!(await buildSourceMaps(mapsDir, distDir))) {
      log('WARNING: web/dist was not built from these sources: names may be wrong');
    }
    bundle.composition = {};
    for (const asset of bundle.initial.filter((asset) => asset.kind === 'js')) {
      bundle.composition[asset.file] = await chunkComposition(mapsDir, asset.file);
    }
    const locator = new SourceLocator(mapsDir);
    await mkdir(tracesDir, { recursive: true });
    const profiles: NonNullable<LongChatReport['profiles']> = [];
    for (const count of sizes) {
      const visits: VisitProfile[] = [];
      for (let index = 1; index <= profiledVisits; index += 1) {
        const traceFile = path.join(tracesDir, `trace-${count}-messages-${index}.json`);
        log(
          `profiling ${count} messages (${index}/${profiledVisits}) → ` +
            path.relative('.', traceFile),
        );
        const { profile } = await visit(context, count, { locator, traceFile });
        visits.push(profile!);
      }
      profiles.push({
        messages: count,
        visits: visits.length,
        load: averageProfiles(visits.map((visit) => visit.load)),
        reply: averageProfiles(visits.map((visit) => visit.reply)),
      });
    }
    return profiles;
  } finally {
    await rm(mapsDir, { recursive: true, force: true });
  }
}

/** Starts Salon and Chromium, runs the long-chat part, and stops them. */
async function runInBrowser(
  options: WebBenchOptions,
  guard: DistGuard,
  bundle: BundleReport,
): Promise<{ longChat: LongChatReport; chromium: string }> {
  const tokens = options.tokensPerSecond * options.streamSeconds;
  const server = await startBenchServer();
  try {
    bundle.served = await measureServed(server.url, bundle.initial);
    const browser = await launchChromium();
    try {
      const context: VisitContext = {
        browser,
        server,
        guard,
        transcript: generateTranscript(options.messages),
        stream: { text: streamedReply(tokens), tokens, tokensPerSecond: options.tokensPerSecond },
      };
      const longChat = await benchLongChat(options, context);
      if (options.profile) {
        longChat.profiles = await profile(
          context,
          [options.messages, options.baselineMessages],
          bundle,
        );
      }
      return { longChat, chromium: browser.version() };
    } finally {
      await browser.close();
    }
  } finally {
    await server.close();
  }
}

async function main(): Promise<void> {
  let options: WebBenchOptions;
  try {
    options = parseWebBenchOptions(process.argv.slice(2));
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 2;
    return;
  }
  const loadBefore = loadAverage();
  if (!options.noBuild) {
    log('npm run build:web…');
    buildWebUi();
  }
  const guard = await DistGuard.watch(distDir, !options.noBuild, log);
  const bundle = await measureBundle(distDir);
  const browserPart = options.bundleOnly ? undefined : await runInBrowser(options, guard, bundle);
  const report: WebBenchReport = {
    date: new Date().toISOString(),
    revision: revision(),
    machine: machine(browserPart?.chromium ?? 'not run'),
    load: { before: loadBefore, after: loadAverage() },
    command: [
      'npm run bench:web',
      ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : []),
    ].join(' '),
    bundle,
    ...(browserPart && { longChat: browserPart.longChat }),
    ...(guard.replaced && { distReplaced: guard.replaced }),
  };
  console.log(options.json ? JSON.stringify(report, null, 2) : formatReport(report));
}

await main();
