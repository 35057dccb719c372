// Renders a resource's loading / error / not-yet-available states around its data.
import type { ReactNode } from 'react';
import type { Snapshot } from '../lib/api.ts';
import { SignInPrompt } from './signin-prompt.tsx';

export function LoadState<T>({
  snap,
  what,
  children,
  missing,
}: {
  snap: Snapshot<T>;
  what: string;
  children: (data: T) => ReactNode;
  missing?: ReactNode;
}) {
  const stale =
    snap.error && snap.data !== undefined ? (
      <p className="notice notice-warn" role="status">
        Showing the last good data: {snap.error.message}
      </p>
    ) : null;
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
      return (
        <>
          {stale}
          {snap.data !== undefined ? children(snap.data) : null}
        </>
      );
  }
}
