// `lanes` — the command line. Catalog commands work offline; the rest talk to a server with a token.
import { Command } from 'commander';
import { registerCatalogCommands } from './catalog-commands.ts';
import { registerServerCommands, registerTokenCommands } from './server-commands.ts';
import { registerApiCommands } from './api-commands.ts';
import { registerGitHubCommands } from './github-commands.ts';
import { registerWorkflowsCommands } from './workflows-commands.ts';
import { registerGateWaitCommand } from './commands/gate-wait-command.ts';

const program = new Command();
program.name('lanes').description('Lanes — a delivery control plane for GitHub Actions').version('0.1.0');
registerCatalogCommands(program);
registerServerCommands(program);
registerTokenCommands(program);
registerApiCommands(program);
registerGitHubCommands(program);
registerWorkflowsCommands(program);
registerGateWaitCommand(program);

await program.parseAsync(process.argv);
