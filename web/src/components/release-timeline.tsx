// A release's timeline (GET /api/v1/releases/{id}/timeline): every decision, effect, approval, run,
// protection answer and alert, oldest first, with who and when. Refreshed by the live stream like the page.
import type { ReleaseTimeline as Timeline, TimelineEntry } from '../../../src/contract/views.ts';
import { useApi } from '../lib/api.ts';
import { Empty, Section } from './layout-parts.tsx';
import { GenericTable } from './generic-table.tsx';
import { LoadState } from './load-state.tsx';
import { TimeText } from './time-text.tsx';

export function ReleaseTimeline({ id }: { id: string }) {
  const snap = useApi<Timeline>(`/releases/${encodeURIComponent(id)}/timeline`);
  return (
    <Section
      id="release-timeline"
      title="Timeline"
      note={
        snap.data?.truncated
          ? 'Oldest first. Some sources held more rows than are shown.'
          : 'Decisions, effects, approvals, runs, protection answers and alerts, oldest first.'
      }
    >
      <LoadState
        snap={snap}
        what="timeline"
        missing={<>The timeline is not available from this server yet.</>}
      >
        {(t) =>
          t.entries.length ? (
            <GenericTable<TimelineEntry & { n: number }>
              label="Release timeline"
              rows={t.entries.map((e, n) => ({ ...e, n }))}
              rowKey={(e) => String(e.n)}
              rowTestId={(e) => `timeline-${e.n}`}
              columns={[
                { key: 'at', label: 'When', render: (e) => <TimeText iso={e.at} /> },
                {
                  key: 'kind',
                  label: 'Kind',
                  render: (e) => <span className={`tl-kind tl-${e.kind}`}>{e.kind}</span>,
                },
                { key: 'who', label: 'Who', className: 'mono' },
                { key: 'summary', label: 'What', render: (e) => <span>{e.summary}</span> },
              ]}
            />
          ) : (
            <Empty>Nothing has happened to this release yet.</Empty>
          )
        }
      </LoadState>
    </Section>
  );
}
