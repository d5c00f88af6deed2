// `salon keys create | list | revoke`: API keys straight in the database, with or without a
// running server. `create` prints only the key on stdout, so `KEY=$(salon keys create …)` works.
import type { Command } from 'commander';
import { appendAudit } from '../governance/audit-log.js';
import { createApiKey, listApiKeys, revokeApiKey, type ApiKey } from '../identity/api-keys.js';
import { findUserByEmail, findUserById } from '../identity/users.js';
import { badRequest } from '../lib/errors.js';
import type { Store } from '../store/create-database.js';
import { parseKeyFlags, type KeyFlags } from './key-flags.js';
import { tellServersOfKeyEvictions } from './tell-servers.js';
import { withStore } from './with-store.js';

/** Add the `keys` command and its subcommands to the program; `redisUrl` reads REDIS_URL. */
export function registerKeysCommand(
  program: Command,
  openStore: () => Promise<Store>,
  redisUrl: () => string | undefined,
): void {
  const keys = program.command('keys').description('create, list and revoke API keys');

  keys
    .command('create')
    .description('create an API key and print it (it is shown only this once)')
    .requiredOption('--name <name>', 'a label to recognise the key by')
    .option('--user <email>', 'the user the key acts for (default: the instance)')
    .option('--models <names>', 'the only models the key may use, separated by commas')
    .option('--rpm <n>', 'requests per minute')
    .option('--tpm <n>', 'tokens (prompt + completion) per minute')
    .option('--budget-tokens <n>', 'tokens per budget period')
    .option('--budget-usd <amount>', 'US dollars per budget period (from the targets’ prices)')
    .option('--budget-period <period>', 'day or month, in UTC (default month)')
    .option('--expires <when>', 'an ISO date (2027-01-31) or a duration from now (12h, 30d, 2w)')
    .action((options: { name: string; user?: string } & KeyFlags) => {
      const { limits, expiresAt } = parseKeyFlags(options); // exit code 2 before touching the store
      return withStore('keys create', openStore, async ({ db }) => {
        const user = options.user ? await findUserByEmail(db, options.user) : undefined;
        if (options.user && !user) throw badRequest(`No user has the email ${options.user}.`);
        const { key, record } = await createApiKey(db, {
          name: options.name,
          userId: user?.id,
          limits,
          expiresAt,
        });
        await appendAudit(db, cliKeyAudit('key.created', record));
        process.stdout.write(`${key}\n`);
        console.error(`Created API key ${record.id} (${record.name}). It is not shown again.`);
      });
    });

  keys
    .command('list')
    .description('list API keys (never the keys themselves)')
    .option('--json', 'print one JSON array')
    .action((options: { json?: boolean }) =>
      withStore('keys list', openStore, async ({ db }) => {
        const records = await listApiKeys(db);
        if (options.json) return void process.stdout.write(`${JSON.stringify(records)}\n`);
        const emails = new Map<string, string>();
        for (const userId of new Set(records.flatMap((record) => record.userId ?? []))) {
          emails.set(userId, (await findUserById(db, userId))?.email ?? userId);
        }
        const rows = records.map((record) => [
          record.id,
          record.name,
          `${record.prefix}…`,
          record.userId ? (emails.get(record.userId) ?? '') : '(instance)',
          status(record),
          record.lastUsedAt ?? 'never',
          describeLimits(record),
        ]);
        printTable(['ID', 'NAME', 'KEY', 'USER', 'STATUS', 'LAST USED', 'LIMITS'], rows);
      }),
    );

  keys
    .command('revoke <id>')
    .description(
      'revoke an API key; servers sharing REDIS_URL stop accepting it at once, others within 5 seconds',
    )
    .action((id: string) =>
      withStore('keys revoke', openStore, async ({ db }) => {
        const stopTelling = await tellServersOfKeyEvictions(db, redisUrl(), 'keys revoke');
        try {
          const record = await revokeApiKey(db, id);
          if (!record) throw badRequest(`No API key has the id ${id}.`);
          await appendAudit(db, cliKeyAudit('key.revoked', record));
          console.error(`Revoked API key ${record.id} (${record.name}).`);
        } finally {
          await stopTelling();
        }
      }),
    );
}

/** The audit event of a key changed from the command line: the actor is the instance itself. */
function cliKeyAudit(action: 'key.created' | 'key.revoked', record: ApiKey) {
  return {
    orgId: record.orgId,
    actorLabel: 'instance',
    action,
    targetType: 'api_key',
    targetId: record.id,
    details: { name: record.name, userId: record.userId, via: 'cli' },
  };
}

function status(record: ApiKey, now = Date.now()): string {
  if (record.revokedAt) return 'revoked';
  if (record.expiresAt && Date.parse(record.expiresAt) <= now) return 'expired';
  return 'active';
}

/** e.g. `models=small,large rpm=60 budget=$5/month`; empty for a key without limits. */
function describeLimits({ limits }: ApiKey): string {
  const budget = [
    limits.budgetTokens !== null && `${limits.budgetTokens} tokens`,
    limits.budgetUsd !== null && `$${limits.budgetUsd}`,
  ].filter(Boolean);
  return [
    limits.models && `models=${limits.models.join(',')}`,
    limits.rpm !== null && `rpm=${limits.rpm}`,
    limits.tpm !== null && `tpm=${limits.tpm}`,
    budget.length > 0 && `budget=${budget.join(' + ')}/${limits.budgetPeriod}`,
  ]
    .filter(Boolean)
    .join(' ');
}

function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((r) => r[i]!.length)));
  for (const row of [header, ...rows]) {
    console.log(
      row
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    );
  }
}
