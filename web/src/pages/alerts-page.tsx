// Alerts (/alerts): deduplicated alerts with their count and state, read as AlertView from the contract.
// Tolerates the API not existing yet. Ack and Resolve are disabled, with the policy's reason, for a caller the
// session's abilities say the policy refuses for this alert's lane or gate.
import type { AlertList } from '../../../src/contract/results.ts';
import type { AlertView } from '../../../src/contract/views.ts';
import {
  ActionButton,
  ActionMessage,
  NotAllowed,
  useAction,
  type Action,
} from '../components/action-kit.tsx';
import { alertAbility } from '../../../src/contract/abilities.ts';
import { useSession } from '../lib/session.ts';
import { GenericTable } from '../components/generic-table.tsx';
import { Empty, PageHeader } from '../components/layout-parts.tsx';
import { LoadState } from '../components/load-state.tsx';
import { StatusPill } from '../components/status-pill.tsx';
import { postJson, useApi } from '../lib/api.ts';
import { Link, gatePath, lanePath, releasePath } from '../lib/router.tsx';
import { humaniseTimes } from '../lib/time.ts';
import { useTitle } from '../lib/use-title.ts';

/** An audited object (type and id as the audit log records them), linked to its page when it has one. */
export function objectLink(type: string, id: string) {
  if (!id) return <span className="muted">—</span>;
  const to =
    type === 'lane'
      ? lanePath(id)
      : type === 'gate'
        ? gatePath(id)
        : type === 'release'
          ? releasePath(id)
          : type === 'workflow'
            ? `/workflows/${encodeURIComponent(id)}`
            : null;
  const label = (
    <>
      {type ? <span className="muted">{type} </span> : null}
      <span className="mono">{id}</span>
    </>
  );
  return to ? <Link to={to}>{label}</Link> : label;
}

/** The alert's title, its detail (times in the one format) and, small, its id, rule and de-duplication key. */
function AlertText({ r }: { r: AlertView }) {
  return (
    <div className="alert-text">
      <span className="alert-title">{r.title}</span>
      {r.detail ? (
        <span className="alert-detail" data-testid={`alert-detail-${r.id}`}>
          {humaniseTimes(r.detail)}
        </span>
      ) : null}
      <span className="alert-meta mono">
        #{r.id} · {r.rule} · {r.key}
      </span>
    </div>
  );
}

type Verb = 'ack' | 'resolve';
const DONE: Record<Verb, string> = { ack: 'acknowledged', resolve: 'resolved' };

function AlertButtons({ r, action }: { r: AlertView; action: Action<AlertView> }) {
  const id = String(r.id);
  const verbs: Verb[] = r.status === 'open' ? ['ack', 'resolve'] : r.status === 'acked' ? ['resolve'] : [];
  const abilities = useSession().view?.abilities;
  const may = abilities ? alertAbility(abilities, r) : null;
  if (!verbs.length) return <span className="muted">—</span>;
  const denied = may !== null && !may.allowed;
  return (
    <div className="alert-actions">
      <span className="row-actions" title={denied ? (may.reason ?? undefined) : undefined}>
        {verbs.map((v) => (
          <ActionButton
            key={v}
            kind="plain"
            busy={action.busy === `${id}:${v}`}
            disabled={action.busy !== null || denied}
            busyText={v === 'ack' ? 'Acking…' : 'Resolving…'}
            onClick={() =>
              void action.run(`${id}:${v}`, `${v} alert ${id}`, () =>
                postJson<AlertView>(`/alerts/${encodeURIComponent(id)}/${v}`, {}),
              )
            }
            testId={`alert-${v}-${id}`}
          >
            {v === 'ack' ? 'Ack' : 'Resolve'}
            <span className="sr-only"> alert {id}</span>
          </ActionButton>
        ))}
      </span>
      {denied ? <NotAllowed reason={may.reason} testId={`alert-denied-${id}`} /> : null}
    </div>
  );
}

export function AlertsPage() {
  const snap = useApi<AlertList>('/alerts');
  const action = useAction<AlertView>();
  useTitle('Alerts');
  const last = action.last;
  const [lastId, lastVerb] = (last?.key ?? '').split(':') as [string, Verb | undefined];
  return (
    <>
      <PageHeader
        kicker={
          <>
            <Link to="/">Overview</Link> / Alerts
          </>
        }
        title="Alerts"
      >
        <p className="lede">
          Raised when a lane fails, a gate blocks, a hold breaks or a drill is missed; one incident is one
          alert with a count.
        </p>
      </PageHeader>
      {action.prompt}
      {last ? (
        <ActionMessage key={last.n} error={last.error} testId="alert-action-result">
          {last.value && lastVerb ? `Alert ${lastId} ${DONE[lastVerb]}: ${last.value.title}.` : null}
        </ActionMessage>
      ) : null}
      <LoadState snap={snap} what="alerts" missing={<>Alerts are not available from this server yet.</>}>
        {(d) => {
          const rows = d.alerts;
          if (!rows.length) return <Empty>No alerts. All quiet.</Empty>;
          return (
            <section className="panel" aria-label="Alerts">
              <GenericTable<AlertView>
                label="Alerts"
                reflow
                rows={rows}
                rowKey={(r) => String(r.id)}
                rowTestId={(r) => `alert-row-${r.id}`}
                columns={[
                  {
                    key: 'title',
                    label: 'Alert',
                    role: 'name',
                    className: 'alert-cell',
                    render: (r) => <AlertText r={r} />,
                  },
                  {
                    key: 'status',
                    label: 'State',
                    role: 'status',
                    render: (r) => (
                      <span className="pill-stack">
                        <StatusPill status={r.status} small testId={`alert-state-${r.id}`} />
                        <StatusPill status={r.severity} small />
                      </span>
                    ),
                  },
                  { key: 'count', label: 'Count', className: 'num' },
                  { key: 'firstAt', label: 'First seen', className: 'nowrap' },
                  { key: 'lastAt', label: 'Last seen', className: 'nowrap' },
                  { key: 'actions', label: 'Actions', render: (r) => <AlertButtons r={r} action={action} /> },
                ]}
              />
            </section>
          );
        }}
      </LoadState>
    </>
  );
}
