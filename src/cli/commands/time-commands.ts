// `lanes freezes` (the catalog's freeze windows: active now until when, and the next), `lanes drills`
// (scheduled rollback drills: next due, when each turns missed; also under `lanes gates`) and `lanes
// deliveries [--status ignored]` (stored GitHub deliveries; an ignored one with the reason it changed nothing).
import { Option, type Command } from 'commander';
import type { DeliveryView, DrillView, FreezeView, LaneView } from '../../contract/views.ts';
import {
  callApi,
  out,
  positiveInt,
  printJson,
  run,
  statusColumn,
  withConnection,
  type ConnectionFlags,
} from '../command-kit.ts';
import { formatTable, text, utcMinute } from '../format-table.ts';

const STATUSES = ['pending', 'processed', 'ignored', 'failed'] as const;
type Status = (typeof STATUSES)[number];

export function renderFreezes(rows: FreezeView[], color: boolean): string {
  if (rows.length === 0) return 'no freeze windows in the catalog';
  return formatTable<FreezeView>(
    [
      { header: 'Window', value: (r) => `${r.windowId} ${r.name}`, max: 40 },
      { header: 'Lanes', value: (r) => r.lanes.join(', ') },
      { header: 'Now', value: (r) => (r.active ? `frozen until ${utcMinute(r.active.end)}` : 'clear') },
      {
        header: 'Next',
        value: (r) => (r.next ? `${utcMinute(r.next.start)} → ${utcMinute(r.next.end)}` : '—'),
      },
      { header: 'Override', value: (r) => r.overrideSeats.join(', ') || '—' },
    ],
    rows,
    { color },
  );
}

/** The scheduled drills of a lane list (each drill lane carries its `drill`). */
export function drillsOf(lanes: readonly LaneView[]): DrillView[] {
  return lanes.flatMap((l) => (l.drill ? [l.drill] : []));
}

export function renderDrills(rows: DrillView[], color: boolean): string {
  if (rows.length === 0) return 'no scheduled rollback drills in the catalog';
  return formatTable<DrillView>(
    [
      { header: 'Drill', value: (d) => `${d.laneId} ${d.name}`, max: 40 },
      { header: 'Schedule', value: (d) => `${d.cron} (UTC)` },
      statusColumn('State', (d) => d.state),
      { header: 'Next due', value: (d) => utcMinute(d.nextDueAt) },
      {
        header: 'Missed after',
        value: (d) =>
          d.state === 'missed' ? `missed since ${utcMinute(d.missedAfter)}` : utcMinute(d.missedAfter),
      },
      {
        header: 'Last run',
        value: (d) => (d.lastRun ? `${d.lastRun.status} ${utcMinute(d.lastRun.at)}` : '—'),
      },
    ],
    rows,
    { color },
  );
}

export function renderDeliveries(rows: DeliveryView[], color: boolean): string {
  if (rows.length === 0) return 'no deliveries';
  return formatTable<DeliveryView>(
    [
      { header: 'Received', value: (r) => utcMinute(r.receivedAt) },
      { header: 'Event', value: (r) => `${r.event}${r.action ? `.${r.action}` : ''}` },
      { header: 'Delivery', value: (r) => r.guid, max: 40 },
      { header: 'Status', value: (r) => r.status },
      { header: 'Reason', value: (r) => text(r.ignoredReason ?? null) },
      { header: 'Detail', value: (r) => text(r.error), max: 80 },
    ],
    rows,
    { color },
  );
}

export function registerTimeCommands(program: Command): void {
  withConnection(
    program.command('freezes').description('freeze windows: active now (until when) and the next'),
  ).action(async (_opts: unknown, cmd: Command) => {
    const flags = cmd.optsWithGlobals<ConnectionFlags>();
    await run(flags, async (client, color) => {
      const body = await callApi(client, 'freezes', {});
      if (flags.json) return printJson(body);
      out(renderFreezes(body.freezes, color));
    });
  });

  withConnection(
    program.command('drills').description('scheduled rollback drills: next due and when each turns missed'),
  ).action(async (_opts: unknown, cmd: Command) => {
    const flags = cmd.optsWithGlobals<ConnectionFlags>();
    await run(flags, async (client, color) => {
      const body = await callApi(client, 'lanes');
      const drills = drillsOf(body.lanes);
      if (flags.json) return printJson({ drills });
      out(renderDrills(drills, color));
    });
  });

  withConnection(
    program
      .command('deliveries')
      .addOption(new Option('--status <status>', 'only deliveries in this status').choices(STATUSES))
      .option('--limit <n>', 'how many (1-1000, default 100)', positiveInt('--limit', 1000))
      .description('stored GitHub deliveries, newest first; --status ignored shows why each changed nothing'),
  ).action(async (_opts: unknown, cmd: Command) => {
    const flags = cmd.optsWithGlobals<ConnectionFlags & { status?: Status; limit?: number }>();
    await run(flags, async (client, color) => {
      const body = await callApi(client, 'deliveries', {
        query: { status: flags.status, limit: flags.limit },
      });
      if (flags.json) return printJson(body);
      out(renderDeliveries(body.deliveries, color));
    });
  });
}
