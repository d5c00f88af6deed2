// The `salon` command.
import { Command } from 'commander';
import { resolveSettings, type SettingsFlags } from '../config/settings.js';
import { isConfigError } from '../lib/errors.js';
import { serve } from '../server/serve.js';
import { openDatabase } from '../store/create-database.js';
import { registerAuditCommand } from './audit-command.js';
import { registerChatCommand } from './chat-command.js';
import { registerEvalCommand } from './eval-command.js';
import { registerKeysCommand } from './keys-command.js';
import { registerModelsCommand } from './models-command.js';
import { registerOrgsCommand } from './orgs-command.js';
import { registerUsersCommand } from './users-command.js';

const program = new Command('salon')
  .description('Salon: chat, model gateway and evaluation bench over open and hosted models')
  .showHelpAfterError()
  .option('-c, --config <file>', 'salon.yaml (env SALON_CONFIG)')
  .option('-d, --data-dir <dir>', 'data directory (default ./.salon, env SALON_DATA_DIR)');

/** Flags every command accepts, before or after its name. */
const globalFlags = (): SettingsFlags => program.opts<SettingsFlags>();

program
  .command('serve')
  .description('serve the web UI and the OpenAI-compatible API')
  .option('-p, --port <port>', 'port (default 8080, env SALON_PORT)')
  .option('-H, --host <host>', 'host (default 127.0.0.1, env SALON_HOST)')
  .action(async (flags: SettingsFlags) => {
    const settings = resolveSettings({ ...globalFlags(), ...flags });
    const server = await serve(settings);
    let stopping = false;
    const shutdown = (signal: string) => {
      // `on`, not `once`: with a model loaded the signal can be seen twice, and a second one
      // with no listener left would kill the process mid-shutdown.
      if (stopping) return;
      stopping = true;
      console.error(`${signal}: shutting down`);
      // The shutdown bounds each of its steps within this; the timer is the last resort.
      const deadline = setTimeout(() => {
        console.error(`${signal}: not shut down after ${settings.shutdownTimeoutMs} ms; exiting`);
        process.exit(1);
      }, settings.shutdownTimeoutMs).unref();
      server.stop().then(
        () => {
          clearTimeout(deadline);
          process.exit(0);
        },
        (error: unknown) => {
          console.error(error);
          process.exit(1);
        },
      );
    };
    process.on('SIGINT', () => shutdown('SIGINT'));
    process.on('SIGTERM', () => shutdown('SIGTERM'));
    process.on('SIGHUP', () => void server.reload());
  });

registerChatCommand(program, globalFlags);
registerEvalCommand(program, globalFlags);
registerModelsCommand(program, () => resolveSettings(globalFlags()).dataDir);
registerKeysCommand(program, openStore, () => resolveSettings(globalFlags()).redisUrl);
registerUsersCommand(program, openStore);
registerAuditCommand(program, openStore);
registerOrgsCommand(program, openStore);

function openStore() {
  const settings = resolveSettings(globalFlags());
  return openDatabase({ databaseUrl: settings.databaseUrl, dataDir: settings.dataDir });
}

try {
  await program.parseAsync();
} catch (error) {
  if (isConfigError(error)) {
    console.error(`salon: configuration error: ${error.message}`);
    process.exit(2);
  }
  console.error(`salon: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
