// The lane list (/lanes) and the not-found page.
import type { LaneView } from '../../../src/contract/views.ts';
import { LaneTable } from '../components/lane-table.tsx';
import { Empty, PageHeader } from '../components/layout-parts.tsx';
import { LoadState } from '../components/load-state.tsx';
import { asList, useApi } from '../lib/api.ts';
import { Link } from '../lib/router.tsx';
import { useTitle } from '../lib/use-title.ts';

export function LanesPage() {
  const snap = useApi<unknown>('/lanes');
  useTitle('Lanes');
  return (
    <>
      <PageHeader
        kicker={
          <>
            <Link to="/">Overview</Link> / Lanes
          </>
        }
        title="CI/CD pipelines"
      />
      <LoadState snap={snap} what="lanes">
        {(d) => {
          const lanes = asList<LaneView>(d, 'lanes');
          return lanes.length ? (
            <section className="panel" aria-label="Lanes">
              <LaneTable lanes={lanes} />
            </section>
          ) : (
            <Empty>No lanes in the catalog.</Empty>
          );
        }}
      </LoadState>
    </>
  );
}

export function NotFoundPage({ path }: { path: string }) {
  useTitle('Not found');
  return (
    <>
      <PageHeader title="Page not found" />
      <div className="notice" data-testid="not-found">
        Nothing lives at <code>{path}</code>. <Link to="/">Back to the overview</Link>.
      </div>
    </>
  );
}
