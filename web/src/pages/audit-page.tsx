// Audit log (/audit): who did what, on which object, why, when. Pages back with ?before=<id>.
import type { AuditEvent, AuditList } from '../../../src/contract/results.ts';
import { GenericTable } from '../components/generic-table.tsx';
import { Empty, PageHeader } from '../components/layout-parts.tsx';
import { LoadState } from '../components/load-state.tsx';
import { TimeText } from '../components/time-text.tsx';
import { useApi } from '../lib/api.ts';
import { Link, useLocation } from '../lib/router.tsx';
import { useTitle } from '../lib/use-title.ts';
import { objectLink } from './alerts-page.tsx';

const PAGE = 100;
const TYPES = ['run', 'job', 'evidence', 'lane', 'gate', 'release', 'alert', 'token', 'delivery'];

/** "github:2dd9c63c-ee02-…" → "github:2dd9c63c…" (full value in the title). */
function Actor({ v: s }: { v: string }) {
  const m = /^(github:[0-9a-f]{8})[0-9a-f-]{20,}$/i.exec(s);
  return (
    <span className="mono" title={m ? s : undefined}>
      {m ? `${m[1]}…` : s}
    </span>
  );
}

export function AuditPage() {
  const loc = useLocation();
  const q = new URLSearchParams(loc.split('?')[1] ?? '');
  const before = q.get('before');
  const type = q.get('type');
  const api = new URLSearchParams({ limit: String(PAGE) });
  if (before) api.set('before', before);
  if (type) api.set('objectType', type);
  const snap = useApi<AuditList>(`/audit?${api.toString()}`);
  useTitle('Audit log');
  const link = (t: string | null, b: string | null): string => {
    const p = new URLSearchParams();
    if (t) p.set('type', t);
    if (b) p.set('before', b);
    const s = p.toString();
    return s ? `/audit?${s}` : '/audit';
  };
  return (
    <>
      <PageHeader
        kicker={
          <>
            <Link to="/">Overview</Link> / Audit
          </>
        }
        title="Audit log"
      >
        <p className="lede">Append-only: every decision with who, what, on which object, why and when.</p>
        <nav className="filters" aria-label="Filter by object type">
          <Link to={link(null, null)} aria-current={!type ? 'page' : undefined} className="mini-chip">
            all
          </Link>
          {TYPES.map((t) => (
            <Link
              key={t}
              to={link(t, null)}
              aria-current={type === t ? 'page' : undefined}
              className="mini-chip"
            >
              {t}
            </Link>
          ))}
        </nav>
      </PageHeader>
      <LoadState
        snap={snap}
        what="the audit log"
        missing={<>The audit log is not available from this server yet.</>}
      >
        {(d) => {
          const rows = d.events;
          if (!rows.length) return <Empty>{before ? 'No older events.' : 'No audit events yet.'}</Empty>;
          const lastId = rows[rows.length - 1]?.id;
          return (
            <section className="panel" aria-label="Audit events">
              <GenericTable<AuditEvent>
                label="Audit events"
                rows={rows}
                rowKey={(r) => String(r.id)}
                rowTestId={(r) => `audit-row-${r.id}`}
                columns={[
                  { key: 'id', label: '#', className: 'num' },
                  { key: 'at', label: 'When', render: (r) => <TimeText iso={r.at} seconds /> },
                  { key: 'actor', label: 'Who', render: (r) => <Actor v={r.actor} /> },
                  { key: 'action', label: 'What', className: 'mono' },
                  { key: 'object', label: 'Object', render: (r) => objectLink(r.objectType, r.objectId) },
                  { key: 'reason', label: 'Why' },
                ]}
              />
              {rows.length >= PAGE && lastId !== undefined ? (
                <p className="more">
                  <Link to={link(type, String(lastId))} className="button">
                    Older events
                  </Link>
                </p>
              ) : null}
            </section>
          );
        }}
      </LoadState>
    </>
  );
}
