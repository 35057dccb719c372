// Time-driven rules on screen (issue 15): freeze windows (active now until when, and the next), scheduled
// rollback drills (next due, when each turns missed) and, on a release, the freezes ahead of its remaining
// lanes and the overrides given on it with their expiry. Everything shown is computed by the server from
// its clock; the page only formats it.
import type { DrillView, FreezeView, ReleaseView } from '../../../src/contract/views.ts';
import { GenericTable } from './generic-table.tsx';
import { Empty, Section } from './layout-parts.tsx';
import { StatusPill } from './status-pill.tsx';
import { TimeText } from './time-text.tsx';
import { Link, lanePath } from '../lib/router.tsx';

function LaneLinks({ ids }: { ids: readonly string[] }) {
  return (
    <>
      {ids.map((id, i) => (
        <span key={id}>
          {i ? ', ' : ''}
          <Link to={lanePath(id)} className="mono">
            {id}
          </Link>
        </span>
      ))}
    </>
  );
}

function FreezeTable({ freezes }: { freezes: readonly FreezeView[] }) {
  return (
    <GenericTable<FreezeView>
      label="Freeze windows"
      rows={freezes}
      rowKey={(f) => f.windowId}
      rowTestId={(f) => `freeze-${f.windowId}`}
      columns={[
        { key: 'window', label: 'Window', render: (f) => f.name },
        { key: 'lanes', label: 'Lanes', render: (f) => <LaneLinks ids={f.lanes} /> },
        {
          key: 'now',
          label: 'Now',
          render: (f) =>
            f.active ? (
              <span data-testid={`freeze-${f.windowId}-active`}>
                <StatusPill status="frozen" small /> until <TimeText iso={f.active.end} />
              </span>
            ) : (
              <span className="muted">clear</span>
            ),
        },
        {
          key: 'next',
          label: 'Next',
          render: (f) =>
            f.next ? (
              <span data-testid={`freeze-${f.windowId}-next`}>
                <TimeText iso={f.next.start} /> → <TimeText iso={f.next.end} />
              </span>
            ) : (
              <span className="muted">—</span>
            ),
        },
        { key: 'overrideSeats', label: 'Override seats', className: 'mono' },
      ]}
    />
  );
}

function DrillTable({ drills }: { drills: readonly DrillView[] }) {
  return (
    <GenericTable<DrillView>
      label="Rollback drills"
      rows={drills}
      rowKey={(d) => d.laneId}
      rowTestId={(d) => `drill-${d.laneId}`}
      columns={[
        {
          key: 'lane',
          label: 'Drill',
          render: (d) => (
            <>
              <Link to={lanePath(d.laneId)} className="mono">
                {d.laneId}
              </Link>{' '}
              {d.name}
            </>
          ),
        },
        { key: 'cron', label: 'Schedule (UTC)', className: 'mono' },
        { key: 'state', label: 'State' },
        {
          key: 'nextDueAt',
          label: 'Next due',
          render: (d) => <TimeText iso={d.nextDueAt} testId={`drill-${d.laneId}-due`} />,
        },
        {
          key: 'missedAfter',
          label: 'Missed after',
          render: (d) => (
            <span data-testid={`drill-${d.laneId}-missed-after`}>
              {d.state === 'missed' ? 'missed since ' : ''}
              <TimeText iso={d.missedAfter} />
            </span>
          ),
        },
        {
          key: 'lastRun',
          label: 'Last run',
          render: (d) =>
            d.lastRun ? (
              <>
                <StatusPill status={d.lastRun.status} small /> <TimeText iso={d.lastRun.at} />
              </>
            ) : (
              <span className="muted">never</span>
            ),
        },
      ]}
    />
  );
}

/** The overview's panel: freeze windows and scheduled drills. */
export function OverviewTimePanel({
  freezes,
  drills,
}: {
  freezes: readonly FreezeView[] | undefined;
  drills: readonly DrillView[] | undefined;
}) {
  return (
    <Section
      id="time"
      title="Freezes and drills"
      note="Freeze windows active now (until when) and the next; rollback drills: next due and when each turns missed."
    >
      {freezes?.length ? <FreezeTable freezes={freezes} /> : <Empty>No freeze windows in the catalog.</Empty>}
      {drills?.length ? <DrillTable drills={drills} /> : <Empty>No scheduled rollback drills.</Empty>}
    </Section>
  );
}

/** A drill lane's page: its schedule, next due and missed-after. Nothing for other lanes. */
export function LaneDrillPanel({ drill }: { drill: DrillView | undefined }) {
  if (!drill) return null;
  return (
    <Section id="drill" title="Rollback drill" note={`Scheduled ${drill.cron} (UTC).`}>
      <DrillTable drills={[drill]} />
    </Section>
  );
}

type OverrideRow = NonNullable<ReleaseView['overrides']>[number];
type NextFreezeRow = NonNullable<ReleaseView['nextFreezes']>[number];

/** A release's freezes (active on its lanes, and ahead of its remaining lanes) and its overrides. */
export function ReleaseTimePanel({ r }: { r: ReleaseView }) {
  const next = r.nextFreezes ?? [];
  const overrides = r.overrides ?? [];
  if (r.freezes.length === 0 && next.length === 0 && overrides.length === 0) return null;
  return (
    <Section
      id="release-time"
      title="Freezes and overrides"
      note="Freeze windows on this release's remaining lanes; an override ends with the window it was given in."
    >
      {r.freezes.length ? (
        <ul className="rules" data-testid="release-freezes-active">
          {r.freezes.map((f) => (
            <li key={`${f.lane}/${f.window}`} className="rule">
              <span className="mono">{f.lane}</span>{' '}
              <StatusPill status={f.overridden ? 'approved' : 'frozen'} small /> {f.window} until{' '}
              <TimeText iso={f.until} />
              {f.overridden ? ' (overridden)' : ''}
            </li>
          ))}
        </ul>
      ) : null}
      {next.length ? (
        <GenericTable<NextFreezeRow>
          label="Next freezes"
          rows={next}
          rowKey={(f) => f.window}
          rowTestId={(f) => `release-next-freeze-${f.window}`}
          columns={[
            { key: 'name', label: 'Next freeze' },
            { key: 'lanes', label: 'Lanes', render: (f) => <LaneLinks ids={f.lanes} /> },
            { key: 'start', label: 'Starts' },
            { key: 'end', label: 'Ends' },
          ]}
        />
      ) : null}
      {overrides.length ? (
        <GenericTable<OverrideRow>
          label="Overrides"
          rows={overrides}
          rowKey={(o) => `${o.lane}/${o.at}`}
          rowTestId={(o) => `release-override-${o.lane}`}
          columns={[
            { key: 'lane', label: 'Override', className: 'mono' },
            { key: 'by', label: 'By', className: 'mono' },
            { key: 'reason', label: 'Reason' },
            { key: 'at', label: 'At' },
            { key: 'expiresAt', label: 'Expires' },
          ]}
        />
      ) : null}
    </Section>
  );
}
