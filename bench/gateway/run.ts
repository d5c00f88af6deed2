// bench/gateway: what Salon's OpenAI-compatible gateway adds to a call, against the same call
// made directly to a fast mock upstream and through Portkey's open-source gateway, in one run.
//
//   npm run bench:gateway [-- --requests N --duration S --concurrency N --rounds N --profile DIR --json]
//
// Four processes: this load generator, the mock upstream, `salon serve` and Portkey. Each path
// gets the same requests from the same undici client. At concurrency 1 it times every request
// (added latency = path p50/p99 − direct p50/p99); at concurrency N it counts requests/s. The
// work is cut into rounds in which the paths take turns, the order rotating each round, so that
// the noise of a shared machine lands on every path.
import {
  formatProfile,
  monotonicMicros,
  summariseProfile,
  type TimeWindow,
} from './cpu-profile.js';
import { LoadClient, saturate, sequential, type Block, type Mode, type Target } from './load.js';
import {
  gatewayBenchUsage,
  parseGatewayBenchOptions,
  type GatewayBenchOptions,
} from './options.js';
import {
  processCpuMicros,
  startMock,
  startPortkey,
  startSalonGateway,
  upstreamModel,
  type BenchProcess,
} from './processes.js';
import {
  formatReport,
  loadAverage,
  machine,
  median,
  overheads,
  summarisePath,
  type CpuSample,
  type GatewayBenchReport,
  type PathRuns,
  type PathSummary,
} from './report.js';

/** A path to the mock and the process (if any) standing between. */
interface BenchPath {
  target: Target;
  gateway?: BenchProcess;
}

const modes: Mode[] = ['json', 'stream'];
const log = (line: string) => console.error(line);

async function main(): Promise<void> {
  let options: GatewayBenchOptions | undefined;
  try {
    options = parseGatewayBenchOptions(process.argv.slice(2));
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 2;
    return;
  }
  if (!options) {
    console.log(gatewayBenchUsage);
    return;
  }
  const loadBefore = loadAverage();
  const started: BenchProcess[] = [];
  const stopAll = () => Promise.all(started.splice(0).map((child) => child.stop()));
  process.once('SIGINT', () => void stopAll().then(() => process.exit(130)));
  const notes: string[] = [];
  const client = new LoadClient(options.concurrency);
  try {
    const mock = await startMock();
    started.push(mock);
    const salon = await startSalonGateway(mock.origin, options.profileDir);
    started.push(salon);
    const paths: BenchPath[] = [
      {
        target: {
          name: 'direct',
          origin: mock.origin,
          headers: { authorization: 'Bearer mock-key' },
          model: upstreamModel,
        },
      },
      {
        target: {
          name: 'Salon',
          origin: salon.origin,
          headers: { authorization: `Bearer ${salon.apiKey}` },
          model: salon.model,
        },
        gateway: salon,
      },
    ];
    if (options.portkey) {
      try {
        const portkey = await startPortkey();
        started.push(portkey);
        paths.push({
          target: {
            name: 'Portkey',
            origin: portkey.origin,
            headers: {
              authorization: 'Bearer mock-key',
              'x-portkey-provider': 'openai',
              'x-portkey-custom-host': `${mock.origin}/v1`,
            },
            model: upstreamModel,
          },
          gateway: portkey,
        });
      } catch (error) {
        notes.push(`Portkey did not start: ${error instanceof Error ? error.message : error}`);
      }
    }
    log(
      `mock ${mock.origin}, ${paths.map((entry) => `${entry.target.name} ${entry.target.origin}`).join(', ')}`,
    );
    const summaries: PathSummary[] = [];
    // When Salon was being measured, so that its profile leaves out start-up and warm-up.
    const salonWindows: TimeWindow[] = [];
    let salonRequests = 0;
    for (const mode of modes) {
      const runs = await runMode(client, mock, paths, mode, options, notes);
      for (const run of runs.filter((entry) => entry.path === 'Salon')) {
        salonWindows.push(...run.windows);
        salonRequests += run.cpu.sequential.requests + run.cpu.saturated.requests;
      }
      summaries.push(...runs.map(summarisePath));
    }
    let profile: string | undefined;
    if (options.profileDir) {
      // The profile is written when Salon exits.
      await salon.stop();
      started.splice(started.indexOf(salon), 1);
      profile = formatProfile(
        await summariseProfile(options.profileDir, salonWindows),
        salonRequests,
      );
      notes.push('Salon ran under --cpu-prof: its figures include the profiler’s cost');
    }
    const report = buildReport(options, summaries, notes, loadBefore);
    console.log(
      options.json ? JSON.stringify(report, null, 2) : formatReport(report, options.concurrency),
    );
    if (profile && !options.json) console.log(`\n${profile}`);
  } finally {
    await client.close();
    await stopAll();
  }
}

/** Checks, warms up and measures every path in one mode. */
async function runMode(
  client: LoadClient,
  mock: BenchProcess,
  paths: readonly BenchPath[],
  mode: Mode,
  options: GatewayBenchOptions,
  notes: string[],
): Promise<PathRuns[]> {
  const runs = new Map<BenchPath, PathRuns>();
  for (const entry of paths) {
    const run: PathRuns = {
      path: entry.target.name,
      mode,
      sequential: [],
      saturated: [],
      saturatedTimings: [],
      windows: [],
      cpu: {
        sequential: { requests: 0, client: 0, mock: 0, gateway: 0 },
        saturated: { requests: 0, client: 0, mock: 0, gateway: 0 },
      },
    };
    runs.set(entry, run);
    const logged = entry.gateway?.output().length ?? 0;
    try {
      await client.check(entry.target, mode);
    } catch (error) {
      run.failure = await describeFailure(error, entry, logged);
      notes.push(
        `${entry.target.name} (${mode === 'json' ? 'non-streaming' : 'streaming'}): ${run.failure}`,
      );
    }
  }
  const live = () => paths.filter((entry) => !runs.get(entry)!.failure);
  log(
    `${mode}: warming up ${live()
      .map((entry) => entry.target.name)
      .join(', ')}…`,
  );
  for (const entry of live()) {
    await measure(runs.get(entry)!, entry, notes, async () => {
      if (options.warmup > 0) {
        await saturate(client, entry.target, mode, options.concurrency, options.warmup);
      }
      // Then a few alone, so that the first measured requests do not meet a backlog.
      await sequential(client, entry.target, mode, 50);
    });
  }
  const perRound = split(options.requests, options.rounds);
  for (let round = 0; round < options.rounds; round++) {
    const order = rotate(live(), round);
    for (const entry of order) {
      const run = runs.get(entry)!;
      await measure(run, entry, notes, async () => {
        const block = await withCpu(entry, mock, run, run.cpu.sequential, () =>
          sequential(client, entry.target, mode, perRound[round]!),
        );
        run.sequential.push(...block.timings);
      });
    }
    for (const entry of rotate(live(), round)) {
      const run = runs.get(entry)!;
      await measure(run, entry, notes, async () => {
        const block = await withCpu(entry, mock, run, run.cpu.saturated, () =>
          saturate(
            client,
            entry.target,
            mode,
            options.concurrency,
            options.duration / options.rounds,
          ),
        );
        run.saturated.push({ requests: block.timings.length, elapsed: block.elapsed });
        run.saturatedTimings.push(...block.timings);
      });
    }
    log(`${mode}: round ${round + 1}/${options.rounds} done`);
  }
  return paths.map((entry) => runs.get(entry)!);
}

/** Runs `work`; a failure marks the path failed (and noted) instead of ending the bench. */
async function measure(
  run: PathRuns,
  entry: BenchPath,
  notes: string[],
  work: () => Promise<void>,
): Promise<void> {
  const logged = entry.gateway?.output().length ?? 0;
  try {
    await work();
  } catch (error) {
    run.failure = await describeFailure(error, entry, logged);
    notes.push(`${run.path} (${run.mode}) failed while measured: ${run.failure}`);
  }
}

/**
 * Adds the CPU time this process, the mock and the gateway used over `work` to `sample`, and
 * the time it ran to the path's measured windows.
 */
async function withCpu(
  entry: BenchPath,
  mock: BenchProcess,
  run: PathRuns,
  sample: CpuSample,
  work: () => Promise<Block>,
): Promise<Block> {
  const gatewayPid = entry.gateway?.pid;
  const gatewayBefore = gatewayPid === undefined ? 0 : await processCpuMicros(gatewayPid);
  const mockBefore = await processCpuMicros(mock.pid);
  const clientBefore = process.cpuUsage();
  const start = monotonicMicros();
  const block = await work();
  run.windows.push({ start, end: monotonicMicros() });
  const client = process.cpuUsage(clientBefore);
  const mockAfter = await processCpuMicros(mock.pid);
  const gatewayAfter = gatewayPid === undefined ? 0 : await processCpuMicros(gatewayPid);
  sample.requests += block.timings.length;
  sample.client += client.user + client.system;
  sample.mock += difference(mockBefore, mockAfter);
  sample.gateway += difference(gatewayBefore, gatewayAfter);
  return block;
}

function difference(before: number | undefined, after: number | undefined): number {
  return before === undefined || after === undefined ? NaN : after - before;
}

/** The error, plus the first lines the gateway logged about it. */
async function describeFailure(error: unknown, entry: BenchPath, logged: number): Promise<string> {
  const message = error instanceof Error ? error.message : String(error);
  if (!entry.gateway) return message;
  // Give the gateway a moment to flush what it logged about the failure.
  await new Promise((resolve) => setTimeout(resolve, 200));
  const lines = entry.gateway
    .output()
    .slice(logged)
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .slice(0, 2);
  return lines.length ? `${message}; ${entry.target.name} logged: ${lines.join(' | ')}` : message;
}

function buildReport(
  options: GatewayBenchOptions,
  paths: PathSummary[],
  notes: string[],
  loadBefore: number,
): GatewayBenchReport {
  const added = overheads(paths);
  const find = (name: string, mode: Mode) =>
    paths.find((line) => line.path === name && line.mode === mode && !line.failure);
  const salonOverPortkey = modes.flatMap((mode) => {
    const salon = find('Salon', mode);
    const portkey = find('Portkey', mode);
    if (!salon || !portkey) return [];
    const direct = find('direct', mode);
    const salonCpu = salon.cpuPerRequest!.saturated;
    const portkeyCpu = portkey.cpuPerRequest!.saturated;
    const directCpu = direct?.cpuPerRequest?.saturated.total ?? NaN;
    const paired = salon.roundRps.map((rate, round) => rate / portkey.roundRps[round]!);
    return [
      {
        mode,
        rps: median(paired),
        range: { min: Math.min(...paired), max: Math.max(...paired) },
        overall: salon.rps / portkey.rps,
        gatewayCpu: portkeyCpu.gateway / salonCpu.gateway,
        ceiling: portkeyCpu.total / directCpu,
      },
    ];
  });
  const goals: GatewayBenchReport['goals'] = [];
  for (const overhead of added.filter((line) => line.path === 'Salon')) {
    goals.push({
      goal: `Salon adds ≤ 0.5 ms p50 at concurrency 1 (${overhead.mode === 'json' ? 'non-streaming' : 'streaming'})`,
      value: `${overhead.addedP50.toFixed(3)} ms`,
      met: overhead.addedP50 <= 0.5,
    });
  }
  for (const ratio of salonOverPortkey) {
    goals.push({
      goal: `Salon serves ≥ 5× Portkey's requests/s at concurrency ${options.concurrency} (${ratio.mode === 'json' ? 'non-streaming' : 'streaming'})`,
      value: `${ratio.rps.toFixed(2)}×`,
      met: ratio.rps >= 5,
    });
  }
  return {
    date: new Date().toISOString(),
    machine: machine(),
    load: { before: loadBefore, after: loadAverage() },
    command: [
      'npm run bench:gateway',
      ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : []),
    ].join(' '),
    settings: {
      requests: options.requests,
      warmup: `${options.warmup}s`,
      concurrency: options.concurrency,
      duration: `${options.duration}s`,
      rounds: options.rounds,
    },
    paths,
    overheads: added,
    salonOverPortkey,
    goals,
    notes,
  };
}

/** `total` cut into `parts` near-equal whole numbers. */
function split(total: number, parts: number): number[] {
  return Array.from(
    { length: parts },
    (_, index) => Math.floor(total / parts) + (index < total % parts ? 1 : 0),
  );
}

function rotate<T>(items: readonly T[], by: number): T[] {
  if (!items.length) return [];
  const shift = by % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}

await main();
