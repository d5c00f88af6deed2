// Where a bench ran, for its report: the same for every bench so that reports compare.
import os from 'node:os';

/** Where the bench ran. */
export interface Machine {
  cpus: number;
  cpuModel: string;
  node: string;
  platform: string;
}

/** This machine. */
export function machine(): Machine {
  return {
    cpus: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
  };
}

/** The 1-minute load average: above ~1, others were using the cores. */
export function loadAverage(): number {
  return Math.round(os.loadavg()[0]! * 100) / 100;
}

/** The command that ran this bench, as typed: `npm run <script> -- <its flags>`. */
export function benchCommand(script: string): string {
  const flags = process.argv.slice(2);
  return [`npm run ${script}`, ...(flags.length > 0 ? ['--', ...flags] : [])].join(' ');
}
