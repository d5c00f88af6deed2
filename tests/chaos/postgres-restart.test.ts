// Fault suite, scenario 3 (docs/scale-out.md, "Fault suite"): PostgreSQL stopped (`pg_ctl stop -m
// fast`, as an operator's restart does: sessions are cut) for a few seconds and started again,
// while replies stream on both replicas, turns are posted and /v1 clients send requests. The
// server is the scenario's own (tests/helpers/postgres-cluster.ts), so no other suite loses its
// database. Afterwards both replicas are ready again within seconds, every reply ends in a
// final state that matches what its follower saw, every acknowledged turn and /v1 answer is in
// the database, and every client got its answer or a clear error (the API's error shape, no hang).
import { afterAll, describe, expect, it } from 'vitest';
import type { FakeBehaviour } from '../helpers/fake-openai.js';
import { hasPostgresServer, startPostgresServer } from '../helpers/postgres-cluster.js';
import type { Replica } from '../helpers/replicas.js';
import { storyOf } from '../helpers/salon-session.js';
import {
  canRunFaultSuite,
  cleanupList,
  startChaosSalon,
  startChatUpstreams,
} from './chaos-salon.js';
import { printFigures, tally } from './figures.js';
import {
  expectAnsweredOrClearError,
  expectFollowerMatchesRow,
  expectNothingStreaming,
  request,
  startFollowedRuns,
  userMessages,
  V1Load,
  waitUntilFinal,
  waitUntilStreamed,
  type Outcome,
} from './workload.js';

const runnable =
  (await canRunFaultSuite('PostgreSQL restarted')) &&
  hasPostgresServer('fault suite: PostgreSQL restarted');
const heartbeatSeconds = 0.5;
// Longer than three heartbeats (every lease looks expired when the database comes back) and
// than the 5 s API key cache (/v1 needs the database again before it is back).
const downMs = 6_000;
const story = storyOf(80);
const shortStory = storyOf(20);
const shortAnswer = 'Short answer.';
const storageUnavailableMessage = 'The database is unavailable right now. Try again in a moment.';

/** Whether an upstream request is for the reply to a turn TurnPoster posted. */
function isPostedTurn(body: Record<string, unknown>): boolean {
  const messages = body.messages as { role: string; content: string }[];
  return messages.some((message) => message.role === 'user' && message.content.startsWith('Turn '));
}

/** Posts new turns one after another, alternating replicas, until stopped. */
class TurnPoster {
  readonly outcomes: (Outcome & { conversationId?: string; messageId?: string })[] = [];
  #running = true;
  readonly #loop: Promise<void>;

  constructor(replicas: Replica[], headers: Record<string, string>) {
    this.#loop = (async () => {
      for (let i = 0; this.#running; i++) {
        const url = replicas[i % replicas.length]!.url;
        const conversation = await request(`${url}/api/conversations`, {
          method: 'POST',
          headers,
          body: { model: 'chat' },
        });
        const id = (conversation.body as { id?: string } | undefined)?.id;
        if (conversation.status !== 201 || !id) {
          this.outcomes.push(conversation);
        } else {
          const posted = await request(`${url}/api/conversations/${id}/messages`, {
            method: 'POST',
            headers,
            body: { content: `Turn ${i}`, parentId: null },
          });
          const reply = posted.body as { assistantMessage?: { id: string } } | undefined;
          this.outcomes.push({
            ...posted,
            conversationId: id,
            messageId: reply?.assistantMessage?.id,
          });
        }
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    })();
  }

  async stop() {
    this.#running = false;
    await this.#loop;
    return this.outcomes;
  }
}

describe.runIf(runnable)('fault suite: PostgreSQL restarted under load', () => {
  const cleanup = cleanupList();
  afterAll(() => cleanup.run());

  it('serves again within seconds, ends every reply and loses nothing committed', async () => {
    // Followed replies last 8 s, through the outage; the replies to turns posted meanwhile 2 s,
    // so some end while the database is down.
    const respond = (body: Record<string, unknown>): FakeBehaviour => {
      if (!body.stream)
        return { kind: 'slow', delayMs: 200, then: { kind: 'reply', text: shortAnswer } };
      return isPostedTurn(body)
        ? { kind: 'reply', text: shortStory, chunks: 20, chunkDelayMs: 100 }
        : { kind: 'reply', text: story, chunks: 80, chunkDelayMs: 100 };
    };
    const upstreams = await startChatUpstreams([{ kind: 'respond', to: respond }], cleanup.add);
    const postgres = await startPostgresServer();
    cleanup.add(() => postgres.destroy());
    const salon = await startChaosSalon({
      database: postgres.database(),
      yaml: upstreams.yaml,
      env: { SALON_RUN_HEARTBEAT: String(heartbeatSeconds) },
      cleanup: cleanup.add,
    });
    const { replicas, store } = salon;
    const epoch = performance.now();
    const since = () => Math.round(performance.now() - epoch);

    const runs = await startFollowedRuns(salon.session, replicas, 2, { deadlineMs: 90_000 });
    const v1 = new V1Load(
      replicas,
      salon.apiKey,
      { model: 'chat', messages: [{ role: 'user', content: 'Hi' }] },
      epoch,
    );
    const poster = new TurnPoster(replicas, salon.session.headers);
    await waitUntilStreamed(
      store,
      runs.map((run) => run.messageId),
      3,
    );

    await postgres.stop();
    const stoppedAt = since();
    try {
      await new Promise((resolve) => setTimeout(resolve, downMs));
    } finally {
      // Up again whatever happens (the clean-up destroys the server in the end anyway).
      await postgres.start();
    }
    const startedAt = since();
    await expect
      .poll(
        async () =>
          (
            await Promise.all(
              replicas.map((replica) =>
                fetch(`${replica.url}/readyz`).then((response) => response.status),
              ),
            )
          ).every((status) => status === 200),
        { timeout: 20_000, interval: 50 },
      )
      .toBe(true);
    const readyAt = since();
    // A little more load once both are ready: it must all go through.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const [requests, turns] = await Promise.all([v1.stop(), poster.stop()]);

    const posted = turns.filter((turn) => turn.messageId);
    const followed = runs.map((run) => run.messageId);
    const rows = await waitUntilFinal(
      store,
      [...followed, ...posted.map((turn) => turn.messageId!)],
      60_000,
    );
    // The outage cut no reply: each one completed, its whole text in its row.
    for (const [index, row] of rows.entries()) {
      expect(row).toMatchObject({
        status: 'complete',
        content: index < runs.length ? story : shortStory,
      });
    }
    const follows = await Promise.all(runs.map((run) => run.follower.done));
    for (const [index, follow] of follows.entries()) expectFollowerMatchesRow(follow, rows[index]!);
    await expectNothingStreaming(store);

    // Every acknowledged turn is there; a refused one was refused clearly.
    // …with a 503 naming the database (and Retry-After), not a bare 500.
    for (const refused of turns.filter((turn) => turn.status !== 201)) {
      expect(refused).toMatchObject({ status: 503, error: storageUnavailableMessage });
    }
    const users = await userMessages(store, [
      ...runs.map((run) => run.conversationId),
      ...posted.map((turn) => turn.conversationId!),
    ]);
    for (const contents of users.values()) expect(contents).toHaveLength(1);

    // /v1: answers or clear errors, and all answers again once both replicas are ready.
    const answered = (outcome: Outcome) =>
      outcome.status === 200 &&
      (outcome.body as { choices?: { message: { content: string } }[] }).choices?.[0]?.message
        .content === shortAnswer;
    expectAnsweredOrClearError(requests, answered);
    for (const refused of requests.filter((outcome) => !answered(outcome))) {
      expect(refused).toMatchObject({ status: 503, error: storageUnavailableMessage });
    }
    const lateFailures = requests.filter((o) => o.at > readyAt && !answered(o));
    expect(lateFailures, '/v1 requests that failed after both replicas were ready').toEqual([]);
    const firstAnswerAfter = Math.min(
      ...requests.filter((o) => o.at + o.ms > startedAt && answered(o)).map((o) => o.at + o.ms),
    );
    // Each answered /v1 request has its usage row (the ledger retries writes until it can).
    const successes = requests.filter(answered).length;
    await expect
      .poll(
        async () =>
          Number(
            (
              await store.db
                .selectFrom('usage_events')
                .select((eb) => eb.fn.countAll().as('n'))
                .where('api_key_id', 'is not', null)
                .where('status', '=', 200)
                .executeTakeFirstOrThrow()
            ).n,
          ),
        { timeout: 40_000, interval: 500 },
      )
      .toBe(successes);

    // How often the outage caught a reply claiming its lease or storing its end (they wait).
    const logged = (text: string) =>
      replicas.reduce((sum, replica) => sum + replica.stderr().split(text).length - 1, 0);
    const statuses = (outcomes: Outcome[]) =>
      tally(outcomes.map((o) => (o.status === 200 || o.status === 201 ? 'ok' : String(o.status))));
    printFigures('PostgreSQL stopped for 6 s under load, 2 replicas', [
      ['database down', `${startedAt - stoppedAt} ms (stop -m fast, start)`],
      ['both replicas ready again', `${readyAt - startedAt} ms after the start`],
      ['first /v1 answer after the start', `${Math.round(firstAnswerAfter - startedAt)} ms`],
      [
        'replies followed',
        `${runs.length}: ${tally(rows.slice(0, runs.length).map((r) => r.status))}`,
      ],
      ['turns posted', `${turns.length}: ${statuses(turns)}`],
      ['replies to posted turns', tally(rows.slice(runs.length).map((r) => r.status))],
      [
        'replies that waited for the database',
        `${logged('the database is away; waiting')} to start, ${logged('could not save its end yet')} to store their end`,
      ],
      ['/v1 requests', `${requests.length}: ${statuses(requests)}`],
      ['longest /v1 request', `${Math.max(...requests.map((o) => o.ms))} ms`],
      ['usage rows of answered /v1 requests', `${successes} of ${successes}`],
    ]);
  });
});
