// The load the fault scenarios put on two replicas, and the checks each makes afterwards:
// web-chat runs started through one replica and followed through the other (resuming with
// Last-Event-ID, as the web client does), turns posted while a fault lasts, /v1 clients in a
// loop; then every reply in a final state that matches what its follower saw, and every turn
// that was acknowledged found in the database.
import { expect } from 'vitest';
import type { Store } from '../../src/store/create-database.js';
import type { Replica } from '../helpers/replicas.js';
import {
  followResuming,
  joinedText,
  type ResumedFollow,
  type ResumingFollower,
} from '../helpers/run-events.js';
import { startRun, type SalonSession, type StartedRun } from '../helpers/salon-session.js';

/** A run and the client following it. */
export interface FollowedRun extends StartedRun {
  /** The replica that generates it. */
  owner: Replica;
  follower: ResumingFollower;
}

/**
 * Starts `perReplica` runs through each replica (on `model`); each one's follower connects to
 * the next replica first, so events cross the bus, and resumes on the others.
 */
export async function startFollowedRuns(
  session: SalonSession,
  replicas: Replica[],
  perReplica: number,
  options: { model?: string; deadlineMs?: number } = {},
): Promise<FollowedRun[]> {
  const runs: FollowedRun[] = [];
  for (let round = 0; round < perReplica; round++) {
    for (const [index, owner] of replicas.entries()) {
      const run = await startRun({ ...session, url: owner.url }, options.model);
      const others = [...replicas.slice(index + 1), ...replicas.slice(0, index + 1)];
      const follower = followResuming(
        others.map((replica) => replica.url),
        run.runId,
        session.headers,
        { deadlineMs: options.deadlineMs },
      );
      runs.push({ ...run, owner, follower });
    }
  }
  return runs;
}

/** A reply's row, as the checks read it. */
export interface ReplyRow {
  id: string;
  status: string;
  content: string;
  error: string | null;
}

/** The assistant rows of `messageIds`, in that order. */
export async function replyRows(store: Store, messageIds: string[]): Promise<ReplyRow[]> {
  const rows = await store.db
    .selectFrom('messages')
    .select(['id', 'status', 'content', 'error'])
    .where('id', 'in', messageIds)
    .execute();
  return messageIds.map((id) => rows.find((row) => row.id === id)!);
}

/** Waits until every one of the replies has flushed at least `words` words of storyOf's to its row. */
export async function waitUntilStreamed(store: Store, messageIds: string[], words: number) {
  await expect
    .poll(
      async () =>
        Math.min(...(await replyRows(store, messageIds)).map((row) => row.content.length)),
      { timeout: 20_000, interval: 100 },
    )
    .toBeGreaterThan(words * 'w000 '.length);
}

/** Waits until none of the replies is `streaming` any more; fails loudly with those that are. */
export async function waitUntilFinal(
  store: Store,
  messageIds: string[],
  timeoutMs: number,
  intervalMs = 200,
): Promise<ReplyRow[]> {
  await expect
    .poll(
      async () =>
        (await replyRows(store, messageIds))
          .filter((row) => row.status === 'streaming')
          .map((row) => row.id),
      { timeout: timeoutMs, interval: intervalMs },
    )
    .toEqual([]);
  return replyRows(store, messageIds);
}

/**
 * The follower saw each event once, numbered 1…n, its text is the row's text, and its last
 * event says how the row ended (`finish` for complete, `error` with the row's message otherwise).
 */
export function expectFollowerMatchesRow(follow: ResumedFollow, row: ReplyRow): void {
  expect(follow.duplicates, `${row.id}: duplicate events`).toBe(0);
  expect(follow.gaps, `${row.id}: missing events`).toBe(0);
  expect(follow.events.map((event) => event.id)).toEqual(follow.events.map((_, i) => i + 1));
  expect(joinedText(follow.events), `${row.id}: the follower's text is the row's`).toBe(
    row.content,
  );
  if (row.status === 'complete') {
    expect(follow.final).toMatchObject({ event: 'finish', data: { finishReason: 'stop' } });
  } else {
    expect(['error', 'interrupted']).toContain(row.status);
    expect(follow.final).toMatchObject({ event: 'error', data: { message: row.error } });
  }
}

/** No reply in the database is left `streaming`. */
export async function expectNothingStreaming(store: Store): Promise<void> {
  const streaming = await store.db
    .selectFrom('messages')
    .select(['id', 'run_owner'])
    .where('status', '=', 'streaming')
    .execute();
  expect(streaming).toEqual([]);
}

/** What one client request came back with. */
export interface Outcome {
  /** HTTP status, or 0 when the connection failed, -1 when no answer came in time. */
  status: number;
  ms: number;
  /** The error message when the body had the API's error shape. */
  error?: string;
  /** The body otherwise. */
  body?: unknown;
}

/** Sends one JSON request; a client that waits longer than `timeoutMs` records a hang. */
export async function request(
  url: string,
  init: { method: string; headers: Record<string, string>; body?: unknown },
  timeoutMs = 30_000,
): Promise<Outcome> {
  const startedAt = performance.now();
  const elapsed = () => Math.round(performance.now() - startedAt);
  try {
    const response = await fetch(url, {
      method: init.method,
      headers: init.headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: kept as text, which fails the error-shape check below
    }
    const error = errorMessage(body);
    return { status: response.status, ms: elapsed(), ...(error ? { error } : { body }) };
  } catch (error) {
    const timedOut = error instanceof Error && error.name === 'TimeoutError';
    return { status: timedOut ? -1 : 0, ms: elapsed(), error: String(error) };
  }
}

/** The message of OpenAI's error shape `{"error":{"message","type","param","code"}}`. */
function errorMessage(body: unknown): string | undefined {
  const error = (body as { error?: Record<string, unknown> } | null)?.error;
  if (!error || typeof error.message !== 'string' || typeof error.type !== 'string') {
    return undefined;
  }
  return 'code' in error && 'param' in error ? error.message : undefined;
}

/** Fails unless every outcome is a success or an error in the API's shape (no hang, no HTML). */
export function expectAnsweredOrClearError(
  outcomes: Outcome[],
  isSuccess: (o: Outcome) => boolean,
) {
  const unclear = outcomes.filter((o) => !isSuccess(o) && !(o.status >= 400 && o.error));
  expect(unclear, 'requests that neither succeeded nor got a clear error').toEqual([]);
}

/** /v1 clients sending one request after another until stopped. */
export class V1Load {
  readonly outcomes: (Outcome & { replica: number; at: number })[] = [];
  #running = true;
  readonly #loops: Promise<void>[];

  constructor(
    replicas: Replica[],
    apiKey: string,
    body: Record<string, unknown>,
    private readonly epoch = performance.now(),
  ) {
    this.#loops = replicas.map(async (replica, index) => {
      while (this.#running) {
        const at = performance.now() - this.epoch;
        const outcome = await request(`${replica.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
          body,
        });
        this.outcomes.push({ ...outcome, replica: index, at });
        // A client backing off after an error, as SDKs do; no wait after a success.
        if (outcome.status !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
      }
    });
  }

  /** Stops after the requests in flight and returns every outcome. */
  async stop() {
    this.#running = false;
    await Promise.all(this.#loops);
    return this.outcomes;
  }
}

/** The user messages of these conversations, by conversation. */
export async function userMessages(
  store: Store,
  conversationIds: string[],
): Promise<Map<string, string[]>> {
  const rows = await store.db
    .selectFrom('messages')
    .select(['conversation_id', 'content'])
    .where('conversation_id', 'in', conversationIds)
    .where('role', '=', 'user')
    .execute();
  const byConversation = new Map(conversationIds.map((id) => [id, [] as string[]]));
  for (const row of rows) byConversation.get(row.conversation_id)!.push(row.content);
  return byConversation;
}
