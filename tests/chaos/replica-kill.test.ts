// Fault suite, scenario 1 (docs/scale-out.md, "Fault suite"): a replica killed with SIGKILL while
// both replicas generate replies. The dead replica's replies end `interrupted` on the survivor
// within seconds, keeping their text; every follower (those connected to the dead replica resume
// on the survivor with Last-Event-ID) gets the run's last event and exactly the row's text; the
// survivor's own replies complete; every user message is there; the survivor serves on.
import { afterAll, describe, expect, it } from 'vitest';
import { abandonedRunMessage } from '../../src/chat/run-leases.js';
import { storyOf } from '../helpers/salon-session.js';
import type { Replica } from '../helpers/replicas.js';
import {
  canRunFaultSuite,
  cleanupList,
  startChaosSalon,
  startChatUpstreams,
} from './chaos-salon.js';
import { printFigures, tally } from './figures.js';
import {
  expectFollowerMatchesRow,
  replyRows,
  startFollowedRuns,
  userMessages,
  waitUntilFinal,
  waitUntilStreamed,
} from './workload.js';

const runnable = await canRunFaultSuite('replica killed');
const heartbeatSeconds = 0.5;
// 80 words at 100 ms: 8 s, so the survivor's replies are still streaming after the kill.
const story = storyOf(80);

describe.runIf(runnable)('fault suite: a replica killed mid-reply', () => {
  const cleanup = cleanupList();
  afterAll(() => cleanup.run());

  it('ends its replies on the survivor within seconds and loses nothing committed', async () => {
    const upstreams = await startChatUpstreams(
      [{ kind: 'reply', text: story, chunks: 80, chunkDelayMs: 100 }],
      cleanup.add,
    );
    const salon = await startChaosSalon({
      yaml: upstreams.yaml,
      env: { SALON_RUN_HEARTBEAT: String(heartbeatSeconds) },
      cleanup: cleanup.add,
    });
    const [a, b] = salon.replicas as [Replica, Replica];
    const runs = await startFollowedRuns(salon.session, [a, b], 3);
    const ids = runs.map((run) => run.messageId);

    // Every reply has streamed a while (text flushed to its row) before the kill.
    await waitUntilStreamed(salon.store, ids, 5);
    const onA = runs.filter((run) => run.owner === a);
    const onB = runs.filter((run) => run.owner === b);
    expect(await a.stop('SIGKILL')).toBeNull();
    const killedAt = performance.now();

    // The survivor still takes new turns while it takes the dead replica's replies over.
    const after = await startFollowedRuns(salon.session, [b], 1);

    const interrupted = await waitUntilFinal(
      salon.store,
      onA.map((run) => run.messageId),
      15_000,
      50,
    );
    const takeoverMs = Math.round(performance.now() - killedAt);
    for (const row of interrupted) {
      expect(row).toMatchObject({ status: 'interrupted', error: abandonedRunMessage });
      expect(row.content.length).toBeGreaterThan(0);
      expect(story.startsWith(row.content)).toBe(true);
    }
    // Three heartbeats, the sweep's own period, and room for a loaded machine.
    expect(takeoverMs).toBeLessThan(heartbeatSeconds * 1000 * 3 + 4_000);

    const survivors = [...onB, ...after];
    const completed = await waitUntilFinal(
      salon.store,
      survivors.map((run) => run.messageId),
      30_000,
    );
    for (const row of completed) expect(row).toMatchObject({ status: 'complete', content: story });

    const everyRun = [...runs, ...after];
    const rows = await replyRows(
      salon.store,
      everyRun.map((run) => run.messageId),
    );
    const follows = await Promise.all(everyRun.map((run) => run.follower.done));
    for (const [index, follow] of follows.entries()) expectFollowerMatchesRow(follow, rows[index]!);
    // The followers of B's replies that were connected to A resumed on B.
    const resumed = onB.map((run) => follows[runs.indexOf(run)]!.reconnects);
    expect(resumed.every((count) => count > 0)).toBe(true);

    const users = await userMessages(
      salon.store,
      everyRun.map((run) => run.conversationId),
    );
    for (const contents of users.values()) expect(contents).toEqual(['Tell me a long story']);
    expect((await fetch(`${b.url}/readyz`)).status).toBe(200);

    // When the followers of the dead replica's replies got their last event.
    const endedAfter = Math.max(
      ...onA.map((run) => follows[runs.indexOf(run)]!.receivedAt.at(-1)! - killedAt),
    );
    printFigures('replica killed (SIGKILL) mid-reply, 2 replicas, PostgreSQL + Redis', [
      ['heartbeat', `${heartbeatSeconds * 1000} ms (take-over after 3)`],
      ['take-over of the dead replica’s replies', `${takeoverMs} ms after the kill`],
      ['their followers’ last event', `${Math.round(endedAfter)} ms after the kill (latest)`],
      ['replies', `${everyRun.length}: ${tally(rows.map((row) => row.status))}`],
      [
        'followers',
        `${follows.length}, all ended with the run's last event; ${follows.reduce((sum, f) => sum + f.reconnects, 0)} reconnects`,
      ],
      ['user messages kept', `${[...users.values()].flat().length} of ${everyRun.length}`],
    ]);
  });
});
