// Fault suite, scenario 4 (docs/scale-out.md, "Fault suite"): upstreams that fail the ways hosted
// APIs do, behind two replicas. One stalls mid-stream (past its provider's `timeouts.idle`), one
// resets the connection mid-stream, one answers 503, with and without a fallback (another target
// of the model, or a fallback model). /v1 clients, streaming or not, get a clear error or the
// fallback's answer, in bounded time; web-chat replies end `error` with the text that arrived kept
// and a readable message, or complete from the fallback; nothing is left `streaming`.
import { afterAll, describe, expect, it } from 'vitest';
import { parseSse } from '../../src/lib/sse.js';
import { startFakeOpenAI } from '../helpers/fake-openai.js';
import { storyOf } from '../helpers/salon-session.js';
import { canRunFaultSuite, cleanupList, startChaosSalon } from './chaos-salon.js';
import { printFigures } from './figures.js';
import {
  expectFollowerMatchesRow,
  expectNothingStreaming,
  request,
  startFollowedRuns,
  userMessages,
  waitUntilFinal,
  type Outcome,
} from './workload.js';

const runnable = await canRunFaultSuite('upstream faults');
const idleSeconds = 2;
// Ten words, one per chunk; the failing upstreams send the first three.
const story = storyOf(10);
const sentBeforeFault = storyOf(3);

/**
 * The text a client can count on after a stall or a cut connection: all that was sent before it,
 * including chunks Salon had received but not yet passed on when the connection dropped.
 */
function expectTextBeforeFault(text: string): void {
  expect(text).toBe(sentBeforeFault);
}
const fallbackAnswer = 'Fallback answer.';
const unreachableMessage = 'The model is busy or unreachable right now. Try again in a moment.';

/** A streamed /v1 answer as a client reads it: its text, and how it ended. */
interface StreamOutcome {
  status: number;
  ms: number;
  text: string;
  /** The in-stream error's message, when the stream ended with one. */
  error?: string;
  done: boolean;
}

async function streamV1(url: string, apiKey: string, model: string): Promise<StreamOutcome> {
  const startedAt = performance.now();
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, stream: true, messages: [{ role: 'user', content: 'Hi' }] }),
    signal: AbortSignal.timeout(30_000),
  });
  const outcome: StreamOutcome = { status: response.status, ms: 0, text: '', done: false };
  if (response.status !== 200) {
    const body = (await response.json()) as { error?: { message: string } };
    return { ...outcome, error: body.error?.message, ms: performance.now() - startedAt };
  }
  for await (const event of parseSse(response.body as AsyncIterable<Uint8Array>)) {
    if (event.data === '[DONE]') outcome.done = true;
    else {
      const chunk = JSON.parse(event.data) as {
        error?: { message: string };
        choices?: { delta?: { content?: string } }[];
      };
      if (chunk.error) outcome.error = chunk.error.message;
      outcome.text += chunk.choices?.[0]?.delta?.content ?? '';
    }
  }
  return { ...outcome, ms: Math.round(performance.now() - startedAt) };
}

describe.runIf(runnable)('fault suite: upstreams that stall, reset and answer 503', () => {
  const cleanup = cleanupList();
  afterAll(() => cleanup.run());

  it('gives clients a clear error or the fallback, and ends every reply', async () => {
    const stalls = await startFakeOpenAI([
      { kind: 'stall', text: story, afterChunks: 3, chunks: 10 },
    ]);
    const resets = await startFakeOpenAI([
      { kind: 'cut', text: story, afterChunks: 3, chunks: 10 },
    ]);
    const down = await startFakeOpenAI([{ kind: 'status', status: 503, message: 'overloaded' }]);
    const backup = await startFakeOpenAI([{ kind: 'reply', text: fallbackAnswer }]);
    const titles = await startFakeOpenAI([{ kind: 'reply', text: 'A title' }]);
    for (const fake of [stalls, resets, down, backup, titles]) cleanup.add(() => fake.close());
    const salon = await startChaosSalon({
      yaml: [
        'providers:',
        `  stalls: { type: openai, base_url: "${stalls.url}", timeouts: { idle: ${idleSeconds} } }`,
        `  resets: { type: openai, base_url: "${resets.url}" }`,
        `  down: { type: openai, base_url: "${down.url}" }`,
        `  backup: { type: openai, base_url: "${backup.url}" }`,
        `  titles: { type: openai, base_url: "${titles.url}" }`,
        'router:',
        '  retries: 2',
        '  backoff: { initial_ms: 50, max_ms: 200 }',
        // Every request reaches its upstream: this scenario is about the faults, not the breaker.
        '  breaker: { failures: 1000 }',
        'models:',
        '  - { name: stalls, targets: [{ provider: stalls, model: m }] }',
        '  - { name: resets, targets: [{ provider: resets, model: m }] }',
        '  - { name: down, targets: [{ provider: down, model: m }] }',
        '  - name: down-then-target',
        '    targets: [{ provider: down, model: m }, { provider: backup, model: m }]',
        '  - { name: down-then-model, targets: [{ provider: down, model: m }], fallbacks: [backup] }',
        '  - { name: backup, targets: [{ provider: backup, model: m }] }',
        '  - { name: small, targets: [{ provider: titles, model: fake-small }] }',
      ],
      cleanup: cleanup.add,
    });
    const { replicas, store, session, apiKey } = salon;
    const figures: [string, string][] = [];

    // /v1, not streamed: a clear error in the API's shape, or the fallback's answer.
    const plain = async (model: string, replica = replicas[0]!) =>
      request(`${replica.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
        body: { model, messages: [{ role: 'user', content: 'Hi' }] },
      });
    const answer = (outcome: Outcome) =>
      (outcome.body as { choices?: { message: { content: string } }[] } | undefined)?.choices?.[0]
        ?.message.content;
    for (const model of ['stalls', 'resets', 'down']) {
      const outcome = await plain(model);
      expect(outcome.status, `${model}: ${JSON.stringify(outcome)}`).toBeGreaterThanOrEqual(500);
      expect(outcome.error).toMatch(/^provider '(stalls|resets|down)'/);
      // The stalled one takes its idle limit once per attempt (3 attempts); none hangs.
      expect(outcome.ms).toBeLessThan(3 * idleSeconds * 1000 + 5_000);
      figures.push([`/v1 ${model}`, `${outcome.status} in ${outcome.ms} ms: ${outcome.error}`]);
    }
    for (const model of ['down-then-target', 'down-then-model']) {
      const outcome = await plain(model, replicas[1]);
      expect(outcome.status).toBe(200);
      expect(answer(outcome)).toBe(fallbackAnswer);
      figures.push([`/v1 ${model}`, `200 in ${outcome.ms} ms, the fallback's answer`]);
    }

    // /v1, streamed: the text that came, then an error event (no [DONE]); or the fallback.
    for (const model of ['stalls', 'resets']) {
      const outcome = await streamV1(replicas[1]!.url, apiKey, model);
      expect(outcome).toMatchObject({ status: 200, done: false });
      expectTextBeforeFault(outcome.text);
      expect(outcome.error).toMatch(new RegExp(`^provider '${model}'`));
      expect(outcome.ms).toBeLessThan(idleSeconds * 1000 + 5_000);
      figures.push([
        `/v1 ${model}, streamed`,
        `${outcome.text.length} characters, then an error event after ${outcome.ms} ms: ${outcome.error}`,
      ]);
    }
    const streamedDown = await streamV1(replicas[0]!.url, apiKey, 'down');
    expect(streamedDown.status).toBeGreaterThanOrEqual(500);
    expect(streamedDown.error).toMatch(/^provider 'down'/);
    figures.push(['/v1 down, streamed', `${streamedDown.status}: ${streamedDown.error}`]);
    const streamedFallback = await streamV1(replicas[0]!.url, apiKey, 'down-then-model');
    expect(streamedFallback).toMatchObject({ status: 200, text: fallbackAnswer, done: true });

    // Web chat, on each replica, followed through the other.
    const models = ['stalls', 'resets', 'down', 'down-then-model'];
    const runs = (
      await Promise.all(models.map((model) => startFollowedRuns(session, replicas, 1, { model })))
    ).flat();
    const rows = await waitUntilFinal(
      store,
      runs.map((run) => run.messageId),
      30_000,
    );
    const follows = await Promise.all(runs.map((run) => run.follower.done));
    for (const [index, row] of rows.entries()) {
      const model = models[Math.floor(index / replicas.length)]!;
      expectFollowerMatchesRow(follows[index]!, row);
      if (model === 'down-then-model') {
        expect(row).toMatchObject({ status: 'complete', content: fallbackAnswer });
      } else {
        // The text that arrived is kept; the message says what happened without naming hosts.
        expect(row).toMatchObject({ status: 'error', error: unreachableMessage });
        if (model === 'down') expect(row.content).toBe('');
        else expectTextBeforeFault(row.content);
      }
      if (index % replicas.length === 0) {
        figures.push([
          `web chat ${model}`,
          `${row.status}, ${row.content.length} characters in the row`,
        ]);
      }
    }
    await expectNothingStreaming(store);
    const users = await userMessages(
      store,
      runs.map((run) => run.conversationId),
    );
    for (const contents of users.values()) expect(contents).toEqual(['Tell me a long story']);

    printFigures('upstream faults, 2 replicas', figures);
  });
});
