// `lanes alerts [--all]`, `lanes alerts ack|resolve <id>`: deduplicated alerts over the API.
import type { Command } from 'commander';
import type { AlertView } from '../../contract/views.ts';
import {
  callApi,
  out,
  printJson,
  run,
  statusColumn,
  withConnection,
  type ConnectionFlags,
} from '../command-kit.ts';
import { formatTable, paintStatus, utcMinute } from '../format-table.ts';

export function renderAlerts(rows: AlertView[], color: boolean, all: boolean): string {
  if (rows.length === 0) return all ? 'no alerts' : 'no open alerts';
  return formatTable<AlertView>(
    [
      { header: 'ID', value: (r) => String(r.id) },
      statusColumn('Status', (r) => r.status),
      { header: 'Severity', value: (r) => r.severity },
      { header: 'Count', value: (r) => String(r.count) },
      { header: 'Title', value: (r) => r.title, max: 70 },
      { header: 'Last seen', value: (r) => utcMinute(r.lastAt) },
    ],
    rows,
    { color },
  );
}

export function registerAlertCommands(program: Command): void {
  const alerts = withConnection(
    program
      .command('alerts')
      .option('--all', 'include resolved alerts')
      .description('open alerts (deduplicated); ack or resolve them'),
  ).action(async (_opts: unknown, cmd: Command) => {
    const flags = cmd.optsWithGlobals<ConnectionFlags & { all?: boolean }>();
    await run(flags, async (client, color) => {
      // The server lists live (open or acked) alerts, or all of them with ?all=true.
      const body = await callApi(client, 'alerts', { query: { all: flags.all ? 'true' : undefined } });
      if (flags.json) return printJson(body);
      out(renderAlerts(body.alerts, color, flags.all === true));
    });
  });

  for (const [verb, past, name] of [
    ['ack', 'acknowledged', 'ackAlert'],
    ['resolve', 'resolved', 'resolveAlert'],
  ] as const) {
    withConnection(
      alerts
        .command(verb)
        .argument('<id>', 'alert id')
        .option('--comment <text>', 'a comment kept in the audit log')
        .description(verb === 'ack' ? 'acknowledge an alert' : 'resolve an alert'),
    ).action(async (id: string, _opts: unknown, cmd: Command) => {
      const flags = cmd.optsWithGlobals<ConnectionFlags & { comment?: string }>();
      await run(flags, async (client, color) => {
        const body = await callApi(client, name, {
          params: { id },
          body: flags.comment !== undefined ? { comment: flags.comment } : {},
        });
        if (flags.json) return printJson(body);
        out(`${past} alert ${id}: ${paintStatus(body.status, color)} — ${body.title}`);
      });
    });
  }
}
