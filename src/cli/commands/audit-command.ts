// `lanes audit [--limit n]`: the audit log, newest first.
import type { Command } from 'commander';
import type { AuditEvent } from '../../contract/results.ts';
import {
  callApi,
  out,
  positiveInt,
  printJson,
  run,
  withConnection,
  type ConnectionFlags,
} from '../command-kit.ts';
import { formatTable, text, utcMinute } from '../format-table.ts';

export function renderAudit(rows: AuditEvent[], color: boolean): string {
  if (rows.length === 0) return 'no audit events';
  return formatTable<AuditEvent>(
    [
      { header: 'When', value: (r) => utcMinute(r.at) },
      { header: 'Actor', value: (r) => r.actor, max: 40 },
      { header: 'Action', value: (r) => r.action },
      { header: 'Object', value: (r) => `${r.objectType} ${r.objectId}`, max: 60 },
      { header: 'Reason', value: (r) => text(r.reason), max: 60 },
    ],
    rows,
    { color },
  );
}

export function registerAuditCommand(program: Command): void {
  withConnection(
    program
      .command('audit')
      .option('--limit <n>', 'how many events (1-1000, default 100)', positiveInt('--limit', 1000))
      .description('the audit log, newest first'),
  ).action(async (_opts: unknown, cmd: Command) => {
    const flags = cmd.optsWithGlobals<ConnectionFlags & { limit?: number }>();
    await run(flags, async (client, color) => {
      const body = await callApi(client, 'audit', { query: { limit: flags.limit } });
      if (flags.json) return printJson(body);
      out(renderAudit(body.events, color));
    });
  });
}
