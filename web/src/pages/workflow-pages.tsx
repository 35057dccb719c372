// The workflow catalog (/workflows: every workflow with its runs, jobs, artifacts and lanes)
// and one workflow (/workflows/:id).
import type { ReactNode } from 'react';
import type { WorkflowDetail, WorkflowView } from '../../../src/contract/views.ts';
import { Empty, ExternalLink, Facts, PageHeader, Section } from '../components/layout-parts.tsx';
import { LoadState } from '../components/load-state.tsx';
import { RunsTable } from '../components/runs-table.tsx';
import { StatusPill } from '../components/status-pill.tsx';
import { TimeText } from '../components/time-text.tsx';
import { environmentText } from '../components/workflow-card.tsx';
import { ApiError, asList, getJson, useApi, useData } from '../lib/api.ts';
import { Link, lanePath, workflowPath } from '../lib/router.tsx';
import { useTitle } from '../lib/use-title.ts';

const CATALOG_RUNS = 5;

async function loadCatalog(signal: AbortSignal): Promise<WorkflowDetail[]> {
  const list = asList<WorkflowView | WorkflowDetail>(
    await getJson<unknown>('/workflows', signal),
    'workflows',
  );
  return Promise.all(
    list.map(async (w): Promise<WorkflowDetail> => {
      if ('runs' in w && Array.isArray(w.runs)) return w;
      try {
        return await getJson<WorkflowDetail>(`/workflows/${encodeURIComponent(w.id)}`, signal);
      } catch (err) {
        if (err instanceof ApiError && err.status === 404) return { ...w, runs: [] };
        throw err;
      }
    }),
  );
}

function LaneLinks({ ids }: { ids: string[] }) {
  if (!ids.length) return <>—</>;
  return (
    <span>
      {ids.map((id, i) => (
        <span key={id}>
          {i ? ', ' : ''}
          <Link to={lanePath(id)}>{id}</Link>
        </span>
      ))}
    </span>
  );
}

function workflowFacts(w: WorkflowView): [string, ReactNode][] {
  return [
    ['File', <span className="mono">{w.file}</span>],
    ['Runner', `${w.runner}${w.runnerLabels.length ? ` (${w.runnerLabels.join(', ')})` : ''}`],
    ['Environment', environmentText(w.environment)],
    ['Evidence pack', <span className="mono">{w.evidence ?? '—'}</span>],
    ['Serves lanes', <LaneLinks ids={w.lanes} />],
    [
      'Last run',
      <span>
        <TimeText iso={w.lastRunAt} />
        {w.lastRunUrl ? (
          <>
            {' '}
            <ExternalLink href={w.lastRunUrl}>on GitHub</ExternalLink>
          </>
        ) : null}
      </span>,
    ],
  ];
}

export function WorkflowsPage() {
  const snap = useData<WorkflowDetail[]>('workflow-catalog', loadCatalog);
  useTitle('Workflow catalog');
  return (
    <>
      <PageHeader
        kicker={
          <>
            <Link to="/">Overview</Link> / GitHub Actions
          </>
        }
        title="Workflow catalog"
      >
        <p className="lede">
          Every workflow of the catalog with its latest runs, jobs, evidence artifacts and the lanes it
          serves.
        </p>
      </PageHeader>
      <LoadState snap={snap} what="the workflow catalog">
        {(wfs) =>
          wfs.length === 0 ? (
            <Empty>No workflows in the catalog.</Empty>
          ) : (
            <>
              <nav className="toc" aria-label="Workflows">
                {wfs.map((w) => (
                  <a key={w.id} href={`#wf-${w.id}`} className={`mini-chip edge-${w.status}`}>
                    {w.id}
                  </a>
                ))}
              </nav>
              {wfs.map((w) => (
                <section
                  className="panel wf-panel"
                  key={w.id}
                  id={`wf-${w.id}`}
                  aria-labelledby={`wf-${w.id}-title`}
                  data-testid={`catalog-${w.id}`}
                >
                  <header className="panel-head">
                    <div>
                      <h2 id={`wf-${w.id}-title`}>
                        <Link to={workflowPath(w.id)} className="mono">
                          {w.id}
                        </Link>{' '}
                        <span className="mono">{w.name}</span>
                      </h2>
                      <p className="panel-note">
                        {w.runner} · {environmentText(w.environment)} · evidence{' '}
                        <span className="mono">{w.evidence ?? '—'}</span> · serves <LaneLinks ids={w.lanes} />
                      </p>
                    </div>
                    <StatusPill status={w.status} testId={`catalog-status-${w.id}`} />
                  </header>
                  {w.runs.length ? (
                    <RunsTable
                      runs={w.runs.slice(0, CATALOG_RUNS)}
                      showWorkflow={false}
                      label={`Runs of ${w.id}`}
                    />
                  ) : (
                    <Empty>No runs recorded yet.</Empty>
                  )}
                  {w.runs.length > CATALOG_RUNS ? (
                    <p className="more">
                      <Link to={workflowPath(w.id)}>
                        All {w.runs.length} runs of {w.id}
                      </Link>
                    </p>
                  ) : null}
                </section>
              ))}
            </>
          )
        }
      </LoadState>
    </>
  );
}

export function WorkflowPage({ id }: { id: string }) {
  const snap = useApi<WorkflowDetail>(`/workflows/${encodeURIComponent(id)}`);
  useTitle(id);
  return (
    <LoadState
      snap={snap}
      what={`workflow ${id}`}
      missing={<>Workflow {id} is not in the catalog.</>}
      page={{
        kicker: <Link to="/workflows">Workflow catalog</Link>,
        title: `Workflow ${id}`,
        notFound: 'Workflow not found',
      }}
    >
      {(w) => (
        <>
          <PageHeader
            kicker={
              <>
                <Link to="/workflows">Workflow catalog</Link> / Workflow
              </>
            }
            title={
              <>
                <span className="mono">{w.id}</span> {w.name}
              </>
            }
            status={<StatusPill status={w.status} testId="workflow-detail-status" />}
          >
            <Facts items={workflowFacts(w)} />
          </PageHeader>
          <Section id="runs" title="Runs" note="Newest first, with jobs and the artifacts each run uploaded.">
            {w.runs.length ? (
              <RunsTable runs={w.runs} showWorkflow={false} label={`Runs of ${w.id}`} />
            ) : (
              <Empty>No runs recorded yet.</Empty>
            )}
          </Section>
        </>
      )}
    </LoadState>
  );
}
