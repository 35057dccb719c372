// Lane detail: trigger, environment, gate checks with evidence, runs with jobs.
import type { LaneDetail } from '../../../src/contract/views.ts';
import { ChecksTable } from '../components/checks-table.tsx';
import { Empty, ExternalLink, Facts, PageHeader, Section } from '../components/layout-parts.tsx';
import { isTriggerable, LaneTrigger, RollbackLaneNote } from '../components/lane-trigger.tsx';
import { LoadState } from '../components/load-state.tsx';
import { RunsTable } from '../components/runs-table.tsx';
import { StatusPill } from '../components/status-pill.tsx';
import { TimeText } from '../components/time-text.tsx';
import { LaneDrillPanel } from '../components/time-panel.tsx';
import { useApi } from '../lib/api.ts';
import { Link, workflowPath } from '../lib/router.tsx';
import { useTitle } from '../lib/use-title.ts';

const yes = (b: boolean): string => (b ? 'yes' : 'no');

export function LanePage({ id }: { id: string }) {
  const snap = useApi<LaneDetail>(`/lanes/${encodeURIComponent(id)}`);
  useTitle(id);
  return (
    <LoadState
      snap={snap}
      what={`lane ${id}`}
      missing={<>Lane {id} is not in the catalog.</>}
      page={{ kicker: <Link to="/lanes">Lanes</Link>, title: `Lane ${id}`, notFound: 'Lane not found' }}
    >
      {(l) => (
        <>
          <PageHeader
            kicker={
              <>
                <Link to="/">Overview</Link> / Lane
              </>
            }
            title={
              <>
                <span className="mono">{l.id}</span> {l.name}
              </>
            }
            status={<StatusPill status={l.status} testId="lane-detail-status" />}
          >
            <Facts
              items={[
                [
                  'Trigger',
                  <span data-testid="lane-detail-trigger">
                    {l.trigger} <span className="tag">{l.triggerKind}</span>
                  </span>,
                ],
                ['Environment', <span data-testid="lane-detail-environment">{l.environment}</span>],
                ['Kind', l.kind],
                ['Production', yes(l.production)],
                ['Automated', yes(l.automated)],
                ['Manual action', yes(l.manual)],
                [
                  'Workflows',
                  l.workflows.length ? (
                    <span>
                      {l.workflows.map((w, i) => (
                        <span key={w}>
                          {i ? ', ' : ''}
                          <Link to={workflowPath(w)}>{w}</Link>
                        </span>
                      ))}
                    </span>
                  ) : (
                    '—'
                  ),
                ],
                [
                  'Last run',
                  <span>
                    <TimeText iso={l.lastRunAt} testId="lane-detail-lastrun" />
                    {l.lastRunUrl ? (
                      <>
                        {' '}
                        <ExternalLink href={l.lastRunUrl}>on GitHub</ExternalLink>
                      </>
                    ) : null}
                  </span>,
                ],
              ]}
            />
          </PageHeader>

          {isTriggerable(l) ? (
            <LaneTrigger lane={l} />
          ) : l.kind === 'rollback' ? (
            <RollbackLaneNote lane={l} />
          ) : null}
          <LaneDrillPanel drill={l.drill} />

          <Section
            id="checks"
            title="Gate checks"
            note={`The checks ${l.id} must show green: ${l.checks.join(', ')}.`}
          >
            {l.checkStates.length ? (
              <ChecksTable checks={l.checkStates} label="Gate checks" prefix="check" />
            ) : (
              <Empty>No check results yet.</Empty>
            )}
          </Section>

          <Section
            id="evidence"
            title="Evidence"
            note="Artifacts, check runs and reports recorded for this lane."
          >
            {l.evidence.length ? (
              <ChecksTable checks={l.evidence} label="Evidence" prefix="evidence" first="Evidence" />
            ) : (
              <Empty>No evidence recorded yet.</Empty>
            )}
          </Section>

          <Section
            id="runs"
            title="Runs"
            note="Newest first, from GitHub workflow_run and workflow_job webhooks."
          >
            {l.runs.length ? (
              <RunsTable runs={l.runs} label={`Runs of ${l.id}`} />
            ) : (
              <Empty>No runs recorded yet.</Empty>
            )}
          </Section>
        </>
      )}
    </LoadState>
  );
}
