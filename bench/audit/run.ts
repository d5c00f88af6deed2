// bench/audit: how long `verifyAuditChain` (what `salon audit verify` runs) takes over a log of
// 1,000,000 events, per dialect, against a plain read of the same rows in the same pages.
//
//   npm run bench:audit [-- --events N --dialects sqlite,postgres --rounds N --batch-size N --json]
//
// Each dialect gets a fresh database (a temp dir; a throwaway Postgres schema, dropped after),
// seeded with a valid chain. The baseline and verification then run `--rounds` times each,
// alternating, so that a busy neighbour slows both alike; the best pass of each is reported.
// Goal: verification under 10 s per dialect.
import { sql } from 'kysely';
import { verifyAuditChain } from '../../src/governance/audit-log.js';
import type { DialectName } from '../../src/store/store-dialect.js';
import { openFreshStore, runnableDialects } from '../fresh-store.js';
import { benchCommand, loadAverage, machine, type Machine } from '../machine.js';
import { readWholeLog } from './baseline.js';
import { parseAuditBenchOptions, type AuditBenchOptions } from './options.js';
import { seedAuditLog } from './seed.js';

const goalSeconds = 10;
// verifyAuditChain's default page; the baseline reads with the same one unless told otherwise.
const defaultBatchSize = 5_000;

const log = (line: string) => console.error(line);

/** Everything measured on one database. */
interface DialectReport {
  dialect: DialectName;
  events: number;
  seed: { seconds: number; eventsPerSecond: number };
  /** Best pass of each, in seconds. */
  baselineSeconds: number;
  verifySeconds: number;
  /**
   * This process's CPU seconds (user + system) in the best verification pass: what the pass
   * would take on an idle core with SQLite, whatever the neighbours were doing.
   */
  verifyCpuSeconds: number;
  baselineCpuSeconds: number;
  verifyEventsPerSecond: number;
  /** Verification over the plain read: what hashing and checking add. */
  ratio: number;
  goalMet: boolean;
  allPasses: { baseline: Pass[]; verify: Pass[] };
}

interface AuditBenchReport {
  date: string;
  machine: Machine;
  load: { before: number; after: number };
  command: string;
  batchSize: number;
  goalSeconds: number;
  dialects: DialectReport[];
  skipped: string[];
}

/** One timed pass: wall-clock and this process's CPU seconds. */
interface Pass {
  seconds: number;
  cpuSeconds: number;
}

async function timed(work: () => Promise<unknown>): Promise<Pass> {
  const cpuBefore = process.cpuUsage();
  const startedAt = performance.now();
  await work();
  const cpu = process.cpuUsage(cpuBefore);
  return {
    seconds: (performance.now() - startedAt) / 1000,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
  };
}

const best = (passes: Pass[]) =>
  passes.reduce((fastest, pass) => (pass.seconds < fastest.seconds ? pass : fastest));
const rounded = (pass: Pass): Pass => ({
  seconds: round2(pass.seconds),
  cpuSeconds: round2(pass.cpuSeconds),
});

async function benchDialect(
  dialect: DialectName,
  options: AuditBenchOptions,
  batchSize: number,
): Promise<DialectReport> {
  const { store, drop } = await openFreshStore(dialect, 'audit');
  try {
    log(`${dialect}: writing ${options.events.toLocaleString('en')} chained events…`);
    const seedSeconds = await seedAuditLog(store.db, options.events);
    // What autovacuum would have done by the time a log holds this many events.
    if (dialect === 'postgres') await sql`vacuum analyze audit_events`.execute(store.db);
    log(`${dialect}: written in ${seedSeconds.toFixed(1)} s; timing reads and verification…`);
    const passes = { baseline: [] as Pass[], verify: [] as Pass[] };
    for (let round = 0; round < options.rounds; round++) {
      const baseline = async () => {
        let rows = 0;
        passes.baseline.push(
          await timed(async () => (rows = await readWholeLog(store.db, batchSize))),
        );
        if (rows !== options.events) throw new Error(`baseline read ${rows} rows`);
      };
      const verify = async () => {
        let checked = 0;
        passes.verify.push(
          await timed(async () => {
            const result = await verifyAuditChain(store.db, { batchSize });
            if (!result.ok)
              throw new Error(`the seeded chain is broken: ${result.problems[0]?.message}`);
            checked = result.checked;
          }),
        );
        if (checked !== options.events) throw new Error(`verification checked ${checked} events`);
      };
      if (round % 2) {
        await verify();
        await baseline();
      } else {
        await baseline();
        await verify();
      }
      log(
        `${dialect}: round ${round + 1}: read ${passes.baseline.at(-1)!.seconds.toFixed(2)} s, ` +
          `verify ${passes.verify.at(-1)!.seconds.toFixed(2)} s`,
      );
    }
    const baseline = best(passes.baseline);
    const verify = best(passes.verify);
    const baselineSeconds = baseline.seconds;
    const verifySeconds = verify.seconds;
    return {
      dialect,
      events: options.events,
      seed: {
        seconds: round2(seedSeconds),
        eventsPerSecond: Math.round(options.events / seedSeconds),
      },
      baselineSeconds: round2(baselineSeconds),
      verifySeconds: round2(verifySeconds),
      verifyCpuSeconds: round2(verify.cpuSeconds),
      baselineCpuSeconds: round2(baseline.cpuSeconds),
      verifyEventsPerSecond: Math.round(options.events / verifySeconds),
      ratio: round2(verifySeconds / baselineSeconds),
      goalMet: verifySeconds < goalSeconds,
      allPasses: {
        baseline: passes.baseline.map(rounded),
        verify: passes.verify.map(rounded),
      },
    };
  } finally {
    await store.close();
    await drop();
  }
}

const round2 = (value: number) => Math.round(value * 100) / 100;

function formatReport(report: AuditBenchReport): string {
  const lines = [
    `bench/audit — ${report.date}`,
    `machine: ${report.machine.cpus} × ${report.machine.cpuModel}, ${report.machine.platform}, Node ${report.machine.node}; ` +
      `load ${report.load.before} → ${report.load.after}`,
    `command: ${report.command}; pages of ${report.batchSize} rows; goal: verify < ${report.goalSeconds} s`,
    '',
    'dialect   events      write s  write ev/s   read s (cpu)   verify s (cpu)  verify ev/s  verify/read  goal',
  ];
  for (const d of report.dialects) {
    lines.push(
      [
        d.dialect.padEnd(8),
        d.events.toLocaleString('en').padStart(10),
        d.seed.seconds.toFixed(1).padStart(8),
        d.seed.eventsPerSecond.toLocaleString('en').padStart(11),
        `${d.baselineSeconds.toFixed(2)} (${d.baselineCpuSeconds.toFixed(1)})`.padStart(14),
        `${d.verifySeconds.toFixed(2)} (${d.verifyCpuSeconds.toFixed(1)})`.padStart(15),
        d.verifyEventsPerSecond.toLocaleString('en').padStart(12),
        `${d.ratio.toFixed(2)}×`.padStart(12),
        d.goalMet ? '  met' : '  MISSED',
      ].join(' '),
    );
  }
  for (const reason of report.skipped) lines.push(`SKIPPED ${reason}`);
  return lines.join('\n');
}

async function main(): Promise<void> {
  let options: AuditBenchOptions;
  try {
    options = parseAuditBenchOptions(process.argv.slice(2));
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 2;
    return;
  }
  const { dialects, skipped } = await runnableDialects(options.dialects);
  const batchSize = options.batchSize ?? defaultBatchSize;
  const loadBefore = loadAverage();
  const reports: DialectReport[] = [];
  for (const dialect of dialects) reports.push(await benchDialect(dialect, options, batchSize));
  const report: AuditBenchReport = {
    date: new Date().toISOString(),
    machine: machine(),
    load: { before: loadBefore, after: loadAverage() },
    command: benchCommand('bench:audit'),
    batchSize,
    goalSeconds,
    dialects: reports,
    skipped,
  };
  console.log(options.json ? JSON.stringify(report, null, 2) : formatReport(report));
}

await main();
