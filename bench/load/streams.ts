// The streaming clients: N concurrent `POST /v1/chat/completions` streams opened evenly over a
// ramp, each read as it arrives. For every stamped chunk the delay is the moment the client got
// it minus the moment the mock wrote it (one clock, chunk-stamp.ts). Every stream must bring
// all its chunks, in order, and `[DONE]`; anything else is a failure, counted and described.
import { Agent } from 'undici';
import type { Target } from '../gateway/load.js';
import { epochMs, stampPattern } from './chunk-stamp.js';

/** How one streaming phase goes. */
export interface StreamPlan<Steady = unknown> {
  streams: number;
  /** Chunks per stream (sent as max_tokens: the mock streams that many). */
  chunks: number;
  rampMs: number;
  /** Called once every stream is open and steady; its result is returned as `steady`. */
  whileSteady?: () => Promise<Steady>;
}

/** What one streaming phase saw. */
export interface StreamPhase<Steady = unknown> {
  streams: number;
  completed: number;
  failed: number;
  /** The first few failures' messages. */
  failures: string[];
  chunksExpected: number;
  chunksReceived: number;
  /** Delay of every chunk received, ms, sorted. */
  delays: Float64Array;
  /** Only chunks received while every stream was open (after the ramp, before the first end). */
  steadyDelays: Float64Array;
  /** Wall time from the first stream opened to the last one ended, ms. */
  elapsedMs: number;
  steady?: Steady;
}

// Past the ramp, a moment for the last streams' first chunks to come before "steady" starts.
const settleMs = 1_000;

/** Opens `plan.streams` streams to `target`, reads them to the end and returns the delays. */
export async function runStreams<Steady>(
  target: Target,
  plan: StreamPlan<Steady>,
): Promise<StreamPhase<Steady>> {
  const capacity = plan.streams * plan.chunks;
  const delays = new Float64Array(capacity);
  const receivedAt = new Float64Array(capacity);
  let received = 0;
  const record = (delay: number, at: number) => {
    if (received >= capacity) return;
    delays[received] = delay;
    receivedAt[received++] = at;
  };
  const agent = new Agent({
    connections: plan.streams,
    pipelining: 1,
    keepAliveTimeout: 60_000,
    // A stream is silent between chunks only for an interval, but a loaded server may hold it.
    bodyTimeout: 120_000,
  });
  const body = JSON.stringify({
    model: target.model,
    messages: [{ role: 'user', content: 'Count for a while.' }],
    max_tokens: plan.chunks,
    stream: true,
    stream_options: { include_usage: true },
  });
  const failures: string[] = [];
  let failed = 0;
  let open = 0;
  let firstEndAt = Infinity;
  const startedAt = epochMs();
  const spacing = plan.streams > 1 ? plan.rampMs / (plan.streams - 1) : 0;
  const one = async (index: number) => {
    await sleep(startedAt + index * spacing - epochMs());
    open++;
    try {
      await readStream(agent, target, body, plan.chunks, record);
    } catch (error) {
      failed++;
      if (failures.length < 5)
        failures.push(error instanceof Error ? error.message : String(error));
    } finally {
      open--;
      firstEndAt = Math.min(firstEndAt, epochMs());
    }
  };
  const all = Promise.all(Array.from({ length: plan.streams }, (_, index) => one(index)));
  const steadyFrom = startedAt + plan.rampMs + settleMs;
  let steady: Steady | undefined;
  if (plan.whileSteady) {
    await sleep(steadyFrom - epochMs());
    // Only a full house counts: a stream that failed early would make the figures look light.
    if (open === plan.streams) steady = await plan.whileSteady();
  }
  await all;
  const elapsedMs = epochMs() - startedAt;
  await agent.close();
  const steadyDelays: number[] = [];
  for (let index = 0; index < received; index++) {
    const at = receivedAt[index]!;
    if (at >= steadyFrom && at < firstEndAt) steadyDelays.push(delays[index]!);
  }
  return {
    streams: plan.streams,
    completed: plan.streams - failed,
    failed,
    failures,
    chunksExpected: capacity,
    chunksReceived: received,
    delays: delays.subarray(0, received).sort(),
    steadyDelays: Float64Array.from(steadyDelays).sort(),
    elapsedMs,
    steady,
  };
}

/**
 * One stream, read as it arrives: each read is stamped once on arrival, then its complete
 * frames are searched for chunk stamps. Throws on a non-200, a chunk out of order, a missing
 * chunk or a missing `[DONE]`.
 */
async function readStream(
  agent: Agent,
  target: Target,
  body: string,
  chunks: number,
  record: (delay: number, at: number) => void,
): Promise<void> {
  const response = await agent.request({
    origin: target.origin,
    path: '/v1/chat/completions',
    method: 'POST',
    headers: { 'content-type': 'application/json', ...target.headers },
    body,
  });
  if (response.statusCode !== 200) {
    const text = await response.body.text();
    throw new Error(`HTTP ${response.statusCode}: ${text.slice(0, 200)}`);
  }
  response.body.setEncoding('utf8');
  let pending = '';
  let next = 0;
  let done = false;
  let problem: string | undefined;
  await new Promise<void>((resolve, reject) => {
    response.body.on('data', (text: string) => {
      const at = epochMs();
      pending += text;
      const end = pending.lastIndexOf('\n\n');
      if (end < 0) return;
      const frames = pending.slice(0, end);
      pending = pending.slice(end + 2);
      for (const match of frames.matchAll(stampPattern)) {
        const index = Number(match[1]);
        if (index !== next) problem ??= `chunk ${index} came when ${next} was due`;
        next = index + 1;
        record(at - Number(match[2]), at);
      }
      if (frames.includes('data: [DONE]')) done = true;
    });
    response.body.on('end', resolve);
    response.body.on('error', reject);
  });
  if (problem) throw new Error(problem);
  if (next !== chunks) throw new Error(`${next} of ${chunks} chunks came`);
  if (!done) throw new Error('the stream ended without data: [DONE]');
}

function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}
