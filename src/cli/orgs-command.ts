// `salon orgs create|list`: organisations straight in the database, with or without a running
// server. A new organisation gets its owner in the same transaction, so none exists ownerless.
import type { Command } from 'commander';
import { appendAudit } from '../governance/audit-log.js';
import { createOrg, listOrgs } from '../identity/orgs.js';
import { createUser } from '../identity/users.js';
import type { Store } from '../store/create-database.js';
import { withStore } from './with-store.js';

/** Add the `orgs` command and its subcommands to the program. */
export function registerOrgsCommand(program: Command, openStore: () => Promise<Store>): void {
  const orgs = program.command('orgs').description('manage organisations');

  orgs
    .command('create')
    .description('create an organisation with its owner and print the organisation id')
    .requiredOption('--name <name>', "the organisation's name")
    .requiredOption('--owner-email <email>', "the owner's sign-in email")
    .option('--owner-password <password>', 'at least 8 characters (omit for single sign-on only)')
    .action((options: { name: string; ownerEmail: string; ownerPassword?: string }) =>
      withStore('orgs create', openStore, async ({ db }) => {
        const { org, owner } = await db.transaction().execute(async (trx) => {
          const org = await createOrg(trx, { name: options.name });
          const owner = await createUser(trx, {
            email: options.ownerEmail,
            password: options.ownerPassword,
            role: 'owner',
            orgId: org.id,
          });
          return { org, owner };
        });
        await appendAudit(db, {
          orgId: org.id,
          actorLabel: 'instance',
          action: 'org.created',
          targetType: 'org',
          targetId: org.id,
          details: { name: org.name, ownerId: owner.id, via: 'cli' },
        });
        process.stdout.write(`${org.id}\n`);
        console.error(`Created organisation ${org.name} owned by ${owner.email}.`);
      }),
    );

  orgs
    .command('list')
    .description('print every organisation as id<TAB>name')
    .action(() =>
      withStore('orgs list', openStore, async ({ db }) => {
        for (const org of await listOrgs(db)) process.stdout.write(`${org.id}\t${org.name}\n`);
      }),
    );
}
