// `salon audit verify | export`: the operator's side of the audit log (docs/audit.md), straight
// on the database like `salon keys`. `verify` walks the hash chain and exits 1 on any break;
// `export` prints events as JSON lines on stdout for a SIEM or an archive.
import type { Command } from 'commander';
import { appendAudit, verifyAuditChain, type AuditVerification } from '../governance/audit-log.js';
import { allAuditEvents, auditEventLine, streamAuditEvents } from '../governance/audit-query.js';
import { badRequest } from '../lib/errors.js';
import type { Store } from '../store/create-database.js';
import { withStore } from './with-store.js';

/** Add the `audit` command and its subcommands to the program. */
export function registerAuditCommand(program: Command, openStore: () => Promise<Store>): void {
  const auditCommand = program.command('audit').description('verify and export the audit log');

  auditCommand
    .command('verify')
    .description('check the audit log’s hash chain; exit 1 if an event was edited, removed or cut')
    .option('--json', 'print one JSON object: ok, checked, problems')
    .action((options: { json?: boolean }) =>
      withStore('audit verify', openStore, async ({ db }) => {
        const startedAt = performance.now();
        const verification = await verifyAuditChain(db);
        const seconds = (performance.now() - startedAt) / 1000;
        if (options.json) process.stdout.write(`${JSON.stringify(verification)}\n`);
        else process.stdout.write(describeVerification(verification, seconds));
        if (!verification.ok) process.exitCode = 1;
      }),
    );

  auditCommand
    .command('export')
    .description('print audit events as JSON lines (oldest first), with their hashes')
    .option('--org <id>', 'only this organisation’s events (default: every event)')
    .option('--since <iso>', 'only events at or after this instant (ISO 8601)')
    .action((options: { org?: string; since?: string }) =>
      withStore('audit export', openStore, async ({ db }) => {
        const from = options.since === undefined ? undefined : parseInstant(options.since);
        // Recorded first, like the admin API's export, which stops just before its own event.
        const exported = await appendAudit(db, {
          orgId: options.org ?? null,
          actorLabel: 'instance',
          action: 'audit.exported',
          details: { filter: { org: options.org, from }, via: 'cli' },
        });
        const events = streamAuditEvents(allAuditEvents(db, options.org), {
          from,
          before: exported.seq,
        });
        for await (const event of events) {
          // Respect a slow reader (a pipe to gzip or a network): wait for the buffer to drain.
          if (!process.stdout.write(auditEventLine(event))) {
            await new Promise((resolve) => process.stdout.once('drain', resolve));
          }
        }
      }),
    );
}

/** The report `verify` prints: each problem on its own line, then a one-line summary. */
export function describeVerification(verification: AuditVerification, seconds: number): string {
  const lines = verification.problems.map(
    (problem) => `${problem.problem.toUpperCase()} at event ${problem.seq}: ${problem.message}`,
  );
  const took = `in ${seconds.toFixed(2)} s`;
  lines.push(
    verification.ok
      ? `OK: the audit chain is intact (${verification.checked} events checked ${took}).`
      : `FAILED: ${verification.problems.length} problem(s) in the audit chain ` +
          `(${verification.checked} events checked ${took}). The log has been tampered with ` +
          'or damaged since these events were written.',
  );
  return `${lines.join('\n')}\n`;
}

function parseInstant(value: string): string {
  const time = Date.parse(value);
  if (Number.isNaN(time)) {
    throw badRequest(`--since: '${value}' is not an ISO 8601 date or date-time.`, 'since');
  }
  return new Date(time).toISOString();
}
