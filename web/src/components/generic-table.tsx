// A table for records whose exact shape the dashboard does not pin down (alerts, releases, audit):
// preferred columns first, then the other scalar fields; times, states and links formatted.
import type { ReactNode } from 'react';
import { looksLikeTime } from '../lib/time.ts';
import { ExternalLink, TableWrap } from './layout-parts.tsx';
import { StatusPill } from './status-pill.tsx';
import { TimeText } from './time-text.tsx';

export type Row = Record<string, unknown>;

export interface Column {
  key: string;
  label: string;
  render?: (row: Row) => ReactNode;
  className?: string;
}

const STATE_KEYS = new Set(['state', 'status', 'severity', 'conclusion', 'phase_state']);
const URL_KEYS = new Set(['url', 'htmlUrl', 'html_url', 'link']);

export function pick(row: Row, ...keys: string[]): unknown {
  for (const k of keys) {
    const v = row[k];
    if (v !== undefined && v !== null && v !== '') return v;
  }
  return undefined;
}

/** "includesMigrations" → "includes migrations" */
export const humanize = (k: string): string =>
  k
    .replace(/_/g, ' ')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase();

/** The value if it is an ISO time, else null (for <TimeText>). */
export const isoOf = (v: unknown): string | null => (looksLikeTime(v) ? v : null);

export function text(v: unknown): string {
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
  const t = text(v);
  return t.length > 140 ? <span title={t}>{t.slice(0, 137)}…</span> : <>{t}</>;
}

export function GenericTable({
  rows,
  columns,
  label,
  rowTestId,
  consumed = [],
}: {
  rows: Row[];
  columns: Column[];
  label: string;
  rowTestId?: (r: Row) => string;
  /** fields already shown by a column's render (not repeated as extra columns) */
  consumed?: string[];
}) {
  const known = new Set([...columns.map((c) => c.key), ...consumed]);
  const extra: string[] = [];
  for (const r of rows.slice(0, 50)) {
    for (const [k, v] of Object.entries(r)) {
      if (known.has(k) || extra.includes(k)) continue;
      if (v === null || typeof v !== 'object' || (Array.isArray(v) && v.every((x) => typeof x !== 'object')))
        extra.push(k);
    }
  }
  const cols: Column[] = [
    ...columns.filter((c) => rows.some((r) => r[c.key] !== undefined) || c.render),
    ...extra.slice(0, 4).map((k) => ({ key: k, label: humanize(k) })),
  ];
  return (
    <TableWrap label={label}>
      <table className="grid">
        <thead>
          <tr>
            {cols.map((c) => (
              <th key={c.key} scope="col">
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={text(pick(r, 'id', 'key')) + String(i)} data-testid={rowTestId?.(r)}>
              {cols.map((c) => (
                <td key={c.key} className={c.className}>
                  {c.render ? c.render(r) : <Cell k={c.key} v={r[c.key]} />}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}
