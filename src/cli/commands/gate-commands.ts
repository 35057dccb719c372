// `lanes gates` and `lanes approve <gate>`: release gates and approving one.
import type { Command } from 'commander';
import type { GateView } from '../../contract/views.ts';
import {
  callApi,
  out,
  printJson,
  run,
  statusColumn,
  withConnection,
  type ConnectionFlags,
} from '../command-kit.ts';
import { formatTable, paintStatus, plural, utcMinute } from '../format-table.ts';
import { drillsOf, renderDrills } from './time-commands.ts';

/** What a gate waits on: its window, missing approvals, or the criteria that block it. */
export function gateWaits(g: GateView): string {
  const parts: string[] = [];
  const missing = g.approvalsRequired - g.approvals.length;
  if (g.state !== 'passed' && missing > 0) parts.push(`needs ${plural(missing, 'approval')} (${g.owner})`);
  if (g.waitsUntil) parts.push(`waits until ${utcMinute(g.waitsUntil)}`);
  if (g.state === 'blocked') {
    const failed = g.criteria.filter((c) => c.state === 'failed').map((c) => c.name);
    if (failed.length > 0) parts.push(`failed: ${failed.join(', ')}`);
  }
  if (g.state === 'pending' && parts.length === 0) {
    const open = g.criteria.filter((c) => c.state !== 'passed').map((c) => c.name);
    if (open.length > 0) parts.push(`waiting on: ${open.join(', ')}`);
  }
  if (parts.length === 0 && g.approvals.length > 0)
    parts.push(`approved by ${g.approvals.map((a) => a.by).join(', ')}`);
  return parts.join('; ') || '-';
}

export function renderGates(gates: GateView[], color: boolean): string {
  if (gates.length === 0) return 'no gates';
  const releases = [...new Set(gates.map((g) => g.release).filter((r): r is string => !!r))];
  const head = releases.length > 0 ? `Release ${releases.join(', ')}\n` : '';
  return (
    head +
    formatTable<GateView>(
      [
        { header: 'Gate', value: (g) => g.id },
        { header: 'Phase', value: (g) => g.phase },
        { header: 'Owner', value: (g) => g.owner },
        statusColumn('State', (g) => g.state),
        { header: 'Waits until / missing approvals', value: gateWaits, max: 80 },
      ],
      gates,
      { color },
    )
  );
}

export function registerGateCommands(program: Command): void {
  withConnection(
    program.command('gates').description('release gates: phase, owner seat, state, what each waits on'),
  ).action(async (_opts: unknown, cmd: Command) => {
    const flags = cmd.optsWithGlobals<ConnectionFlags>();
    await run(flags, async (client, color) => {
      const body = await callApi(client, 'gates');
      if (flags.json) return printJson(body);
      out(renderGates(body.gates, color));
      // Drills are judged on time like the gates' windows: next due and when each turns missed (issue 15).
      const drills = drillsOf((await callApi(client, 'lanes')).lanes);
      if (drills.length > 0) out(`\nRollback drills\n${renderDrills(drills, color)}`);
    });
  });

  withConnection(
    program
      .command('approve')
      .argument('<gate>', 'catalog gate id (RG-xx)')
      .option('--release <id>', 'the release to approve the gate for (default: the current one)')
      .option('--comment <text>', 'a comment kept with the approval')
      .description('approve a release gate (members of its owner seat)'),
  ).action(async (gate: string, _opts: unknown, cmd: Command) => {
    const flags = cmd.optsWithGlobals<ConnectionFlags & { release?: string; comment?: string }>();
    await run(flags, async (client, color) => {
      const body = await callApi(client, 'approveGate', {
        params: { id: gate },
        body: {
          ...(flags.release ? { release: flags.release } : {}),
          ...(flags.comment !== undefined ? { comment: flags.comment } : {}),
        },
      });
      if (flags.json) return printJson(body);
      out(
        `approved ${body.id}${body.release ? ` for ${body.release}` : ''}: gate is ${paintStatus(body.state, color)}`,
      );
      out(`  ${gateWaits(body)}`);
    });
  });
}
