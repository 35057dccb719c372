// GitHub workflow runs with their jobs (and artifacts where known), linking to GitHub. On a narrow screen
// each run becomes one card (table.reflow): no table wider than the phone.
import type { JobView, RunView } from '../../../src/contract/views.ts';
import { Link, workflowPath } from '../lib/router.tsx';
import { formatDuration } from '../lib/time.ts';
import { ExternalLink, TableWrap } from './layout-parts.tsx';
import { StatusPill } from './status-pill.tsx';
import { TimeText } from './time-text.tsx';

type RunRow = RunView & { jobs?: JobView[]; artifacts?: { name: string; url: string | null }[] };

function jobWord(j: JobView): string {
  if (j.status !== 'completed') return j.status === 'in_progress' ? 'running' : j.status;
  return j.conclusion ?? 'completed';
}

export function RunsTable({
  runs,
  showWorkflow = true,
  label = 'Runs',
}: {
  runs: RunRow[];
  showWorkflow?: boolean;
  label?: string;
}) {
  const withArtifacts = runs.some((r) => r.artifacts !== undefined);
  return (
    <TableWrap label={label}>
      <table className="grid runs reflow" data-testid="runs-table">
        <thead>
          <tr>
            <th scope="col">Run</th>
            {showWorkflow ? <th scope="col">Workflow</th> : null}
            <th scope="col">State</th>
            <th scope="col">Event</th>
            <th scope="col">Branch</th>
            <th scope="col">Commit</th>
            <th scope="col">Started</th>
            <th scope="col">Duration</th>
            <th scope="col">Jobs</th>
            {withArtifacts ? <th scope="col">Artifacts</th> : null}
          </tr>
        </thead>
        <tbody>
          {runs.map((r) => (
            <tr key={`${r.runId}-${r.runAttempt}`} data-testid={`run-row-${r.runId}`}>
              <th scope="row" className="name-cell">
                <ExternalLink href={r.htmlUrl} testId={`run-link-${r.runId}`}>
                  #{r.runId}
                </ExternalLink>
                {r.runAttempt > 1 ? <span className="muted small"> attempt {r.runAttempt}</span> : null}
              </th>
              {showWorkflow ? (
                <td className="mono" data-label="Workflow">
                  {r.workflowId ? <Link to={workflowPath(r.workflowId)}>{r.workflowId}</Link> : null}{' '}
                  {r.workflowName}
                </td>
              ) : null}
              <td className="status-cell">
                <StatusPill status={r.state} small testId={`run-state-${r.runId}`} />
                {r.conclusion && r.conclusion !== 'success' && r.conclusion !== 'failure' ? (
                  <span className="muted small"> {r.conclusion}</span>
                ) : null}
              </td>
              <td data-label="Event">{r.event}</td>
              <td className="mono" data-label="Branch">
                {r.headBranch ?? '—'}
              </td>
              <td className="mono" title={r.headSha} data-label="Commit">
                {r.headSha.slice(0, 7)}
              </td>
              <td className="nowrap" data-label="Started">
                <TimeText iso={r.startedAt} />
              </td>
              <td className="nowrap" data-label="Duration">
                {r.status === 'completed' ? (
                  formatDuration(r.startedAt, r.updatedAt)
                ) : (
                  <span className="muted">{r.status.replace(/_/g, ' ')}…</span>
                )}
              </td>
              <td data-label="Jobs">
                {r.jobs && r.jobs.length ? (
                  <ul className="joblist">
                    {r.jobs.map((j) => (
                      <li key={j.jobId}>
                        <StatusPill status={jobWord(j)} small />{' '}
                        <ExternalLink href={j.htmlUrl}>{j.name}</ExternalLink>
                        {j.startedAt && j.completedAt ? (
                          <span className="muted small"> {formatDuration(j.startedAt, j.completedAt)}</span>
                        ) : null}
                      </li>
                    ))}
                  </ul>
                ) : (
                  <span className="muted">—</span>
                )}
              </td>
              {withArtifacts ? (
                <td data-label="Artifacts">
                  {r.status !== 'completed' ? (
                    // a queued or running run has uploaded nothing to link to yet
                    <span className="muted" data-testid={`run-artifacts-pending-${r.runId}`}>
                      when it completes
                    </span>
                  ) : r.artifacts && r.artifacts.length ? (
                    <ul className="joblist">
                      {r.artifacts.map((a) => (
                        <li key={a.name} className="mono">
                          <ExternalLink href={a.url}>{a.name}</ExternalLink>
                        </li>
                      ))}
                    </ul>
                  ) : (
                    <span className="muted">—</span>
                  )}
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}
