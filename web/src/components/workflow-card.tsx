// A GitHub Actions workflow card: ID, status word, name, "runner · environment", evidence pack.
import type { WorkflowView } from '../../../src/contract/views.ts';
import { Link, lanePath, workflowPath } from '../lib/router.tsx';
import { StatusPill } from './status-pill.tsx';

/** A workflow's environment for people: "no environment" rather than the API's "-". */
export const environmentText = (e: string): string => (e && e !== '-' ? e : 'no environment');

export function WorkflowCard({ wf }: { wf: WorkflowView }) {
  return (
    <article
      className={`wf-card edge-${wf.status}`}
      data-testid={`workflow-card-${wf.id}`}
      aria-labelledby={`wf-${wf.id}-name`}
    >
      <div className="wf-top">
        <Link to={workflowPath(wf.id)} className="id-link" data-testid={`workflow-link-${wf.id}`}>
          {wf.id}
        </Link>
        <StatusPill status={wf.status} testId={`workflow-status-${wf.id}`} />
      </div>
      <h3 className="wf-name mono" id={`wf-${wf.id}-name`} data-testid={`workflow-name-${wf.id}`}>
        {wf.name}
      </h3>
      <p className="wf-runner" data-testid={`workflow-runner-${wf.id}`}>
        {wf.runner} · {environmentText(wf.environment)}
      </p>
      <p className="wf-evidence" data-testid={`workflow-evidence-${wf.id}`}>
        <span className="label">evidence</span> <span className="mono">{wf.evidence ?? '—'}</span>
      </p>
      {wf.lanes.length ? (
        <p className="wf-lanes">
          <span className="label">serves</span>{' '}
          {wf.lanes.map((id, i) => (
            <span key={id}>
              {i ? ', ' : ''}
              <Link to={lanePath(id)}>{id}</Link>
            </span>
          ))}
        </p>
      ) : null}
    </article>
  );
}
