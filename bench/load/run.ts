// bench/load: Salon under many concurrent streams and spread over replicas, each against its
// baseline in the same run.
//
//   npm run bench:load [-- --streams N --seconds S --concurrency N --only streams|replicas --json]
//
// Streams: a paced mock upstream (its own process) streams stamped chunks; this process opens N
// concurrent streams straight to the mock (the baseline), then N through one `salon serve`
// (a third process), and times every chunk from the mock's write to the client's read. Salon's
// memory per stream is its resident memory with every stream open, minus at idle, over N.
// Replicas: requests/s of non-streaming requests through one replica, then two (one PostgreSQL
// schema and one Redis), taking turns in rounds; the mock answers at once.
import {
  formatProfile,
  monotonicMicros,
  summariseProfile,
  type TimeWindow,
} from '../gateway/cpu-profile.js';
import { LoadClient, type Target } from '../gateway/load.js';
import { processCpuMicros, type BenchProcess } from '../gateway/processes.js';
import { benchCommand, loadAverage, machine } from '../machine.js';
import { postgresUnavailableReason } from '../../tests/helpers/postgres.js';
import { redisUnavailableReason } from '../../tests/helpers/redis.js';
import { loadBenchUsage, parseLoadBenchOptions, type LoadBenchOptions } from './options.js';
import {
  heapUsedBytes,
  residentBytes,
  startDeployment,
  startPacedMock,
  type Deployment,
} from './processes.js';
import { upstreamModel } from '../gateway/processes.js';
import { measureRate, type RateBlock } from './replicas.js';
import {
  formatReport,
  median,
  summariseRate,
  summariseStreams,
  type Cores,
  type LoadBenchReport,
  type MemoryFigures,
  type ReplicasReport,
  type StreamsReport,
} from './report.js';
import { runStreams, type StreamPhase } from './streams.js';

const log = (line: string) => console.error(line);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Everything started, stopped in reverse at the end or on Ctrl-C. */
const running: { stop(): Promise<void> }[] = [];
const stopAll = async () => {
  for (const entry of running.splice(0).reverse()) await entry.stop().catch(() => undefined);
};
/** Stops one of them early, once its part is done. */
const release = async (entry: { stop(): Promise<void> }) => {
  running.splice(running.indexOf(entry), 1);
  await entry.stop();
};

async function main(): Promise<void> {
  let options: LoadBenchOptions | undefined;
  try {
    options = parseLoadBenchOptions(process.argv.slice(2));
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 2;
    return;
  }
  if (!options) {
    console.log(loadBenchUsage);
    return;
  }
  process.once('SIGINT', () => void stopAll().then(() => process.exit(130)));
  const loadBefore = loadAverage();
  const notes: string[] = [];
  const report: LoadBenchReport = {
    date: new Date().toISOString(),
    machine: machine(),
    load: { before: loadBefore, after: loadBefore },
    command: benchCommand('bench:load'),
    settings: {
      streams: options.streams,
      seconds: options.seconds,
      intervalMs: options.intervalMs,
      rampSeconds: options.rampSeconds,
      dialect: options.dialect,
      concurrency: options.concurrency,
      warmup: options.warmup,
      duration: options.duration,
      rounds: options.rounds,
    },
    notes,
  };
  try {
    const mock = await startPacedMock(options.intervalMs);
    running.push(mock);
    if (options.parts.streams) report.streams = await streamsPart(options, mock, notes);
    if (options.parts.replicas) report.replicas = await replicasPart(options, mock, notes);
  } finally {
    await stopAll();
  }
  report.load.after = loadAverage();
  if (report.replicas && report.machine.cpus <= 4) {
    notes.push(
      `${report.machine.cpus} cores run the client, the mock and Salon together: a second replica ` +
        'gets only the CPU the others leave, so the two-replica ratio is bounded by the cores, not ' +
        'by Salon; a load average above the core count means other work shared them too',
    );
  }
  console.log(options.json ? JSON.stringify(report, null, 2) : formatReport(report));
  if (report.streams?.profile && !options.json) console.log(`\n${report.streams.profile}`);
}

/** Streams straight to the mock, then through one Salon, with memory at idle and under load. */
async function streamsPart(
  options: LoadBenchOptions,
  mock: BenchProcess,
  notes: string[],
): Promise<StreamsReport> {
  const loadBefore = loadAverage();
  const deployment = await startDeployment(mock.origin, options.dialect, 1, options.profileDir);
  running.push(deployment);
  const salon = deployment.replicas[0]!;
  const direct: Target = {
    name: 'direct',
    origin: mock.origin,
    headers: { authorization: 'Bearer mock-key' },
    model: upstreamModel,
  };
  const throughSalon = salonTarget(deployment, salon, 'Salon');
  const chunks = Math.round((options.seconds * 1000) / options.intervalMs);
  const rampMs = options.rampSeconds * 1000;
  // Time for readings between the ramp's end (plus a second to settle) and the first stream's end.
  const readings = Math.max(1, Math.min(5, Math.floor(options.seconds - options.rampSeconds - 2)));
  // A short burst first, so that the JIT, the connection pools and the heap are warm.
  const warmUp = { streams: Math.min(options.streams, 100), chunks: 10, rampMs: 1_000 };

  log(`streams: warming up the direct path (${mock.origin})…`);
  await checked('direct warm-up', await runStreams(direct, warmUp), notes);
  const mockIdle = await readMemory(mock.pid, undefined, 3);
  log(`streams: ${options.streams} straight to the mock for ${options.seconds} s…`);
  const [directPhase, directCores] = await withCores({ mock }, () =>
    runStreams(direct, {
      streams: options.streams,
      chunks,
      rampMs,
      whileSteady: () => readMemory(mock.pid, undefined, readings),
    }),
  );

  log(`streams: warming up Salon (${salon.origin}, ${options.dialect})…`);
  const warm = await runStreams(throughSalon, warmUp);
  checked('Salon warm-up', warm, notes);
  if (warm.completed === 0) {
    throw new Error(`no stream through Salon completed:\n${salon.output().slice(-2000)}`);
  }
  await sleep(2_000);
  const salonIdle = await readMemory(salon.pid, salon.origin, 3);
  log(`streams: ${options.streams} through Salon for ${options.seconds} s…`);
  const measured: TimeWindow = { start: monotonicMicros(), end: 0 };
  const [salonPhase, salonCores] = await withCores({ mock, salon }, () =>
    runStreams(throughSalon, {
      streams: options.streams,
      chunks,
      rampMs,
      whileSteady: () => readMemory(salon.pid, salon.origin, readings),
    }),
  );
  measured.end = monotonicMicros();
  // A profile is written when Salon exits.
  await release(deployment);
  const profile = options.profileDir
    ? formatProfile(
        await summariseProfile(options.profileDir, [measured]),
        salonPhase.chunksReceived,
        { one: 'chunk', many: 'chunks' },
      )
    : undefined;
  if (profile)
    notes.push('the streaming Salon ran under --cpu-prof: its figures include the profiler’s cost');

  const directSummary = summariseStreams('direct', directPhase, directCores);
  const salonSummary = summariseStreams('Salon', salonPhase, salonCores);
  for (const [name, phase] of [
    ['direct', directPhase],
    ['Salon', salonPhase],
  ] as const) {
    if (phase.failed) notes.push(`${name}: ${phase.failed} of ${phase.streams} streams failed`);
    if (!phase.steady) notes.push(`${name}: memory not read (not every stream was open)`);
  }
  if (options.streams < 200) {
    notes.push(
      'memory per stream: below a few hundred streams, what the garbage collector frees or leaves between two readings outweighs the streams',
    );
  }
  return {
    dialect: options.dialect === 'postgres' ? 'PostgreSQL + Redis' : 'SQLite',
    load: { before: loadBefore, after: loadAverage() },
    direct: directSummary,
    salon: salonSummary,
    addedP99: salonSummary.delay.p99 - directSummary.delay.p99,
    addedSteadyP99: salonSummary.steadyDelay.p99 - directSummary.steadyDelay.p99,
    memory: {
      salon: memoryFigures(salonIdle, salonPhase.steady, options.streams),
      mock: memoryFigures(mockIdle, directPhase.steady, options.streams),
    },
    profile,
  };
}

/** Requests/s through one replica and through two, taking turns over the rounds. */
async function replicasPart(
  options: LoadBenchOptions,
  mock: BenchProcess,
  notes: string[],
): Promise<ReplicasReport | undefined> {
  const unavailable = (await postgresUnavailableReason()) ?? (await redisUnavailableReason());
  if (unavailable) {
    const why = `replicas skipped: ${unavailable} (set SALON_TEST_DATABASE_URL / SALON_TEST_REDIS_URL)`;
    console.error(`\n*** ${why} ***\n`);
    notes.push(why);
    return undefined;
  }
  const loadBefore = loadAverage();
  const deployment = await startDeployment(mock.origin, 'postgres', 2);
  running.push(deployment);
  const [a, b] = deployment.replicas as [BenchProcess, BenchProcess];
  const targets = [
    salonTarget(deployment, a, 'replica A'),
    salonTarget(deployment, b, 'replica B'),
  ];
  const client = new LoadClient(options.concurrency);
  const closeClient = { stop: () => client.close() };
  running.push(closeClient);
  for (const target of targets) await client.check(target, 'json');
  const processes = { mock, replicas: [a, b] };
  const deployments = { one: [targets[0]!], two: targets };

  log(`replicas: warming up ${a.origin} and ${b.origin} at concurrency ${options.concurrency}…`);
  for (const target of targets) {
    await measureRate(client, [target], options.concurrency, options.warmup, processes);
  }
  const blocks: { one: RateBlock[]; two: RateBlock[] } = { one: [], two: [] };
  const seconds = options.duration / options.rounds;
  for (let round = 0; round < options.rounds; round++) {
    const order = round % 2 === 0 ? (['one', 'two'] as const) : (['two', 'one'] as const);
    for (const name of order) {
      blocks[name].push(
        await measureRate(client, deployments[name], options.concurrency, seconds, processes),
      );
    }
    log(`replicas: round ${round + 1}/${options.rounds} done`);
  }
  await release(closeClient);
  await release(deployment);

  const names = { mock: 'mock', replicas: ['replica A', 'replica B'] };
  const one = summariseRate(1, blocks.one, names);
  const two = summariseRate(2, blocks.two, names);
  const ratios = two.roundRps.map((rate, round) => rate / one.roundRps[round]!);
  for (const summary of [one, two]) {
    if (summary.failed)
      notes.push(`${summary.replicas} replica(s): ${summary.failed} requests failed`);
  }
  return {
    load: { before: loadBefore, after: loadAverage() },
    concurrency: options.concurrency,
    one,
    two,
    ratio: two.rps / one.rps,
    roundRatio: { median: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios) },
  };
}

function salonTarget(deployment: Deployment, replica: BenchProcess, name: string): Target {
  return {
    name,
    origin: replica.origin,
    headers: { authorization: `Bearer ${deployment.apiKey}` },
    model: deployment.model,
  };
}

/** Notes a phase's failures; returns the phase. */
function checked(name: string, phase: StreamPhase, notes: string[]): StreamPhase {
  if (phase.failed) {
    notes.push(`${name}: ${phase.failed} of ${phase.streams} streams failed: ${phase.failures[0]}`);
  }
  return phase;
}

/** A few readings of a server's memory, one a second; the medians. */
interface MemoryReading {
  rss: number;
  heapUsed?: number;
}

async function readMemory(
  pid: number,
  origin: string | undefined,
  count: number,
): Promise<MemoryReading> {
  const rss: number[] = [];
  const heap: number[] = [];
  for (let index = 0; index < count; index++) {
    if (index > 0) await sleep(1_000);
    const [resident, heapUsed] = await Promise.all([
      residentBytes(pid),
      origin ? heapUsedBytes(origin) : undefined,
    ]);
    if (resident !== undefined) rss.push(resident);
    if (heapUsed !== undefined) heap.push(heapUsed);
  }
  return { rss: median(rss), heapUsed: heap.length ? median(heap) : undefined };
}

function memoryFigures(
  idle: MemoryReading,
  steady: MemoryReading | undefined,
  streams: number,
): MemoryFigures | undefined {
  if (!steady) return undefined;
  const perStream = (before?: number, after?: number) =>
    before === undefined || after === undefined ? undefined : (after - before) / streams;
  return {
    idle,
    steady,
    perStream: {
      rss: perStream(idle.rss, steady.rss)!,
      heapUsed: perStream(idle.heapUsed, steady.heapUsed),
    },
  };
}

/** Runs `work` and returns the cores each named server and this process used meanwhile. */
async function withCores<T>(
  servers: Record<string, BenchProcess>,
  work: () => Promise<T>,
): Promise<[T, Cores]> {
  const entries = Object.entries(servers);
  const before = await Promise.all(entries.map(([, server]) => processCpuMicros(server.pid)));
  const clientBefore = process.cpuUsage();
  const startedAt = performance.now();
  const result = await work();
  const micros = (performance.now() - startedAt) * 1000;
  const client = process.cpuUsage(clientBefore);
  const after = await Promise.all(entries.map(([, server]) => processCpuMicros(server.pid)));
  const cores: Cores = { client: (client.user + client.system) / micros };
  entries.forEach(([name], index) => {
    const used = (after[index] ?? NaN) - (before[index] ?? NaN);
    cores[name] = used / micros;
  });
  return [result, cores];
}

await main();
