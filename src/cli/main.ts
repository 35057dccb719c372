// `lanes` — the command line. Catalog commands work offline; the rest talk to a server with a token.
import { Command } from 'commander';
import { registerCatalogCommands } from './catalog-commands.ts';
import { registerServerCommands, registerTokenCommands } from './server-commands.ts';
import { registerApiCommands } from './api-commands.ts';
import { registerGitHubCommands } from './github-commands.ts';
import { registerWorkflowsCommands } from './workflows-commands.ts';
import { usageExit } from './command-kit.ts';
import { registerGateWaitCommand } from './commands/gate-wait-command.ts';
import { registerBackupCommand } from './backup-command.ts';

const program = new Command();
program.name('lanes').description('Lanes — a delivery control plane for GitHub Actions').version('0.1.0');
// Set before the commands are added: every subcommand inherits it, so usage errors exit 2 everywhere.
program.exitOverride(usageExit);
registerCatalogCommands(program);
registerServerCommands(program);
registerTokenCommands(program);
registerApiCommands(program);
registerGitHubCommands(program);
registerWorkflowsCommands(program);
registerGateWaitCommand(program);
registerBackupCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  // A failure no command reported itself: one line, no stack trace.
  process.stderr.write(`lanes: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
}
