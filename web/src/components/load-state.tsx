// Renders a resource's loading / error / not-yet-available states around its data. A detail page passes
// `page`: then every state that is not the data has the page's heading too ("Lane not found" for an
// unknown id), so no page is ever without its h1.
import type { ReactNode } from 'react';
import type { Snapshot } from '../lib/api.ts';
import { PageHeader } from './layout-parts.tsx';
import { SignInPrompt } from './signin-prompt.tsx';

export function LoadState<T>({
  snap,
  what,
  children,
  missing,
  page,
}: {
  snap: Snapshot<T>;
  what: string;
  children: (data: T) => ReactNode;
  missing?: ReactNode;
  page?: { kicker: ReactNode; title: string; notFound: string };
}) {
  const head = (title: string) =>
    page ? (
      <PageHeader kicker={page.kicker} title={<span data-testid="page-title-text">{title}</span>} />
    ) : null;
  const body = stateBody(snap, what, missing);
  if (snap.status === 'ready')
    return (
      <>
        {body}
        {snap.data !== undefined ? children(snap.data) : null}
      </>
    );
  return (
    <>
      {head(snap.status === 'missing' ? (page?.notFound ?? '') : (page?.title ?? ''))}
      {body}
    </>
  );
}

/** What to show instead of (or, for stale data, above) the data. */
function stateBody<T>(snap: Snapshot<T>, what: string, missing: ReactNode): ReactNode {
  switch (snap.status) {
    case 'loading':
      return (
        <p className="loading" role="status" aria-live="polite">
          Loading {what}…
        </p>
      );
    case 'missing':
      return (
        <div className="notice" role="status" data-testid="state-missing">
          {missing ?? (
            <>
              No {what} here: {snap.error?.message ?? 'not found'}.
            </>
          )}
        </div>
      );
    case 'error':
      if (snap.error?.status === 401) return <SignInPrompt message={snap.error.message} />;
      return (
        <div className="notice notice-bad" role="alert" data-testid="state-error">
          Could not load {what}: {snap.error?.message ?? 'unknown error'}
          {snap.error && snap.error.code !== 'http_error' && snap.error.code !== 'network'
            ? ` (${snap.error.code})`
            : ''}
        </div>
      );
    case 'ready':
      return snap.error && snap.data !== undefined ? (
        <p className="notice notice-warn" role="status">
          Showing the last good data: {snap.error.message}
        </p>
      ) : null;
  }
}
