// `salon users create`: add an account straight in the database, with or without a running
// server. The owner comes from SALON_ADMIN_EMAIL/PASSWORD or the web UI's first-run setup.
import { Option, type Command } from 'commander';
import { appendAudit } from '../governance/audit-log.js';
import { getOrg } from '../identity/orgs.js';
import { createUser, type UserRole } from '../identity/users.js';
import type { Store } from '../store/create-database.js';
import { withStore } from './with-store.js';

/** Add the `users` command and its subcommands to the program. */
export function registerUsersCommand(program: Command, openStore: () => Promise<Store>): void {
  const users = program.command('users').description('manage user accounts');

  users
    .command('create')
    .description('create a user and print its id')
    .requiredOption('--email <email>', 'the sign-in email')
    .requiredOption('--password <password>', 'at least 8 characters')
    .addOption(
      new Option('--role <role>', 'what the user may do')
        .choices(['member', 'admin'])
        .default('member'),
    )
    .option('--org <id>', 'the organisation to join (default: the default organisation)')
    .action((options: { email: string; password: string; role: UserRole; org?: string }) =>
      withStore('users create', openStore, async ({ db }) => {
        if (options.org) await getOrg(db, options.org); // a clear error for an unknown id
        const user = await createUser(db, { ...options, orgId: options.org });
        await appendAudit(db, {
          orgId: user.orgId,
          actorLabel: 'instance',
          action: 'user.created',
          targetType: 'user',
          targetId: user.id,
          details: { email: user.email, role: user.role, via: 'cli' },
        });
        process.stdout.write(`${user.id}\n`);
        console.error(`Created ${user.role} ${user.email}.`);
      }),
    );
}
