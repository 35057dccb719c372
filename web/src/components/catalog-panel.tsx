// The overview's "Catalog" panel (GET /api/v1/catalog/versions): the version every decision uses now
// (source, commit, when it was loaded) and, when Git ever held an invalid lanes.yaml, the newest rejected
// version with each file:line:col error. A rejection newer than the active version is shown as a problem
// (the file in Git is invalid now; the previous catalog stays); an older one as history.
import type { CatalogVersionList } from '../../../src/contract/results.ts';
import type { CatalogVersionView } from '../../../src/contract/views.ts';
import { useApi } from '../lib/api.ts';
import { Section } from './layout-parts.tsx';
import { LoadState } from './load-state.tsx';
import { TimeText } from './time-text.tsx';

function origin(v: CatalogVersionView) {
  return (
    <>
      <span className="mono">{v.path}</span>
      {v.source === 'git' && v.commitSha ? (
        <>
          {' '}
          at{' '}
          <span className="mono">
            {v.repository}@{v.commitSha.slice(0, 7)}
          </span>
        </>
      ) : (
        <> (file at start-up)</>
      )}
    </>
  );
}

function Body({ d }: { d: CatalogVersionList }) {
  const r = d.latestRejected;
  return (
    <div className="catalog-panel">
      {d.active ? (
        <p data-testid="catalog-active">
          <strong>Active: version {d.active.id}</strong> — {origin(d.active)}, loaded{' '}
          <TimeText iso={d.active.loadedAt} />.
        </p>
      ) : (
        <p className="muted">No catalog version recorded yet.</p>
      )}
      {r ? (
        <div
          className={`notice ${d.rejectedSinceActive ? 'notice-bad' : 'notice-warn'}`}
          data-testid="catalog-rejected"
          data-current={d.rejectedSinceActive}
        >
          <p>
            <strong>
              {d.rejectedSinceActive
                ? `Rejected: version ${r.id}`
                : `Last rejected: version ${r.id} (since replaced by a valid one)`}
            </strong>{' '}
            — {origin(r)}, <TimeText iso={r.loadedAt} />.
            {d.rejectedSinceActive ? ' The previous catalog stays in force until a valid one is pushed.' : ''}
          </p>
          <ul className="detail-list mono" data-testid="catalog-errors">
            {r.errors.map((e, i) => (
              <li key={i}>{e}</li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}

export function CatalogPanel() {
  const snap = useApi<CatalogVersionList>('/catalog/versions');
  return (
    <Section
      id="catalog"
      title="Catalog"
      note="The lanes.yaml version every decision uses now, and the newest one Lanes refused."
    >
      <LoadState snap={snap} what="catalog versions">
        {(d) => <Body d={d} />}
      </LoadState>
    </Section>
  );
}
