// The dashboard shell: top bar, routes, focus and scroll handling on navigation.
import { useEffect, useRef, type ReactNode } from 'react';
import type { Overview } from '../../src/contract/views.ts';
import { TopBar } from './components/top-bar.tsx';
import { useApi } from './lib/api.ts';
import { markFocusPending, matchPath, takePendingFocus, useLocation } from './lib/router.tsx';
import { AlertsPage } from './pages/alerts-page.tsx';
import { AuditPage } from './pages/audit-page.tsx';
import { GatePage, GatesPage } from './pages/gate-pages.tsx';
import { LanePage } from './pages/lane-page.tsx';
import { LanesPage, NotFoundPage } from './pages/misc-pages.tsx';
import { OverviewPage } from './pages/overview-page.tsx';
import { ReleasePage, ReleasesPage } from './pages/release-pages.tsx';
import { WorkflowPage, WorkflowsPage } from './pages/workflow-pages.tsx';

type Route = [pattern: string, render: (p: Record<string, string>) => ReactNode];

const ROUTES: Route[] = [
  ['/', () => <OverviewPage />],
  ['/lanes', () => <LanesPage />],
  ['/lanes/:id', (p) => <LanePage id={p.id ?? ''} />],
  ['/workflows', () => <WorkflowsPage />],
  ['/workflows/:id', (p) => <WorkflowPage id={p.id ?? ''} />],
  ['/gates', () => <GatesPage />],
  ['/gates/:id', (p) => <GatePage id={p.id ?? ''} />],
  ['/alerts', () => <AlertsPage />],
  ['/releases', () => <ReleasesPage />],
  ['/releases/:id', (p) => <ReleasePage id={p.id ?? ''} />],
  ['/audit', () => <AuditPage />],
];

function route(pathname: string): { key: string; node: ReactNode } {
  for (const [pattern, render] of ROUTES) {
    const params = matchPath(pattern, pathname);
    if (params) return { key: `${pattern}:${JSON.stringify(params)}`, node: render(params) };
  }
  return { key: 'not-found', node: <NotFoundPage path={pathname} /> };
}

export function App() {
  const loc = useLocation();
  const pathname = loc.split('?')[0] ?? '/';
  const overview = useApi<Overview>('/overview');
  const { key, node } = route(pathname);
  const first = useRef(true);

  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    // a new page: start at the top and move focus to its heading (for keyboard and screen-reader
    // users); if the heading is not rendered yet (data loading), it takes focus when it mounts
    if (!window.location.hash) window.scrollTo(0, 0);
    takePendingFocus();
    const h = document.getElementById('page-title');
    if (h) h.focus({ preventScroll: true });
    else {
      document.getElementById('main')?.focus({ preventScroll: true });
      markFocusPending();
    }
  }, [key]);

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <TopBar overview={overview} path={pathname} />
      <main id="main" tabIndex={-1} key={key}>
        {node}
      </main>
      <footer className="foot">
        <span>Lanes · delivery control plane</span>
        <span className="muted">Times in UTC · hover a time for how long ago</span>
      </footer>
    </>
  );
}
