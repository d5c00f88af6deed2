// bench/search: full-text search over 100,000 messages through Salon's own code path
// (`searchConversations`, as GET /api/search calls it) against the index alone, per dialect.
//
//   npm run bench:search [-- --messages N --conversations N --per-kind N --dialects sqlite,postgres --json]
//
// Each dialect gets a fresh database (a temp dir; a throwaway Postgres schema, dropped after),
// seeded through Salon's migrations with the same generated corpus. Every query runs once on
// each side, back to back, the order flipping from one query to the next.
import { sql } from 'kysely';
import { searchConversations } from '../../src/chat/search.js';
import type { Store } from '../../src/store/create-database.js';
import type { MessageSearchHit } from '../../src/store/search.js';
import type { DialectName } from '../../src/store/store-dialect.js';
import { openFreshStore, runnableDialects } from '../fresh-store.js';
import { benchCommand } from '../machine.js';
import { searchIndexAlone } from './baseline.js';
import { defaultShape, generateCorpus, type Corpus } from './corpus.js';
import { parseSearchBenchOptions, type SearchBenchOptions } from './options.js';
import { benchQueries, queryUsers, type BenchQuery } from './queries.js';
import {
  formatReport,
  loadAverage,
  machine,
  summariseDialect,
  type DialectReport,
  type SearchBenchReport,
  type Timing,
} from './report.js';
import { seedStore } from './seed.js';

// Results per search, as the web UI asks for them.
const limit = 20;
// Unmeasured queries first, so that the first measured ones don't pay for cold caches.
const warmupQueries = 30;

const log = (line: string) => console.error(line);

async function time(work: () => Promise<unknown>): Promise<number> {
  const startedAt = performance.now();
  await work();
  return performance.now() - startedAt;
}

// Times every query on both sides; every hit must belong to the user who searched.
async function timeQueries(
  store: Store,
  queries: readonly BenchQuery[],
  owners: ReadonlyMap<string, string>,
): Promise<Timing[]> {
  const salon = (query: BenchQuery) => searchConversations(store, query.userId, query.text, limit);
  const baseline = (query: BenchQuery) => searchIndexAlone(store, query.text);
  for (const query of queries.slice(0, warmupQueries)) {
    await salon(query);
    await baseline(query);
  }
  const timings: Timing[] = [];
  for (const [index, query] of queries.entries()) {
    let hits: MessageSearchHit[] = [];
    const runSalon = () => time(async () => (hits = await salon(query)));
    const runBaseline = () => time(() => baseline(query));
    let salonMs: number;
    let baselineMs: number;
    if (index % 2) {
      baselineMs = await runBaseline();
      salonMs = await runSalon();
    } else {
      salonMs = await runSalon();
      baselineMs = await runBaseline();
    }
    const stranger = hits.find((hit) => owners.get(hit.messageId) !== query.userId);
    if (stranger) {
      throw new Error(`'${query.text}' as ${query.userId} found ${stranger.messageId}, not theirs`);
    }
    timings.push({ query, salonMs, baselineMs, hits: hits.length });
  }
  return timings;
}

async function benchDialect(
  dialect: DialectName,
  corpus: Corpus,
  queries: readonly BenchQuery[],
): Promise<DialectReport> {
  const { store, drop } = await openFreshStore(dialect, 'search');
  try {
    log(`${dialect}: seeding ${corpus.messageCount} messages…`);
    const seedSeconds = await seedStore(store, corpus);
    // What autovacuum would have done by the time a database holds this many messages.
    if (dialect === 'postgres') await sql`vacuum analyze`.execute(store.db);
    log(`${dialect}: seeded in ${seedSeconds.toFixed(1)} s; timing ${queries.length} queries…`);
    const owners = new Map(
      corpus.conversations.flatMap((conversation) =>
        conversation.messages.map((message) => [message.id, conversation.userId] as const),
      ),
    );
    return summariseDialect(dialect, seedSeconds, await timeQueries(store, queries, owners));
  } finally {
    await store.close();
    await drop();
  }
}

async function main(): Promise<void> {
  let options: SearchBenchOptions;
  try {
    options = parseSearchBenchOptions(process.argv.slice(2));
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 2;
    return;
  }
  const { dialects } = await runnableDialects(options.dialects);
  const shape = {
    ...defaultShape,
    messages: options.messages,
    conversations: options.conversations,
  };
  const loadBefore = loadAverage();
  log(`generating ${shape.messages} messages…`);
  const corpus = generateCorpus(shape);
  const queries = benchQueries(corpus, options.perKind, shape.seed + 1);
  const reports: DialectReport[] = [];
  for (const dialect of dialects) reports.push(await benchDialect(dialect, corpus, queries));
  const report: SearchBenchReport = {
    date: new Date().toISOString(),
    machine: machine(),
    load: { before: loadBefore, after: loadAverage() },
    command: benchCommand('bench:search'),
    corpus: {
      messages: corpus.messageCount,
      conversations: corpus.conversations.length,
      vocabulary: shape.vocabulary,
      rareWords: corpus.tailWords.length,
      // Messages owned by each user the queries are asked as.
      searchers: queryUsers
        .map((user) => `${user.label} ${corpus.messagesByUser.get(user.id) ?? 0}`)
        .join(', '),
      limit,
    },
    dialects: reports,
  };
  console.log(options.json ? JSON.stringify(report, null, 2) : formatReport(report));
}

await main();
