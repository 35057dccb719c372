// The header of every page: zone title, route zone, breadcrumbs, live state, alerts, theme, who is signed
// in (Sign in with GitHub, or sign out), navigation.
import type { Overview } from '../../../src/contract/views.ts';
import type { Snapshot } from '../lib/api.ts';
import { signInHref, signOut, useSession } from '../lib/session.ts';
import { useLive } from '../lib/live.ts';
import { Link } from '../lib/router.tsx';
import { setTheme, useTheme } from '../lib/theme.ts';
import { relativeTime } from '../lib/time.ts';

const NAV: { to: string; label: string; match: (p: string) => boolean }[] = [
  { to: '/', label: 'Overview', match: (p) => p === '/' },
  { to: '/lanes', label: 'Lanes', match: (p) => p.startsWith('/lanes') },
  { to: '/workflows', label: 'Workflows', match: (p) => p.startsWith('/workflows') },
  { to: '/gates', label: 'Gates', match: (p) => p.startsWith('/gates') },
  { to: '/releases', label: 'Releases', match: (p) => p.startsWith('/releases') },
  { to: '/alerts', label: 'Alerts', match: (p) => p.startsWith('/alerts') },
  { to: '/audit', label: 'Audit', match: (p) => p.startsWith('/audit') },
];

function LiveIndicator() {
  const live = useLive();
  const label =
    live.state === 'live'
      ? 'live'
      : live.state === 'connecting'
        ? 'connecting'
        : live.state === 'reconnecting'
          ? 'reconnecting'
          : 'offline';
  const title =
    live.state === 'live'
      ? `Live updates on${live.lastEventAt ? `; last change ${relativeTime(new Date(live.lastEventAt).toISOString())}` : ''}`
      : 'Live updates interrupted; reconnecting automatically';
  return (
    <span
      className={`live live-${live.state}`}
      role="status"
      aria-live="polite"
      title={title}
      data-testid="live-indicator"
      data-state={live.state}
      data-last-seq={live.lastSeq ?? ''}
    >
      <span className="dot" aria-hidden="true" />
      {label}
    </span>
  );
}

function ThemeToggle() {
  const theme = useTheme();
  const next = theme === 'dark' ? 'light' : 'dark';
  return (
    <button
      type="button"
      className="icon-button"
      onClick={() => setTheme(next)}
      aria-label={`Switch to ${next} theme`}
      title={`Switch to ${next} theme`}
      data-testid="theme-toggle"
    >
      <span aria-hidden="true">{theme === 'dark' ? '☀' : '☾'}</span>
      <span className="theme-word">{next}</span>
    </button>
  );
}

function SessionControl() {
  const session = useSession();
  const view = session.view;
  if (session.status === 'signed-in' && view) {
    const who = view.login ?? view.person;
    return (
      <span className="session" data-testid="session" data-via={view.via}>
        <span
          className="session-who"
          data-testid="session-login"
          title={`${view.via === 'session' ? 'Signed in with GitHub' : 'Using an API token'} as ${who}${
            view.seats.length ? ` (${view.seats.join(', ')})` : ''
          }`}
        >
          {who}
        </span>
        <button
          type="button"
          className="icon-button"
          onClick={() => void signOut()}
          title={view.via === 'session' ? 'End this session' : 'Forget the API token held by this page'}
          data-testid="sign-out"
        >
          sign out
        </button>
      </span>
    );
  }
  if (session.status === 'signed-out' && session.githubSignIn) {
    return (
      <a className="icon-button signin-link" href={signInHref()} data-testid="signin-github">
        Sign in with GitHub
      </a>
    );
  }
  return null;
}

export function TopBar({ overview, path }: { overview: Snapshot<Overview>; path: string }) {
  const o = overview.data;
  const open = o?.alerts.open;
  const zoneTitle = o?.zone.title ?? 'Lanes — Control Plane';
  return (
    <header className="topbar">
      <div className="topbar-row">
        <Link to="/" className="brand" aria-label={`${zoneTitle}: overview`}>
          <span className="brand-title" data-testid="zone-title">
            {zoneTitle}
          </span>
          <span className="brand-sub">{window.location.host} — Control Plane</span>
        </Link>
        <div className="zone" data-testid="route-zone">
          <span className="zone-label">Route zone</span>
          <span className="zone-name" data-testid="zone-name">
            {o?.zone.name ?? '—'}
          </span>
        </div>
        <nav className="crumbs" aria-label="Breadcrumb" data-testid="breadcrumbs">
          <ol>
            {(o?.zone.breadcrumbs ?? []).map((b, i) => (
              <li key={`${b}-${i}`}>{b}</li>
            ))}
          </ol>
        </nav>
        <div className="tools">
          <LiveIndicator />
          <Link
            to="/alerts"
            className={`alerts-badge${open ? ' has-alerts' : ''}`}
            data-testid="alerts-link"
            aria-label={open === undefined ? 'Alerts' : `Alerts: ${open} open`}
          >
            <span>Alerts</span>
            <span className="count" data-testid="alerts-count">
              {open ?? '–'}
            </span>
          </Link>
          <ThemeToggle />
          <SessionControl />
        </div>
      </div>
      <nav className="tabs" aria-label="Sections">
        {NAV.map((n) => (
          <Link
            key={n.to}
            to={n.to}
            className="tab"
            aria-current={n.match(path) ? 'page' : undefined}
            data-testid={`nav-${n.label.toLowerCase()}`}
          >
            {n.label}
          </Link>
        ))}
      </nav>
    </header>
  );
}
