// The CI/CD pipelines table (reference screen): ID, Name, Trigger, Environment, Gate, Status, Last run.
import type { LaneView } from '../../../src/contract/views.ts';
import { Link, lanePath } from '../lib/router.tsx';
import { TableWrap } from './layout-parts.tsx';
import { StatusPill } from './status-pill.tsx';
import { TimeText } from './time-text.tsx';

export function LaneTable({ lanes }: { lanes: LaneView[] }) {
  return (
    <TableWrap label="CI/CD pipelines">
      <table className="grid reflow" data-testid="lanes-table">
        <thead>
          <tr>
            <th scope="col">ID</th>
            <th scope="col">Name</th>
            <th scope="col">Trigger</th>
            <th scope="col">Environment</th>
            <th scope="col">Gate</th>
            <th scope="col">Status</th>
            <th scope="col">Last run</th>
          </tr>
        </thead>
        <tbody>
          {lanes.map((l) => (
            <tr key={l.id} data-testid={`lane-row-${l.id}`} className={`row-${l.status}`}>
              <th scope="row" className="id-cell">
                <Link to={lanePath(l.id)} data-testid={`lane-link-${l.id}`}>
                  {l.id}
                </Link>
              </th>
              <td className="mono name-cell" data-testid={`lane-name-${l.id}`}>
                {l.name}
                {l.production ? <span className="tag tag-prod">prod</span> : null}
              </td>
              <td data-label="Trigger" data-testid={`lane-trigger-${l.id}`}>
                {l.trigger}
              </td>
              <td data-label="Environment" data-testid={`lane-env-${l.id}`}>
                {l.environment}
              </td>
              <td className="gate-cell" data-label="Gate" data-testid={`lane-gate-${l.id}`}>
                {l.checks.join(', ')}
              </td>
              <td className="status-cell">
                <StatusPill status={l.status} testId={`lane-status-${l.id}`} />
              </td>
              <td className="nowrap" data-label="Last run">
                <TimeText iso={l.lastRunAt} testId={`lane-lastrun-${l.id}`} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}
