// `lanes status|gates|approve|trigger|release|evidence|alerts|audit`: the commands over the REST API, one
// module per resource under src/cli/commands/. Every command takes --url (LANES_URL), --token
// (LANES_TOKEN) and --json (the API's JSON as is), and calls routes of the contract's table
// (src/contract/routes.ts) with its request and response types.
// Exit codes: 0 ok; 1 the API answered an error; 2 usage error or the server could not be reached.
import type { Command } from 'commander';
import { registerAlertCommands } from './commands/alert-commands.ts';
import { registerAuditCommand } from './commands/audit-command.ts';
import { registerEvidenceCommands } from './commands/evidence-commands.ts';
import { registerGateCommands } from './commands/gate-commands.ts';
import { registerLaneCommands } from './commands/lane-commands.ts';
import { registerReconcileCommands } from './commands/reconcile-commands.ts';
import { registerReleaseCommands } from './commands/release-commands.ts';
import { registerStatusCommand } from './commands/status-command.ts';
import { registerTimeCommands } from './commands/time-commands.ts';
import { registerEffectCommands } from './commands/effect-commands.ts';

export function registerApiCommands(program: Command): void {
  // `release create --version v1.4.0`: the program's own -V/--version must only be read before a subcommand.
  program.enablePositionalOptions();
  registerStatusCommand(program);
  registerGateCommands(program);
  registerLaneCommands(program);
  registerReleaseCommands(program);
  registerEvidenceCommands(program);
  registerAlertCommands(program);
  registerAuditCommand(program);
  registerReconcileCommands(program);
  registerTimeCommands(program);
  registerEffectCommands(program);
}
