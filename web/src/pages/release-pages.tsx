// Releases (/releases) and one release (/releases/:id): promotion flow progress, gates, approvals.
// The release API arrives later; until then both pages say so instead of failing.
import type { GateView, Overview } from '../../../src/contract/views.ts';
import { GateTable } from '../components/gate-table.tsx';
import { Cell, GenericTable, humanize, isoOf, pick, text, type Row } from '../components/generic-table.tsx';
import { Empty, Facts, PageHeader, Section } from '../components/layout-parts.tsx';
import { LoadState } from '../components/load-state.tsx';
import {
  canPromote,
  canRollback,
  PromoteAction,
  RollbackAction,
  type ReleaseLike,
} from '../components/release-actions.tsx';
import { StatusPill } from '../components/status-pill.tsx';
import { TimeText } from '../components/time-text.tsx';
import { asList, useApi } from '../lib/api.ts';
import { Link, lanePath, releasePath } from '../lib/router.tsx';
import { useTitle } from '../lib/use-title.ts';

const releaseId = (r: Row): string => text(pick(r, 'id', 'tag', 'version'));
const asRelease = (r: Row): ReleaseLike => ({ ...r, id: releaseId(r) });

function RowActions({ r }: { r: Row }) {
  const rel = asRelease(r);
  if (canPromote(rel)) return <PromoteAction release={rel} compact />;
  if (canRollback(rel))
    return (
      <Link to={releasePath(rel.id)} className="nowrap" data-testid={`release-rollback-link-${rel.id}`}>
        Roll back…
      </Link>
    );
  return <span className="muted">—</span>;
}

function ReleaseActions({ r }: { r: Row }) {
  const rel = asRelease(r);
  const promote = canPromote(rel);
  const rollback = canRollback(rel);
  return (
    <Section
      id="release-actions"
      title="Actions"
      note={
        promote || rollback
          ? 'Promote dispatches the next lane of the flow; roll back returns to the previous good release.'
          : `Nothing to do: ${rel.id} is ${text(pick(r, 'outcome', 'state'))}${
              rel.previousReleaseId ? '' : ' and there is no earlier good release to roll back to'
            }.`
      }
    >
      {promote || rollback ? (
        <div className="release-actions">
          {promote ? <PromoteAction release={rel} /> : null}
          {rollback ? <RollbackAction release={rel} /> : null}
        </div>
      ) : null}
    </Section>
  );
}

export function ReleasesPage() {
  const snap = useApi<unknown>('/releases');
  useTitle('Releases');
  return (
    <>
      <PageHeader
        kicker={
          <>
            <Link to="/">Overview</Link> / Releases
          </>
        }
        title="Releases"
      >
        <p className="lede">
          Candidates moving through the promotion flow; the previous good release is the rollback target.
        </p>
      </PageHeader>
      <LoadState snap={snap} what="releases" missing={<>Releases are not available from this server yet.</>}>
        {(d) => {
          const rows = asList<Row>(d, 'releases');
          if (!rows.length) return <Empty>No releases yet.</Empty>;
          return (
            <section className="panel" aria-label="Releases">
              <GenericTable
                label="Releases"
                rows={rows}
                rowTestId={(r) => `release-row-${releaseId(r)}`}
                columns={[
                  {
                    key: 'id',
                    label: 'Release',
                    render: (r) => (
                      <Link
                        to={releasePath(releaseId(r))}
                        className="mono"
                        data-testid={`release-link-${releaseId(r)}`}
                      >
                        {releaseId(r)}
                      </Link>
                    ),
                  },
                  {
                    key: 'state',
                    label: 'State',
                    render: (r) => (
                      <StatusPill
                        status={text(pick(r, 'state', 'status'))}
                        small
                        testId={`release-state-${releaseId(r)}`}
                      />
                    ),
                  },
                  { key: 'actions', label: 'Actions', render: (r) => <RowActions r={r} /> },
                  { key: 'tag', label: 'Tag', className: 'mono' },
                  { key: 'version', label: 'Version', className: 'mono' },
                  {
                    key: 'sha',
                    label: 'Commit',
                    render: (r) => (
                      <span className="mono">{text(pick(r, 'sha', 'headSha')).slice(0, 7)}</span>
                    ),
                  },
                  {
                    key: 'stage',
                    label: 'Stage',
                    render: (r) => <Cell k="stage" v={pick(r, 'stage', 'currentLane', 'phase')} />,
                  },
                  { key: 'includesMigrations', label: 'Migrations' },
                  {
                    key: 'createdAt',
                    label: 'Created',
                    render: (r) => <TimeText iso={isoOf(pick(r, 'createdAt', 'at'))} />,
                  },
                ]}
                consumed={[
                  'status',
                  'headSha',
                  'currentLane',
                  'phase',
                  'at',
                  'updatedAt',
                  'changeSummary',
                  'outcome',
                ]}
              />
            </section>
          );
        }}
      </LoadState>
    </>
  );
}

interface Step {
  state: string;
  at: string | null;
}

/** Per-lane progress from whatever the release carries: [{lane,state}], {PL-03:'green'} … */
function progressOf(r: Row): Map<string, Step> {
  const out = new Map<string, Step>();
  const src = pick(r, 'laneRuns', 'lanes', 'progress', 'steps', 'flow');
  if (Array.isArray(src)) {
    for (const s of src) {
      if (typeof s !== 'object' || s === null) continue;
      const o = s as Row;
      const id = pick(o, 'lane', 'laneId', 'id');
      const st = o.applies === false ? 'skipped' : pick(o, 'state', 'status');
      if (typeof id === 'string')
        out.set(id, {
          state: typeof st === 'string' ? st : 'pending',
          at: isoOf(pick(o, 'at', 'completedAt', 'finishedAt', 'startedAt')),
        });
    }
  } else if (typeof src === 'object' && src !== null) {
    for (const [k, v] of Object.entries(src as Row)) {
      if (typeof v === 'string') out.set(k, { state: v, at: null });
      else if (typeof v === 'object' && v !== null) {
        const o = v as Row;
        out.set(k, {
          state: text(pick(o, 'status', 'state')),
          at: isoOf(pick(o, 'completedAt', 'at', 'startedAt')),
        });
      }
    }
  }
  const skipped = pick(r, 'skippedLanes');
  if (Array.isArray(skipped))
    for (const id of skipped)
      if (typeof id === 'string' && !out.has(id)) out.set(id, { state: 'skipped', at: null });
  return out;
}

function isGate(v: unknown): v is GateView {
  return (
    typeof v === 'object' &&
    v !== null &&
    'id' in v &&
    'state' in v &&
    'phase' in v &&
    'approvals' in v &&
    'blocks' in v
  );
}

export function ReleasePage({ id }: { id: string }) {
  const snap = useApi<Row>(`/releases/${encodeURIComponent(id)}`);
  const overview = useApi<Overview>('/overview');
  const gatesSnap = useApi<unknown>('/gates');
  useTitle(`Release ${id}`);
  return (
    <LoadState
      snap={snap}
      what={`release ${id}`}
      missing={<>Release {id} was not found (or releases are not available from this server yet).</>}
    >
      {(r) => {
        const flow = overview.data?.promotion.flow ?? [];
        const lanes = new Map((overview.data?.lanes ?? []).map((l) => [l.id, l] as const));
        const progress = progressOf(r);
        const own = pick(r, 'gates');
        const gates: GateView[] =
          Array.isArray(own) && own.every(isGate)
            ? own
            : asList<GateView>(gatesSnap.data, 'gates').filter((g) => g.release === id);
        const shown = [
          'id',
          'state',
          'status',
          'gates',
          'lanes',
          'laneRuns',
          'progress',
          'steps',
          'flow',
          'approvals',
          'manifest',
          'skippedLanes',
          'changeSummary',
          'rollback',
        ];
        const scalars = Object.entries(r).filter(
          ([k, v]) =>
            !shown.includes(k) &&
            (v === null ||
              typeof v !== 'object' ||
              (Array.isArray(v) && v.every((x) => typeof x !== 'object'))),
        );
        const ownApprovals = pick(r, 'approvals');
        const approvals: Row[] = Array.isArray(ownApprovals)
          ? (ownApprovals as Row[])
          : gates.flatMap((g) => g.approvals.map((a) => ({ gate: g.id, ...a })));
        const manifest = pick(r, 'manifest');
        const rb = pick(r, 'rollback');
        const rollback = (Array.isArray(rb) ? (rb as Row[]) : [])
          .filter((x) => typeof x === 'object' && x !== null && typeof x.id === 'string')
          .map((x) => ({
            id: String(x.id),
            name: text(pick(x, 'name')),
            status: text(pick(x, 'status', 'state')),
          }));
        const summary = pick(r, 'changeSummary');
        return (
          <>
            <PageHeader
              kicker={
                <>
                  <Link to="/releases">Releases</Link> / Release
                </>
              }
              title={<span className="mono">{text(pick(r, 'tag', 'version', 'id'))}</span>}
              status={<StatusPill status={text(pick(r, 'state', 'status'))} testId="release-detail-state" />}
            >
              <Facts
                items={scalars
                  .slice(0, 12)
                  .map(([k, v]) => [
                    k === 'previousReleaseId' ? 'rollback target' : humanize(k),
                    k === 'previousReleaseId' && typeof v === 'string' ? (
                      <Link to={releasePath(v)}>{v}</Link>
                    ) : (
                      <Cell k={k} v={v} />
                    ),
                  ])}
              />
              {typeof summary === 'string' ? (
                <p className="lede pre-line" data-testid="release-summary">
                  {summary}
                </p>
              ) : null}
            </PageHeader>

            <ReleaseActions r={r} />

            <Section
              id="release-flow"
              title="Promotion flow"
              note={
                progress.size
                  ? 'Progress of this release through the flow.'
                  : 'Current lane status along the flow.'
              }
            >
              {flow.length ? (
                <ol className="flow" aria-label="Promotion flow progress" data-testid="release-flow">
                  {flow.map((lane, i) => {
                    const step = progress.get(lane);
                    const state = step?.state ?? lanes.get(lane)?.status ?? 'idle';
                    return (
                      <li key={lane} className="flow-step">
                        <span className="flow-n" aria-hidden="true">
                          {i + 1}
                        </span>
                        <Link
                          to={lanePath(lane)}
                          className={`chip edge-${state}`}
                          data-testid={`release-flow-${lane}`}
                        >
                          <span className="chip-id">{lane}</span>
                          <span className="chip-name">{lanes.get(lane)?.name ?? ''}</span>
                          <StatusPill status={state} small />
                          {step?.at ? <TimeText iso={step.at} /> : null}
                        </Link>
                      </li>
                    );
                  })}
                </ol>
              ) : (
                <Empty>The promotion flow is not known.</Empty>
              )}
              {rollback.length ? (
                <div className="rollback-box">
                  <h3 className="box-title">Rollback lanes</h3>
                  <ul className="rollback-lanes">
                    {rollback.map((lane) => (
                      <li key={lane.id}>
                        <Link
                          to={lanePath(lane.id)}
                          className={`chip edge-${lane.status}`}
                          data-testid={`release-rollback-${lane.id}`}
                        >
                          <span className="chip-id">{lane.id}</span>
                          <span className="chip-name">{lane.name}</span>
                          <StatusPill status={lane.status} small />
                        </Link>
                      </li>
                    ))}
                  </ul>
                </div>
              ) : null}
            </Section>

            <Section id="release-gates" title="Gates" note="Gate decisions evaluated for this release.">
              {gates.length ? (
                <GateTable gates={gates} detailed />
              ) : (
                <Empty>No gate decisions for this release yet.</Empty>
              )}
            </Section>

            <Section id="release-approvals" title="Approvals">
              {approvals.length ? (
                <GenericTable
                  label="Approvals"
                  rows={approvals}
                  columns={[
                    { key: 'gate', label: 'Gate', className: 'mono' },
                    { key: 'by', label: 'By', className: 'mono' },
                    { key: 'at', label: 'At' },
                    { key: 'comment', label: 'Comment' },
                  ]}
                />
              ) : (
                <Empty>No approvals yet.</Empty>
              )}
            </Section>

            {Array.isArray(manifest) && manifest.length ? (
              <Section
                id="release-manifest"
                title="Manifest"
                note="Artifacts and images of this release; kept for rollback."
              >
                <GenericTable
                  label="Manifest"
                  rows={manifest.map((m) => (typeof m === 'object' && m !== null ? (m as Row) : { name: m }))}
                  columns={[
                    { key: 'name', label: 'Artifact', className: 'mono' },
                    { key: 'ref', label: 'Reference', className: 'mono' },
                  ]}
                />
              </Section>
            ) : null}
          </>
        );
      }}
    </LoadState>
  );
}
