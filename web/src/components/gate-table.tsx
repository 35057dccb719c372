// The release gates table (reference screen): Gate, Phase, Owner, State.
import type { GateView } from '../../../src/contract/views.ts';
import { Link, gatePath } from '../lib/router.tsx';
import { TableWrap } from './layout-parts.tsx';
import { StatusPill } from './status-pill.tsx';

export function GateTable({ gates, detailed }: { gates: GateView[]; detailed?: boolean }) {
  return (
    <TableWrap label="Release gates">
      <table className="grid reflow" data-testid="gates-table">
        <thead>
          <tr>
            <th scope="col">Gate</th>
            <th scope="col">Phase</th>
            <th scope="col">Owner</th>
            <th scope="col">State</th>
            {detailed ? (
              <>
                <th scope="col">Release</th>
                <th scope="col">Approvals</th>
                <th scope="col">Blocks</th>
              </>
            ) : null}
          </tr>
        </thead>
        <tbody>
          {gates.map((g) => (
            <tr key={g.id} data-testid={`gate-row-${g.id}`}>
              <th scope="row" className="id-cell">
                <Link to={gatePath(g.id)} data-testid={`gate-link-${g.id}`}>
                  {g.id}
                </Link>
              </th>
              <td className="name-cell" data-testid={`gate-phase-${g.id}`}>
                {g.phase}
              </td>
              <td className="mono" data-label="Owner" data-testid={`gate-owner-${g.id}`}>
                {g.owner}
              </td>
              <td className="status-cell">
                <StatusPill status={g.state} testId={`gate-state-${g.id}`} />
              </td>
              {detailed ? (
                <>
                  <td className="mono" data-label="Release">
                    {g.release ?? '—'}
                  </td>
                  <td data-label="Approvals">
                    {g.approvalsRequired > 0 ? (
                      `${g.approvals.length}/${g.approvalsRequired}`
                    ) : (
                      <span className="muted" title="decided by its criteria; takes no approvals">
                        —
                      </span>
                    )}
                  </td>
                  <td className="mono" data-label="Blocks">
                    {g.blocks.length ? g.blocks.join(', ') : '—'}
                  </td>
                </>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}
