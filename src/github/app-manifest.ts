// The GitHub App manifest for Lanes, and the HTML form that starts GitHub's manifest flow.
// Guarantees: the events are exactly the ones the normaliser accepts (SUPPORTED_EVENTS), and the permissions are
// exactly what those events and the client's outbound calls need — no more. Each permission says why it is
// asked for, so the docs and `lanes github manifest --explain` cannot drift from the manifest itself.
// Pure: no I/O; the CLI prints what this returns.
import { SUPPORTED_EVENTS, type SupportedEvent } from './normalise-event.ts';

export type PermissionLevel = 'read' | 'write';

/** Repository permission names as GitHub's manifest (default_permissions) spells them. */
export type RepositoryPermission =
  'actions' | 'checks' | 'contents' | 'deployments' | 'metadata' | 'pull_requests' | 'statuses';

export interface PermissionNeed {
  level: PermissionLevel;
  why: string;
}

/** What Lanes does with each permission (outbound calls in github-client.ts, plus the events it must receive). */
export const PERMISSIONS: Readonly<Record<RepositoryPermission, PermissionNeed>> = {
  actions: {
    level: 'write',
    why: 'dispatch workflows (POST …/dispatches); read runs, jobs and artifacts (reconcile, evidence); workflow_run and workflow_job events',
  },
  deployments: {
    level: 'write',
    why: 'answer custom deployment protection rules (POST …/deployment_protection_rule); deployment, deployment_status and deployment_protection_rule events',
  },
  statuses: { level: 'write', why: 'post commit statuses (gate results, catalog validation)' },
  checks: { level: 'read', why: 'check_run events (checks whose catalog sources name a GitHub App)' },
  contents: {
    level: 'read',
    why: 'read lanes.yaml from the default branch and compare commits (change summary); push, create, delete and release events',
  },
  pull_requests: { level: 'read', why: 'pull_request events (PR lanes)' },
  metadata: { level: 'read', why: 'mandatory for every GitHub App (repository metadata)' },
};

/** The permission GitHub requires before an App may subscribe to each event. */
export const EVENT_PERMISSION: Readonly<Record<SupportedEvent, RepositoryPermission>> = {
  workflow_run: 'actions',
  workflow_job: 'actions',
  check_run: 'checks',
  push: 'contents',
  pull_request: 'pull_requests',
  create: 'contents',
  delete: 'contents',
  release: 'contents',
  deployment: 'deployments',
  deployment_status: 'deployments',
  deployment_protection_rule: 'deployments',
  deployment_review: 'actions',
};

/** Paths on the Lanes server the App points at (relative to the public base URL). */
export const WEBHOOK_PATH = '/webhooks/github';
export const USER_CALLBACK_PATH = '/auth/github/callback';
export const MANIFEST_REDIRECT_PATH = '/setup/github/app-created';

export interface AppManifest {
  name: string;
  url: string;
  description: string;
  hook_attributes: { url: string; active: boolean };
  redirect_url: string;
  callback_urls: string[];
  public: boolean;
  request_oauth_on_install: boolean;
  default_permissions: Record<RepositoryPermission, PermissionLevel>;
  default_events: SupportedEvent[];
}

export interface ManifestOptions {
  /** Public base URL of the Lanes server, e.g. https://lanes.example.com (no trailing slash needed). */
  baseUrl: string;
  /** App name; GitHub allows at most 34 characters and it must be unique on GitHub. */
  name?: string;
  /** Where GitHub sends the browser (with ?code=) after the App is created; default <base>/setup/github/app-created. */
  redirectUrl?: string;
}

export type ManifestResult = { ok: true; manifest: AppManifest } | { ok: false; errors: string[] };

export const MAX_APP_NAME = 34;

function httpUrl(value: string, what: string, errors: string[]): URL | undefined {
  try {
    const u = new URL(value);
    if (u.protocol !== 'https:' && u.protocol !== 'http:') errors.push(`${what} must be http(s): ${value}`);
    else if (u.username || u.password) errors.push(`${what} must not carry credentials`);
    else return u;
  } catch {
    errors.push(`${what} is not a URL: ${value}`);
  }
  return undefined;
}

/** The manifest GitHub's "register a GitHub App from a manifest" flow takes, for a Lanes server at baseUrl. */
export function buildAppManifest(o: ManifestOptions): ManifestResult {
  const errors: string[] = [];
  const base = httpUrl(o.baseUrl, '--url', errors);
  const name = (o.name ?? `Lanes ${base?.hostname ?? ''}`).trim().slice(0, MAX_APP_NAME).trim();
  if (o.name !== undefined && o.name.trim().length > MAX_APP_NAME)
    errors.push(`--name is longer than ${MAX_APP_NAME} characters (GitHub's limit for App names)`);
  if (name === '') errors.push('--name is empty');
  if (o.redirectUrl !== undefined) httpUrl(o.redirectUrl, '--redirect-url', errors);
  if (!base || errors.length > 0) return { ok: false, errors };
  // GitHub delivers webhooks only to public URLs; http is allowed here for tunnels and test set-ups.
  const root = base.href.replace(/\/+$/, '');
  const default_permissions = Object.fromEntries(
    Object.entries(PERMISSIONS).map(([k, v]) => [k, v.level]),
  ) as Record<RepositoryPermission, PermissionLevel>;
  return {
    ok: true,
    manifest: {
      name,
      url: root,
      description: 'Lanes: delivery lanes, release gates and deployment protection for GitHub Actions.',
      hook_attributes: { url: `${root}${WEBHOOK_PATH}`, active: true },
      redirect_url: o.redirectUrl ?? `${root}${MANIFEST_REDIRECT_PATH}`,
      callback_urls: [`${root}${USER_CALLBACK_PATH}`],
      // Private: only the owning account can install it; each organisation registers its own.
      public: false,
      request_oauth_on_install: false,
      default_permissions,
      default_events: [...SUPPORTED_EVENTS],
    },
  };
}

export interface ManifestFormOptions {
  /** GitHub's web host (https://github.com, or a GHES host). */
  githubUrl?: string;
  /** Register under this organisation instead of the signed-in user. */
  org?: string;
  /** Opaque value GitHub hands back on the redirect, to tie the callback to this form. */
  state: string;
}

const ORG_RE = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;

/** https://github.com/settings/apps/new or …/organizations/<org>/settings/apps/new, with ?state=. */
export function manifestFormAction(o: ManifestFormOptions): string {
  const host = (o.githubUrl ?? 'https://github.com').replace(/\/+$/, '');
  if (o.org !== undefined && !ORG_RE.test(o.org)) throw new Error(`invalid organisation name "${o.org}"`);
  const path = o.org ? `/organizations/${o.org}/settings/apps/new` : '/settings/apps/new';
  return `${host}${path}?state=${encodeURIComponent(o.state)}`;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * A self-contained HTML page with the POST form GitHub's manifest flow expects (one field, "manifest", holding
 * the JSON). Opening it and pressing the button takes the person to GitHub's "Create GitHub App" page.
 */
export function manifestFormHtml(manifest: AppManifest, o: ManifestFormOptions): string {
  const action = manifestFormAction(o);
  return `<!doctype html>
<html lang="en">
<meta charset="utf-8">
<title>Register the Lanes GitHub App</title>
<body>
<h1>Register the Lanes GitHub App</h1>
<p>This sends the manifest below to GitHub. Review the name and permissions there, then press "Create GitHub App".
GitHub then opens ${escapeHtml(manifest.redirect_url)}?code=…: run <code>lanes github exchange &lt;code&gt;</code>
within one hour.</p>
<form action="${escapeHtml(action)}" method="post">
<input type="hidden" name="manifest" value="${escapeHtml(JSON.stringify(manifest))}">
<button type="submit">Create the App on GitHub</button>
</form>
<pre>${escapeHtml(JSON.stringify(manifest, null, 2))}</pre>
</body>
</html>
`;
}
