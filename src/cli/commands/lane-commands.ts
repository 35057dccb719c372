// `lanes trigger <lane>`: dispatch a lane's workflow by hand (refused for gated lanes).
import type { Command } from 'commander';
import { callApi, out, printJson, run, withConnection, type ConnectionFlags } from '../command-kit.ts';
import { plural } from '../format-table.ts';

export function registerLaneCommands(program: Command): void {
  withConnection(
    program
      .command('trigger')
      .argument('<lane>', 'catalog lane id (PL-xx)')
      .option('--ref <ref>', 'git ref to run on')
      .option('--reason <text>', 'why (kept in the audit log)')
      .description('dispatch the lane’s workflow'),
  ).action(async (lane: string, _opts: unknown, cmd: Command) => {
    const flags = cmd.optsWithGlobals<ConnectionFlags & { ref?: string; reason?: string }>();
    await run(flags, async (client) => {
      const body = await callApi(client, 'triggerLane', {
        params: { id: lane },
        body: {
          ...(flags.ref ? { ref: flags.ref } : {}),
          ...(flags.reason ? { reason: flags.reason } : {}),
        },
      });
      if (flags.json) return printJson(body);
      const d = body.dispatches;
      out(
        `triggered ${lane}: ${plural(d.length, 'dispatch')} queued${d.length > 0 ? ` (${d.join(', ')})` : ''}`,
      );
    });
  });
}
