// `lanes status`: the control plane overview (the reference screen in text).
import type { Command } from 'commander';
import type { LaneView, Overview, WorkflowView } from '../../contract/views.ts';
import {
  callApi,
  out,
  printJson,
  run,
  statusColumn,
  withConnection,
  type ConnectionFlags,
} from '../command-kit.ts';
import { formatTable, paintStatus, red, utcMinute } from '../format-table.ts';

export function renderOverview(o: Overview, color: boolean): string {
  const lines: string[] = [];
  const crumbs = o.zone.breadcrumbs.length > 0 ? ` · ${o.zone.breadcrumbs.join(' / ')}` : '';
  lines.push(`${o.zone.title}  (zone ${o.zone.name}${crumbs})`);
  const alerts = `${o.alerts.open} open alert${o.alerts.open === 1 ? '' : 's'}`;
  lines.push(
    `Automated ${o.summary.automated} · Manual ${o.summary.manual} · Prod lanes ${o.summary.prod} · Rollback lanes ${o.summary.rollback} · ${color && o.alerts.open > 0 ? red(alerts) : alerts}`,
  );
  if (o.gates.length > 0) {
    const counts = new Map<string, number>();
    for (const g of o.gates) counts.set(g.state, (counts.get(g.state) ?? 0) + 1);
    const release = o.gates.find((g) => g.release)?.release;
    const parts = (['passed', 'pending', 'blocked'] as const)
      .filter((s) => counts.has(s))
      .map((s) => `${counts.get(s)} ${paintStatus(s, color)}`);
    lines.push(`Gates${release ? ` (${release})` : ''}: ${parts.join(', ')}`);
  }
  lines.push('', 'Lanes');
  lines.push(
    formatTable<LaneView>(
      [
        { header: 'ID', value: (l) => l.id },
        { header: 'Name', value: (l) => l.name },
        { header: 'Trigger', value: (l) => l.trigger, max: 44 },
        { header: 'Environment', value: (l) => l.environment },
        statusColumn('Status', (l) => l.status),
        { header: 'Last run', value: (l) => utcMinute(l.lastRunAt) },
      ],
      o.lanes,
      { color },
    ),
  );
  lines.push('', 'Workflows');
  lines.push(
    formatTable<WorkflowView>(
      [
        { header: 'ID', value: (w) => w.id },
        statusColumn('Status', (w) => w.status),
        { header: 'Name', value: (w) => w.name },
        { header: 'Runner · env', value: (w) => `${w.runner} · ${w.environment || '-'}` },
        { header: 'Evidence', value: (w) => w.evidence ?? '-' },
      ],
      o.workflows,
      { color },
    ),
  );
  return lines.join('\n');
}

export function registerStatusCommand(program: Command): void {
  withConnection(
    program.command('status').description('the control plane overview: lanes, workflows, gates, alerts'),
  ).action(async (_opts: unknown, cmd: Command) => {
    const flags = cmd.optsWithGlobals<ConnectionFlags>();
    await run(flags, async (client, color) => {
      const body = await callApi(client, 'overview');
      if (flags.json) return printJson(body);
      out(renderOverview(body, color));
    });
  });
}
