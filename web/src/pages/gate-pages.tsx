// Release gates: the list (/gates) and one gate (/gates/:id) with criteria and approvals.
import type { GateView } from '../../../src/contract/views.ts';
import { GateApprove } from '../components/gate-approve.tsx';
import { GateTable } from '../components/gate-table.tsx';
import { Empty, Facts, PageHeader, Section, TableWrap } from '../components/layout-parts.tsx';
import { LoadState } from '../components/load-state.tsx';
import { StatusPill } from '../components/status-pill.tsx';
import { TimeText } from '../components/time-text.tsx';
import { asList, useApi } from '../lib/api.ts';
import { Link, lanePath, releasePath } from '../lib/router.tsx';
import { slug } from '../components/checks-table.tsx';
import { humaniseTimes } from '../lib/time.ts';
import { useTitle } from '../lib/use-title.ts';

export function GatesPage() {
  const snap = useApi<unknown>('/gates');
  useTitle('Release gates');
  return (
    <>
      <PageHeader
        kicker={
          <>
            <Link to="/">Overview</Link> / Gates
          </>
        }
        title="Release gates"
      >
        <p className="lede">Sign-offs per release and phase, owned by a seat.</p>
      </PageHeader>
      <LoadState snap={snap} what="release gates">
        {(d) => {
          const gates = asList<GateView>(d, 'gates');
          return gates.length ? (
            <section className="panel" aria-label="Release gates">
              <GateTable gates={gates} detailed />
            </section>
          ) : (
            <Empty>No release gates.</Empty>
          );
        }}
      </LoadState>
    </>
  );
}

/** Who signs off and how many, or that nobody does (a gate decided by its criteria alone). */
export function approvalsNote(g: GateView): string {
  if (g.approvalsRequired <= 0) return 'No sign-off: the gate passes when its criteria hold.';
  const n = g.approvalsRequired;
  return n === 1
    ? `A member of ${g.owner} signs off; 1 approval required.`
    : `${n} members of ${g.owner} sign off; ${n} approvals required.`;
}

export function GatePage({ id }: { id: string }) {
  const snap = useApi<GateView>(`/gates/${encodeURIComponent(id)}`);
  useTitle(id);
  return (
    <LoadState
      snap={snap}
      what={`gate ${id}`}
      missing={<>Gate {id} is not in the catalog.</>}
      page={{
        kicker: <Link to="/gates">Release gates</Link>,
        title: `Gate ${id}`,
        notFound: 'Gate not found',
      }}
    >
      {(g) => (
        <>
          <PageHeader
            kicker={
              <>
                <Link to="/gates">Release gates</Link> / Gate
              </>
            }
            title={
              <>
                <span className="mono">{g.id}</span> {g.phase}
              </>
            }
            status={<StatusPill status={g.state} testId="gate-detail-state" />}
          >
            <Facts
              items={[
                ['Owner seat', <span className="mono">{g.owner}</span>],
                ['Release', g.release ? <Link to={releasePath(g.release)}>{g.release}</Link> : '—'],
                [
                  'Approvals',
                  <span data-testid="gate-detail-approvals">
                    {g.approvalsRequired > 0
                      ? `${g.approvals.length} of ${g.approvalsRequired} required`
                      : 'none (criteria only)'}
                  </span>,
                ],
                ['Hold window', g.window ?? '—'],
                ['Waits until', <TimeText iso={g.waitsUntil} />],
                [
                  'Blocks',
                  g.blocks.length ? (
                    <span>
                      {g.blocks.map((b, i) => (
                        <span key={b}>
                          {i ? ', ' : ''}
                          <Link to={lanePath(b)}>{b}</Link>
                        </span>
                      ))}
                    </span>
                  ) : (
                    '—'
                  ),
                ],
              ]}
            />
          </PageHeader>
          <GateApprove gate={g} />
          <Section
            id="criteria"
            title="Criteria"
            note="The gate passes when every criterion holds; a failed one blocks it."
          >
            {g.criteria.length ? (
              <TableWrap label="Criteria">
                <table className="grid reflow" data-testid="criteria-table">
                  <thead>
                    <tr>
                      <th scope="col">Criterion</th>
                      <th scope="col">Kind</th>
                      <th scope="col">State</th>
                      <th scope="col">Detail</th>
                    </tr>
                  </thead>
                  <tbody>
                    {g.criteria.map((c, i) => (
                      <tr key={`${c.kind}-${c.name}-${i}`} data-testid={`criterion-row-${slug(c.name)}`}>
                        <th scope="row" className="name-cell">
                          {c.kind === 'lane' ? <Link to={lanePath(c.name)}>{c.name}</Link> : c.name}
                        </th>
                        <td data-label="Kind">{c.kind}</td>
                        <td className="status-cell">
                          <StatusPill status={c.state} small testId={`criterion-state-${slug(c.name)}`} />
                        </td>
                        <td className="wrap" data-label="Detail">
                          {c.detail ? humaniseTimes(c.detail) : <span className="muted">—</span>}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableWrap>
            ) : (
              <Empty>No criteria: this gate is decided by approval only.</Empty>
            )}
          </Section>
          <Section id="approvals" title="Approvals" note={approvalsNote(g)}>
            {g.approvals.length ? (
              <TableWrap label="Approvals">
                <table className="grid" data-testid="approvals-table">
                  <thead>
                    <tr>
                      <th scope="col">By</th>
                      <th scope="col">At</th>
                      <th scope="col">Comment</th>
                    </tr>
                  </thead>
                  <tbody>
                    {g.approvals.map((a, i) => (
                      <tr key={`${a.by}-${i}`}>
                        <th scope="row" className="mono">
                          {a.by}
                        </th>
                        <td className="nowrap">
                          <TimeText iso={a.at} />
                        </td>
                        <td className="wrap">{a.comment ?? <span className="muted">—</span>}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableWrap>
            ) : (
              <Empty>{g.approvalsRequired > 0 ? 'No approvals yet.' : 'This gate takes no approvals.'}</Empty>
            )}
          </Section>
        </>
      )}
    </LoadState>
  );
}
