// The work both sides do: the same conversation, greedy, a fixed number of tokens per stream.

/** The conversation every stream answers (the tiny model answers gibberish: the length is what counts). */
export const benchMessages = [
  { role: 'system' as const, content: 'You are a storyteller.' },
  { role: 'user' as const, content: 'Tell a long story about a lighthouse keeper and a storm.' },
];

/**
 * Sampling on both sides. Greedy, so that both sides generate the same tokens; top-k/top-p/seed
 * as Salon's engine passes them when a request leaves them out (src/engine/generate.ts).
 */
export const benchSampling = { temperature: 0, topK: 40, topP: 0.95, seed: 1 };

/** One timed run of N concurrent streams. */
export interface Measurement {
  streams: number;
  /** Completion tokens generated, summed over the streams. */
  tokens: number;
  /** Prompt tokens of one stream (the same on both sides when the templates agree). */
  promptTokens: number;
  /** Wall time from the first request to the end of the last stream. */
  seconds: number;
  /**
   * CPU time of the whole process (every thread: engine, event loop, client) over the run.
   * Other processes on a shared machine disturb it less than they disturb wall time.
   */
  cpuSeconds: number;
  /** The kernel's part of `cpuSeconds` (syscalls: socket writes and reads, wake-ups). */
  systemSeconds: number;
}

/** Aggregate completion tokens per second of a run. */
export function tokensPerSecond(measurement: Measurement): number {
  return measurement.tokens / measurement.seconds;
}

/** Process CPU time spent per completion token, in microseconds. */
export function cpuMicrosPerToken(measurement: Measurement): number {
  return (measurement.cpuSeconds * 1e6) / measurement.tokens;
}

/** Kernel CPU time spent per completion token, in microseconds. */
export function systemMicrosPerToken(measurement: Measurement): number {
  return (measurement.systemSeconds * 1e6) / measurement.tokens;
}

/** Times `work` (wall and process CPU) and returns its measurement. */
export async function measure(
  streams: number,
  work: () => Promise<{ tokens: number; promptTokens: number }>,
): Promise<Measurement> {
  const cpuBefore = process.cpuUsage();
  const startedAt = performance.now();
  const { tokens, promptTokens } = await work();
  const seconds = (performance.now() - startedAt) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  return {
    streams,
    tokens,
    promptTokens,
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    systemSeconds: cpu.system / 1e6,
  };
}

/** A side of the comparison: opened once, run many times. */
export interface BenchTarget {
  run(streams: number): Promise<Measurement>;
  close(): Promise<void>;
}
