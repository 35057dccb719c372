// Alerts (/alerts): deduplicated alerts with their count and state. Tolerates the API not existing yet.
import { ActionButton, ActionMessage, useAction, type Action } from '../components/action-kit.tsx';
import { GenericTable, isoOf, pick, text, type Row } from '../components/generic-table.tsx';
import { Empty, PageHeader } from '../components/layout-parts.tsx';
import { LoadState } from '../components/load-state.tsx';
import { StatusPill } from '../components/status-pill.tsx';
import { TimeText } from '../components/time-text.tsx';
import { asList, postJson, useApi } from '../lib/api.ts';
import { Link, gatePath, lanePath, releasePath } from '../lib/router.tsx';
import { useTitle } from '../lib/use-title.ts';

export function objectLink(type: unknown, id: unknown) {
  if (typeof id !== 'string' && typeof id !== 'number') return <span className="muted">—</span>;
  const s = String(id);
  const t = typeof type === 'string' ? type : '';
  const to =
    t === 'lane' || /^PL-/.test(s)
      ? lanePath(s)
      : t === 'gate' || /^RG-/.test(s)
        ? gatePath(s)
        : t === 'release'
          ? releasePath(s)
          : t === 'workflow' || /^WF-/.test(s)
            ? `/workflows/${encodeURIComponent(s)}`
            : null;
  const label = (
    <>
      {t ? <span className="muted">{t} </span> : null}
      <span className="mono">{s}</span>
    </>
  );
  return to ? <Link to={to}>{label}</Link> : label;
}

const alertId = (r: Row): string => text(pick(r, 'id', 'key'));
const alertStatus = (r: Row): string => text(pick(r, 'status', 'state'));

type Verb = 'ack' | 'resolve';
const DONE: Record<Verb, string> = { ack: 'acknowledged', resolve: 'resolved' };

function AlertButtons({ r, action }: { r: Row; action: Action<Row> }) {
  const id = alertId(r);
  const status = alertStatus(r);
  const verbs: Verb[] = status === 'open' ? ['ack', 'resolve'] : status === 'acked' ? ['resolve'] : [];
  if (!verbs.length || typeof r.id !== 'number') return <span className="muted">—</span>;
  return (
    <span className="row-actions">
      {verbs.map((v) => (
        <ActionButton
          key={v}
          kind="plain"
          busy={action.busy === `${id}:${v}`}
          disabled={action.busy !== null}
          busyText={v === 'ack' ? 'Acking…' : 'Resolving…'}
          onClick={() =>
            void action.run(`${id}:${v}`, `${v} alert ${id}`, () =>
              postJson<Row>(`/alerts/${encodeURIComponent(id)}/${v}`, {}),
            )
          }
          testId={`alert-${v}-${id}`}
        >
          {v === 'ack' ? 'Ack' : 'Resolve'}
          <span className="sr-only"> alert {id}</span>
        </ActionButton>
      ))}
    </span>
  );
}

export function AlertsPage() {
  const snap = useApi<unknown>('/alerts');
  const action = useAction<Row>();
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
          {last.value && lastVerb
            ? `Alert ${lastId} ${DONE[lastVerb]}${typeof last.value.title === 'string' ? `: ${last.value.title}` : ''}.`
            : null}
        </ActionMessage>
      ) : null}
      <LoadState snap={snap} what="alerts" missing={<>Alerts are not available from this server yet.</>}>
        {(d) => {
          const rows = asList<Row>(d, 'alerts');
          if (!rows.length) return <Empty>No alerts. All quiet.</Empty>;
          return (
            <section className="panel" aria-label="Alerts">
              <GenericTable
                label="Alerts"
                rows={rows}
                rowTestId={(r) => `alert-row-${alertId(r)}`}
                columns={[
                  { key: 'id', label: 'ID', className: 'mono nowrap' },
                  {
                    key: 'state',
                    label: 'State',
                    render: (r) => (
                      <StatusPill
                        status={text(pick(r, 'state', 'status'))}
                        small
                        testId={`alert-state-${alertId(r)}`}
                      />
                    ),
                  },
                  { key: 'actions', label: 'Actions', render: (r) => <AlertButtons r={r} action={action} /> },
                  { key: 'severity', label: 'Severity' },
                  {
                    key: 'title',
                    label: 'Alert',
                    render: (r) => (
                      <span className="wrap-text">
                        {text(pick(r, 'title', 'summary', 'message', 'rule', 'key'))}
                      </span>
                    ),
                  },
                  {
                    key: 'object',
                    label: 'Object',
                    render: (r) =>
                      objectLink(
                        pick(r, 'objectType', 'subjectType'),
                        pick(r, 'objectId', 'subjectId', 'lane', 'gate', 'laneId', 'gateId'),
                      ),
                  },
                  { key: 'count', label: 'Count', className: 'num' },
                  {
                    key: 'firstAt',
                    label: 'First seen',
                    render: (r) => (
                      <TimeText
                        iso={isoOf(pick(r, 'firstAt', 'firstSeenAt', 'openedAt', 'createdAt', 'at'))}
                      />
                    ),
                  },
                  {
                    key: 'lastAt',
                    label: 'Last seen',
                    render: (r) => <TimeText iso={isoOf(pick(r, 'lastAt', 'lastSeenAt', 'updatedAt'))} />,
                  },
                  { key: 'key', label: 'Dedup key', className: 'mono small' },
                ]}
                consumed={[
                  'status',
                  'summary',
                  'message',
                  'rule',
                  'objectType',
                  'subjectType',
                  'objectId',
                  'subjectId',
                  'lane',
                  'gate',
                  'laneId',
                  'gateId',
                  'firstSeenAt',
                  'openedAt',
                  'createdAt',
                  'at',
                  'lastSeenAt',
                  'updatedAt',
                ]}
              />
            </section>
          );
        }}
      </LoadState>
    </>
  );
}
