// A lane's gate checks (or evidence) with their state, source and link to the evidence.
import type { LaneCheckView } from '../../../src/contract/views.ts';
import { humaniseTimes } from '../lib/time.ts';
import { ExternalLink, TableWrap } from './layout-parts.tsx';
import { StatusPill } from './status-pill.tsx';
import { TimeText } from './time-text.tsx';

export const slug = (s: string): string =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

export function ChecksTable({
  checks,
  label,
  prefix,
  first = 'Check',
}: {
  checks: LaneCheckView[];
  label: string;
  prefix: string;
  first?: string;
}) {
  return (
    <TableWrap label={label}>
      <table className="grid reflow" data-testid={`${prefix}-table`}>
        <thead>
          <tr>
            <th scope="col">{first}</th>
            <th scope="col">State</th>
            <th scope="col">Source</th>
            <th scope="col">Link</th>
            <th scope="col">Details</th>
            <th scope="col">At</th>
          </tr>
        </thead>
        <tbody>
          {checks.map((c, i) => (
            <tr key={`${c.name}-${i}`} data-testid={`${prefix}-row-${slug(c.name)}`}>
              <th scope="row" className="name-cell">
                {c.name}
              </th>
              <td className="status-cell">
                <StatusPill status={c.state} small testId={`${prefix}-state-${slug(c.name)}`} />
              </td>
              <td data-label="Source">{c.source ?? <span className="muted">—</span>}</td>
              <td data-label="Link">
                {c.url ? (
                  <ExternalLink href={c.url}>evidence</ExternalLink>
                ) : (
                  <span className="muted">—</span>
                )}
              </td>
              <td className="wrap" data-label="Details">
                {c.details ? humaniseTimes(c.details) : <span className="muted">—</span>}
              </td>
              <td className="nowrap" data-label="At">
                <TimeText iso={c.at} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}
