// Fault suite, scenario 2 (docs/scale-out.md, "Fault suite"): Redis paused for 10 s
// (`CLIENT PAUSE 10000 ALL`: every command of every client waits) while replies stream on both
// replicas. The Redis server is the scenario's own, so no other suite is paused. While it lasts,
// turns are still taken and /v1 still answers (rate limits go through); followers are cut and
// resume with Last-Event-ID. Afterwards every reply ends in a final state (`complete`, or `error`
// when one of its appends waited past the bus's 10 s), and every follower saw exactly the text of
// the reply's row, each event once, ending with the row's outcome.
import { afterAll, describe, expect, it } from 'vitest';
import type { RedisServer } from '../helpers/redis-server.js';
import { storyOf } from '../helpers/salon-session.js';
import {
  canRunFaultSuite,
  cleanupList,
  startChaosSalon,
  startChatUpstreams,
} from './chaos-salon.js';
import { printFigures, tally } from './figures.js';
import {
  expectFollowerMatchesRow,
  expectNothingStreaming,
  request,
  startFollowedRuns,
  userMessages,
  waitUntilFinal,
  waitUntilStreamed,
} from './workload.js';

const runnable = await canRunFaultSuite('Redis paused');
const pauseMs = 10_000;
// 60 words at 100 ms: 6 s of generation around the 10 s pause.
const story = storyOf(60);
// What a reply whose append waited past the bus's 10 s says (src/chat/run-failure.ts).
const cutOffMessage =
  'The reply was cut off: the server could not pass it on in time. The text so far is kept; try again in a moment.';

/**
 * Pauses every client of `redis` for `ms` (`CLIENT PAUSE ms ALL`), runs `during` meanwhile, and
 * returns once the pause is over. The pause is lifted in any case, even if `during` fails.
 */
async function whilePaused<T>(redis: RedisServer, ms: number, during: () => Promise<T>) {
  const admin = redis.client();
  await admin.connect();
  try {
    await admin.call('CLIENT', 'PAUSE', String(ms), 'ALL');
    const pausedAt = performance.now();
    const result = await during();
    const left = pausedAt + ms - performance.now();
    expect(left, 'what ran during the pause outlasted it').toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, left));
    return result;
  } finally {
    // A connection of its own: this command too waits for the pause to end.
    const lift = redis.client();
    await lift.connect();
    await lift.call('CLIENT', 'UNPAUSE');
    lift.disconnect();
    admin.disconnect();
  }
}

describe.runIf(runnable)('fault suite: Redis paused for 10 s', () => {
  const cleanup = cleanupList();
  afterAll(() => cleanup.run());

  it('ends every reply, and followers see exactly what the rows hold', async () => {
    const upstreams = await startChatUpstreams(
      [{ kind: 'reply', text: story, chunks: 60, chunkDelayMs: 100 }],
      cleanup.add,
    );
    const salon = await startChaosSalon({
      yaml: [
        ...upstreams.yaml,
        // Limits that need Redis, to show they go through while it does not answer.
        'limits:',
        '  per_user: { rpm: 1000 }',
      ],
      env: { SALON_RUN_HEARTBEAT: '0.5' },
      cleanup: cleanup.add,
    });
    const { replicas, store, session } = salon;
    const runs = await startFollowedRuns(session, replicas, 2, { deadlineMs: 90_000 });
    await waitUntilStreamed(
      store,
      runs.map((run) => run.messageId),
      5,
    );

    const { duringPause, v1During } = await whilePaused(salon.redis, pauseMs, async () => {
      // Followers lose their connection mid-pause and come back with Last-Event-ID.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      for (const run of runs.filter((_, index) => index % 2 === 0)) {
        run.follower.dropConnection();
      }
      // Turns are still taken: the user's message is committed before anything touches Redis.
      const turns = await startFollowedRuns(session, replicas, 1, { deadlineMs: 90_000 });
      // /v1 answers: its rate limit cannot be counted and goes through.
      const v1 = await request(`${replicas[0]!.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${salon.apiKey}`, 'content-type': 'application/json' },
        body: { model: 'chat', messages: [{ role: 'user', content: 'Hi' }] },
      });
      return { duringPause: turns, v1During: v1 };
    });
    const unpausedAt = performance.now();
    expect(v1During.status).toBe(200);

    const everyRun = [...runs, ...duringPause];
    const ids = everyRun.map((run) => run.messageId);
    const rows = await waitUntilFinal(store, ids, 40_000);
    const finalMs = Math.round(performance.now() - unpausedAt);
    for (const row of rows) {
      expect(['complete', 'error']).toContain(row.status);
      if (row.status === 'complete') expect(row.content).toBe(story);
      else {
        expect(story.startsWith(row.content)).toBe(true);
        expect(row.error).toBe(cutOffMessage);
      }
    }
    const follows = await Promise.all(everyRun.map((run) => run.follower.done));
    for (const [index, follow] of follows.entries()) expectFollowerMatchesRow(follow, rows[index]!);
    await expectNothingStreaming(store);
    const users = await userMessages(
      store,
      everyRun.map((run) => run.conversationId),
    );
    for (const contents of users.values()) expect(contents).toEqual(['Tell me a long story']);

    // The followers' view: how soon events came again, and the longest wait between two.
    const firstAfter = Math.min(
      ...follows.flatMap((follow) => follow.receivedAt.filter((at) => at > unpausedAt)),
    );
    const longestSilence = Math.max(
      ...follows.flatMap((follow) =>
        follow.receivedAt.slice(1).map((at, index) => at - follow.receivedAt[index]!),
      ),
    );
    printFigures('Redis paused 10 s (CLIENT PAUSE ALL), 2 replicas', [
      [
        'replies streaming when paused',
        `${runs.length}: ${tally(rows.slice(0, runs.length).map((r) => r.status))}`,
      ],
      [
        'turns posted during the pause',
        `${duringPause.length}: ${tally(rows.slice(runs.length).map((r) => r.status))}`,
      ],
      ['/v1 request during the pause', `${v1During.status} in ${v1During.ms} ms`],
      ['first event to a follower after the pause', `${Math.round(firstAfter - unpausedAt)} ms`],
      ['longest wait between two events', `${Math.round(longestSilence)} ms`],
      ['every reply final (they stream on)', `${finalMs} ms after the pause`],
      [
        'followers',
        `${follows.length}, each event once, text = row; ${follows.reduce((sum, f) => sum + f.reconnects, 0)} reconnects`,
      ],
    ]);
  });
});
