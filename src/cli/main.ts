// The `salon` command.
import { Command } from 'commander';
import { resolveSettings, type SettingsFlags } from '../config/settings.js';
import { isConfigError } from '../lib/errors.js';
import { serve } from '../server/serve.js';
import { openDatabase } from '../store/create-database.js';
import { registerChatCommand } from './chat-command.js';
import { registerKeysCommand } from './keys-command.js';
import { registerModelsCommand } from './models-command.js';
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
    const server = await serve(resolveSettings({ ...globalFlags(), ...flags }));
    const shutdown = (signal: string) => {
      console.error(`${signal}: shutting down`);
      server.stop().then(
        () => process.exit(0),
        (error: unknown) => {
          console.error(error);
          process.exit(1);
        },
      );
    };
    process.once('SIGINT', () => shutdown('SIGINT'));
    process.once('SIGTERM', () => shutdown('SIGTERM'));
  });

registerChatCommand(program, globalFlags);
registerModelsCommand(program, () => resolveSettings(globalFlags()).dataDir);
registerKeysCommand(program, openStore);
registerUsersCommand(program, openStore);

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
