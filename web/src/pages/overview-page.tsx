// The overview: the reference screen ("OPS — Control Plane") rebuilt from GET /api/v1/overview.
import type { LaneView, Overview } from '../../../src/contract/views.ts';
import { GateTable } from '../components/gate-table.tsx';
import { LaneTable } from '../components/lane-table.tsx';
import { Empty, PageTitle, Section } from '../components/layout-parts.tsx';
import { LoadState } from '../components/load-state.tsx';
import { StatusPill } from '../components/status-pill.tsx';
import { TimeText } from '../components/time-text.tsx';
import { OverviewTimePanel } from '../components/time-panel.tsx';
import { WorkflowCard } from '../components/workflow-card.tsx';
import { CatalogPanel } from '../components/catalog-panel.tsx';
import { useApi } from '../lib/api.ts';
import { Link, lanePath } from '../lib/router.tsx';
import { useTitle } from '../lib/use-title.ts';

const CARDS: { key: keyof Overview['summary']; label: string; caption: string }[] = [
  { key: 'automated', label: 'Automated', caption: 'Automated or auto-triggered lanes.' },
  { key: 'manual', label: 'Manual', caption: 'Pipelines requiring explicit operator or release action.' },
  { key: 'prod', label: 'Prod lanes', caption: 'Pipelines touching production directly.' },
  { key: 'rollback', label: 'Rollback lanes', caption: 'Rollback and rehearsal-focused lanes.' },
];

export function OverviewPage() {
  const snap = useApi<Overview>('/overview');
  useTitle('Overview');
  return (
    <LoadState snap={snap} what="the overview">
      {(o) => <OverviewBody o={o} />}
    </LoadState>
  );
}

function LaneChip({ lane, id, testId }: { lane: LaneView | undefined; id: string; testId: string }) {
  return (
    <Link to={lanePath(id)} className={`chip edge-${lane?.status ?? 'idle'}`} data-testid={testId}>
      <span className="chip-id">{id}</span>
      {lane ? (
        <span className="chip-name" title={lane.name}>
          {lane.name}
        </span>
      ) : null}
      <StatusPill status={lane?.status ?? 'idle'} small testId={`${testId}-status`} />
    </Link>
  );
}

function OverviewBody({ o }: { o: Overview }) {
  const byId = new Map(o.lanes.map((l) => [l.id, l] as const));
  const notes = o.zone.notes;
  return (
    <div className="overview">
      <PageTitle className="sr-only">{o.zone.title}: overview</PageTitle>

      <div className="summary" role="list" aria-label="Summary">
        {CARDS.map((c) => (
          <div className={`summary-card card-${c.key}`} role="listitem" key={c.key}>
            <div className="summary-top">
              <span className="summary-label" id={`summary-${c.key}-label`}>
                {c.label}
              </span>
              <span
                className="summary-value"
                data-testid={`summary-${c.key}`}
                aria-describedby={`summary-${c.key}-label`}
              >
                {o.summary[c.key]}
              </span>
            </div>
            <p className="summary-caption">{c.caption}</p>
          </div>
        ))}
      </div>

      <div className="split">
        <Section id="branch-policy" title="Branch policy" note={notes.branchPolicy}>
          {o.branchPolicy.length === 0 ? <Empty>No branch policy declared.</Empty> : null}
          <ul className="rules">
            {o.branchPolicy.map((r) => (
              <li className="rule" key={r.id} data-testid={`policy-${r.id}`}>
                <h3 className="rule-title mono">{r.title}</h3>
                <p className="rule-text">{r.text}</p>
                {r.lanes.length ? (
                  <p className="rule-lanes" aria-label={`Lanes for ${r.title}`}>
                    {r.lanes.map((id) => (
                      <Link key={id} to={lanePath(id)} className="mini-chip">
                        {id}
                      </Link>
                    ))}
                  </p>
                ) : null}
              </li>
            ))}
          </ul>
        </Section>

        <Section id="promotion" title="Promotion flow" note={notes.promotion}>
          <ol className="flow" aria-label="Promotion flow, in order" data-testid="promotion-flow">
            {o.promotion.flow.map((id, i) => (
              <li key={id} className="flow-step">
                <span className="flow-n" aria-hidden="true">
                  {i + 1}
                </span>
                <LaneChip lane={byId.get(id)} id={id} testId={`flow-${id}`} />
              </li>
            ))}
          </ol>
          <div className="rollback-box" data-testid="promotion-rollback">
            <h3 className="box-title">Rollback lanes</h3>
            <ul className="rollback-lanes">
              {o.promotion.rollback.map((id) => (
                <li key={id}>
                  <LaneChip lane={byId.get(id)} id={id} testId={`rollback-${id}`} />
                </li>
              ))}
            </ul>
            {o.promotion.text ? (
              <p className="promotion-text" data-testid="promotion-text">
                {o.promotion.text}
              </p>
            ) : null}
            {o.promotion.retain.length ? (
              <p className="retain">
                <span className="label">kept ready for rollback</span>{' '}
                {o.promotion.retain.map((r) => (
                  <span className="tag" key={r}>
                    {r}
                  </span>
                ))}
              </p>
            ) : null}
          </div>
        </Section>
      </div>

      <Section
        id="pipelines"
        title="CI/CD pipelines"
        note="Name, trigger, environment, gate, status and last run."
      >
        {o.lanes.length ? <LaneTable lanes={o.lanes} /> : <Empty>No lanes in the catalog.</Empty>}
      </Section>

      <Section
        id="workflows"
        title="GitHub Actions"
        note={notes.workflows}
        actions={
          <Link to="/workflows" className="button" data-testid="open-workflow-catalog">
            Open workflow catalog
          </Link>
        }
      >
        {o.workflows.length ? (
          <div className="wf-grid">
            {o.workflows.map((w) => (
              <WorkflowCard wf={w} key={w.id} />
            ))}
          </div>
        ) : (
          <Empty>No workflows in the catalog.</Empty>
        )}
      </Section>

      <Section id="gates" title="Release gates" note={notes.gates}>
        {o.gates.length ? <GateTable gates={o.gates} /> : <Empty>No release gates in the catalog.</Empty>}
      </Section>

      <OverviewTimePanel freezes={o.freezes} drills={o.drills} />

      <CatalogPanel />

      <p className="generated">
        Generated <TimeText iso={o.generatedAt} testId="overview-generated" seconds />
      </p>
    </div>
  );
}
