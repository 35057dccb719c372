// A table over rows of one known type (alerts, releases, audit events, approvals): each column names
// a field of the row type, formatted by kind (state pill, time, link, list), or renders the row itself.
// No field is guessed: what a page shows is what its column list says.
import type { ReactNode } from 'react';
import { humaniseTimes, looksLikeTime } from '../lib/time.ts';
import { ExternalLink, TableWrap } from './layout-parts.tsx';
import { StatusPill } from './status-pill.tsx';
import { TimeText } from './time-text.tsx';

/** A column shows one field of the row (formatted by <Cell>) or renders the row itself. */
export type Column<R> = (
  | { key: keyof R & string; label: string; className?: string }
  | { key: string; label: string; className?: string; render: (row: R) => ReactNode }
) & {
  /** On a narrow screen (`reflow`) a row becomes a card: the 'name' cell heads it, the 'status' cell sits
   * beside it, every other cell is a labelled line. */
  role?: 'name' | 'status';
};

const STATE_KEYS = new Set(['state', 'status', 'severity', 'conclusion']);
const URL_KEYS = new Set(['url', 'htmlUrl']);

function text(v: unknown): string {
  if (v === undefined || v === null || v === '') return '—';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v) && v.every((x) => typeof x !== 'object' || x === null))
    return v.map(String).join(', ');
  return JSON.stringify(v);
}

export function Cell({ k, v }: { k: string; v: unknown }) {
  if (v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0))
    return <span className="muted">—</span>;
  if (STATE_KEYS.has(k) && typeof v === 'string') return <StatusPill status={v} small />;
  if (looksLikeTime(v)) return <TimeText iso={v} />;
  if (URL_KEYS.has(k) && typeof v === 'string') return <ExternalLink href={v}>open</ExternalLink>;
  if (typeof v === 'boolean') return <>{v ? 'yes' : 'no'}</>;
  const t = humaniseTimes(text(v));
  return t.length > 140 ? <span title={t}>{t.slice(0, 137)}…</span> : <>{t}</>;
}

export function GenericTable<R extends object>({
  rows,
  columns,
  label,
  rowKey,
  rowTestId,
  reflow,
}: {
  rows: readonly R[];
  columns: readonly Column<R>[];
  label: string;
  rowKey: (r: R) => string;
  rowTestId?: (r: R) => string;
  reflow?: boolean;
}) {
  return (
    <TableWrap label={label}>
      <table className={reflow ? 'grid reflow' : 'grid'}>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.key} scope="col">
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={rowKey(r)} data-testid={rowTestId?.(r)}>
              {columns.map((c) => {
                const content = 'render' in c ? c.render(r) : <Cell k={c.key} v={r[c.key]} />;
                const cls = (extra: string) => [c.className, extra].filter(Boolean).join(' ') || undefined;
                if (reflow && c.role === 'name')
                  return (
                    <th key={c.key} scope="row" className={cls('name-cell')}>
                      {content}
                    </th>
                  );
                return (
                  <td
                    key={c.key}
                    className={cls(reflow && c.role === 'status' ? 'status-cell' : '')}
                    data-label={reflow && !c.role ? c.label : undefined}
                  >
                    {content}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}
