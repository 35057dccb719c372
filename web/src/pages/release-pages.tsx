// Releases (/releases) and one release (/releases/:id): promotion flow progress, gates, approvals,
// read as ReleaseView from the contract. Until a server has the release API, both pages say so.
import type { ReleaseList } from '../../../src/contract/results.ts';
import type { GateView, Overview, ReleaseView } from '../../../src/contract/views.ts';
import { ChangeSummary } from '../components/change-summary.tsx';
import { GateTable } from '../components/gate-table.tsx';
import { Cell, GenericTable } from '../components/generic-table.tsx';
import { Empty, Facts, PageHeader, Section } from '../components/layout-parts.tsx';
import { LoadState } from '../components/load-state.tsx';
import { canPromote, canRollback, PromoteAction, RollbackAction } from '../components/release-actions.tsx';
import { ReleaseTimeline } from '../components/release-timeline.tsx';
import { ReleaseEffects } from '../components/effects-table.tsx';
import { StatusPill } from '../components/status-pill.tsx';
import { TimeText } from '../components/time-text.tsx';
import { ReleaseTimePanel } from '../components/time-panel.tsx';
import { useApi } from '../lib/api.ts';
import { Link, lanePath, releasePath } from '../lib/router.tsx';
import { useTitle } from '../lib/use-title.ts';

function RowActions({ r }: { r: ReleaseView }) {
  if (canPromote(r)) return <PromoteAction release={r} compact />;
  if (canRollback(r))
    return (
      <Link to={releasePath(r.id)} className="nowrap" data-testid={`release-rollback-link-${r.id}`}>
        Roll back…
      </Link>
    );
  return <span className="muted">—</span>;
}

function ReleaseActions({ r }: { r: ReleaseView }) {
  const promote = canPromote(r);
  const rollback = canRollback(r);
  return (
    <Section
      id="release-actions"
      title="Actions"
      note={
        promote || rollback
          ? 'Promote dispatches the next lane of the flow; roll back returns to the previous good release.'
          : `Nothing to do: ${r.id} is ${r.outcome || r.state}${
              r.previousReleaseId ? '' : ' and there is no earlier good release to roll back to'
            }.`
      }
    >
      {promote || rollback ? (
        <div className="release-actions">
          {promote ? <PromoteAction release={r} /> : null}
          {rollback ? <RollbackAction release={r} /> : null}
        </div>
      ) : null}
    </Section>
  );
}

export function ReleasesPage() {
  const snap = useApi<ReleaseList>('/releases');
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
          const rows = d.releases;
          if (!rows.length) return <Empty>No releases yet.</Empty>;
          return (
            <section className="panel" aria-label="Releases">
              <GenericTable<ReleaseView>
                label="Releases"
                rows={rows}
                rowKey={(r) => r.id}
                rowTestId={(r) => `release-row-${r.id}`}
                columns={[
                  {
                    key: 'id',
                    label: 'Release',
                    render: (r) => (
                      <Link to={releasePath(r.id)} className="mono" data-testid={`release-link-${r.id}`}>
                        {r.id}
                      </Link>
                    ),
                  },
                  {
                    key: 'state',
                    label: 'State',
                    render: (r) => <StatusPill status={r.state} small testId={`release-state-${r.id}`} />,
                  },
                  { key: 'actions', label: 'Actions', render: (r) => <RowActions r={r} /> },
                  { key: 'version', label: 'Version', className: 'mono' },
                  {
                    key: 'sha',
                    label: 'Commit',
                    render: (r) => <span className="mono">{r.sha.slice(0, 7)}</span>,
                  },
                  { key: 'nextLanes', label: 'Next lanes', className: 'mono' },
                  { key: 'includesMigrations', label: 'Migrations' },
                  { key: 'previousReleaseId', label: 'Rollback target', className: 'mono' },
                  { key: 'createdBy', label: 'Created by', className: 'mono' },
                  { key: 'createdAt', label: 'Created' },
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

/** Per-lane progress of the release: a lane the branch policy skipped shows as skipped. */
function progressOf(r: ReleaseView): Map<string, Step> {
  return new Map(
    r.lanes.map((l) => [l.id, { state: l.applies ? l.status : 'skipped', at: l.startedAt }] as const),
  );
}

/** The release manifest as created (artifact or image name → reference); the view types it loosely. */
function manifestEntries(m: unknown): { name: string; ref: string }[] {
  if (typeof m !== 'object' || m === null || Array.isArray(m)) return [];
  return Object.entries(m).flatMap(([name, ref]) => (typeof ref === 'string' ? [{ name, ref }] : []));
}

interface ApprovalRow {
  gate: string;
  by: string;
  at: string;
  comment: string | null;
}

export function ReleasePage({ id }: { id: string }) {
  const snap = useApi<ReleaseView>(`/releases/${encodeURIComponent(id)}`);
  const overview = useApi<Overview>('/overview');
  useTitle(`Release ${id}`);
  return (
    <LoadState
      snap={snap}
      what={`release ${id}`}
      missing={<>Release {id} was not found (or releases are not available from this server yet).</>}
      page={{
        kicker: <Link to="/releases">Releases</Link>,
        title: `Release ${id}`,
        notFound: 'Release not found',
      }}
    >
      {(r) => {
        const flow = overview.data?.promotion.flow ?? [];
        const lanes = new Map((overview.data?.lanes ?? []).map((l) => [l.id, l] as const));
        const progress = progressOf(r);
        const gates: GateView[] = r.gates;
        const approvals: ApprovalRow[] = gates.flatMap((g) => g.approvals.map((a) => ({ gate: g.id, ...a })));
        const manifest = manifestEntries(r.manifest);
        const rollback = r.rollback;
        const summary = r.changeSummary;
        return (
          <>
            <PageHeader
              kicker={
                <>
                  <Link to="/releases">Releases</Link> / Release
                </>
              }
              title={<span className="mono">{r.version}</span>}
              status={<StatusPill status={r.state} testId="release-detail-state" />}
            >
              <Facts
                items={[
                  ['version', <Cell k="version" v={r.version} />],
                  ['sha', <Cell k="sha" v={r.sha} />],
                  ['outcome', <StatusPill status={r.outcome} small />],
                  ['includes migrations', <Cell k="includesMigrations" v={r.includesMigrations} />],
                  [
                    'rollback target',
                    r.previousReleaseId ? (
                      <Link to={releasePath(r.previousReleaseId)}>{r.previousReleaseId}</Link>
                    ) : (
                      <Cell k="previousReleaseId" v={null} />
                    ),
                  ],
                  ['created by', <Cell k="createdBy" v={r.createdBy} />],
                  ['created at', <TimeText iso={r.createdAt} />],
                  ['next lanes', <Cell k="nextLanes" v={r.nextLanes} />],
                ]}
              />
              {summary !== null ? (
                <p className="lede pre-line" data-testid="release-summary">
                  {summary}
                </p>
              ) : null}
            </PageHeader>

            <ReleaseActions r={r} />

            <ChangeSummary release={r} />

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

            <ReleaseTimePanel r={r} />

            <Section id="release-gates" title="Gates" note="Gate decisions evaluated for this release.">
              {gates.length ? (
                <GateTable gates={gates} detailed />
              ) : (
                <Empty>No gate decisions for this release yet.</Empty>
              )}
            </Section>

            <ReleaseEffects releaseId={r.id} />

            <Section id="release-approvals" title="Approvals">
              {approvals.length ? (
                <GenericTable<ApprovalRow>
                  label="Approvals"
                  rows={approvals}
                  rowKey={(a) => `${a.gate}/${a.by}`}
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

            <ReleaseTimeline id={r.id} />

            {manifest.length ? (
              <Section
                id="release-manifest"
                title="Manifest"
                note="Artifacts and images of this release; kept for rollback."
              >
                <GenericTable<{ name: string; ref: string }>
                  label="Manifest"
                  rows={manifest}
                  rowKey={(m) => m.name}
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
