// `lanes reconcile`: one reconcile pass now, on the server (admin token); `lanes catalog-versions`: the
// catalogs the server's store accepted, newest (active) first.
import type { Command } from 'commander';
import type { CatalogVersionView, ReconcileSourceResult } from '../../contract/views.ts';
import { callApi, out, printJson, run, withConnection, type ConnectionFlags } from '../command-kit.ts';
import { formatTable, text, utcMinute } from '../format-table.ts';

export function renderReconcile(rows: ReconcileSourceResult[], color: boolean): string {
  return formatTable<ReconcileSourceResult>(
    [
      { header: 'Source', value: (r) => r.source, max: 60 },
      { header: 'Checked', value: (r) => String(r.checked) },
      { header: 'Gaps', value: (r) => String(r.found) },
      { header: 'Filled', value: (r) => String(r.filled) },
      { header: 'Note', value: (r) => text(r.error ?? r.skipped), max: 80 },
    ],
    rows,
    { color },
  );
}

export function renderCatalogVersions(rows: CatalogVersionView[], color: boolean): string {
  if (rows.length === 0) return 'no catalog versions';
  return formatTable<CatalogVersionView>(
    [
      {
        header: 'Id',
        value: (r) => `${r.id}${r.active ? ' (active)' : r.status === 'rejected' ? ' (rejected)' : ''}`,
      },
      { header: 'Loaded', value: (r) => utcMinute(r.loadedAt) },
      { header: 'Source', value: (r) => (r.commitSha ? `${r.source} ${r.commitSha.slice(0, 7)}` : r.source) },
      { header: 'Zone', value: (r) => `${r.zone} (${r.repository})`, max: 50 },
      { header: 'Digest', value: (r) => r.digest.slice(0, 12) },
    ],
    rows,
    { color },
  );
}

export function registerReconcileCommands(program: Command): void {
  withConnection(
    program
      .command('reconcile')
      .description(
        'run one reconcile pass now: redeliver failed App deliveries, fill runs no webhook announced',
      ),
  ).action(async (_opts: unknown, cmd: Command) => {
    const flags = cmd.optsWithGlobals<ConnectionFlags>();
    await run(flags, async (client, color) => {
      const body = await callApi(client, 'reconcile', { body: {} });
      if (flags.json) return printJson(body);
      out(renderReconcile(body.sources, color));
    });
  });
  withConnection(
    program.command('catalog-versions').description('catalog versions the server accepted, newest first'),
  ).action(async (_opts: unknown, cmd: Command) => {
    const flags = cmd.optsWithGlobals<ConnectionFlags>();
    await run(flags, async (client, color) => {
      const body = await callApi(client, 'catalogVersions');
      if (flags.json) return printJson(body);
      out(renderCatalogVersions(body.versions, color));
    });
  });
}
