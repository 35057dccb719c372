// GitHub REST out: workflow dispatch, deployment protection rule review, commit statuses, run artifacts.
// Every call returns a typed outcome instead of throwing, classified for the outbox: 5xx, network errors,
// 429 and rate-limited 403 are retryable (with the delay GitHub asks for); other 4xx are final.
// The API base is configurable (https://api.github.com, GHES https://host/api/v3, or a test server);
// paths are always relative to it, so a call can never be pointed at another host. Tokens are never logged.
import type { Logger } from 'pino';
import type { GitHubAuth } from './github-auth.ts';

export type GitHubFailure = {
  ok: false;
  retryable: boolean;
  /** How long GitHub asked us to wait (retry-after, or until x-ratelimit-reset). */
  retryAfterMs?: number;
  /** HTTP status; 0 for network errors, timeouts and refused input. */
  status: number;
  message: string;
};
export type GitHubOutcome<T> =
  | {
      ok: true;
      data: T;
      status: number;
      /** The Link header (pagination), when GitHub sent one. */
      link?: string;
    }
  | GitHubFailure;

export const DEFAULT_GITHUB_API_URL = 'https://api.github.com';

/** A deployment protection rule review path, relative to the API base. */
export const REVIEW_PATH_RE = /^\/repos\/[^/]+\/[^/]+\/actions\/runs\/\d+\/deployment_protection_rule$/;
const REPO_RE = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
const WORKFLOW_FILE_RE = /^(?:\d+|[A-Za-z0-9_.-]+\.ya?ml)$/;
const SHA_RE = /^[0-9a-fA-F]{40}(?:[0-9a-fA-F]{24})?$/;

export type CommitState = 'error' | 'failure' | 'pending' | 'success';

export interface CommitStatusInput {
  state: CommitState;
  context: string;
  description?: string | null;
  target_url?: string | null;
}

export interface ProtectionReviewInput {
  state: 'approved' | 'rejected';
  comment: string;
  environment_name: string;
}

export interface RunArtifact {
  id: number;
  name: string;
  size_in_bytes: number;
  archive_download_url: string | null;
  expired: boolean;
  created_at: string | null;
  updated_at: string | null;
}

export interface CallOptions {
  /** Aborts the call (the outbox passes the lease deadline). */
  signal?: AbortSignal;
  /** App auth: the installation to act as, when known (e.g. from the webhook). */
  installationId?: number | null;
}

/** For request(): act as the App itself (its JWT) on /app endpoints instead of as an installation. */
export interface RequestOptions extends CallOptions {
  asApp?: boolean;
}

export interface GitHubClientOptions {
  auth: GitHubAuth;
  /** Default https://api.github.com. */
  baseUrl?: string;
  /** Per request (default 15 s). */
  timeoutMs?: number;
  fetch?: typeof fetch;
  log?: Logger;
  /** Epoch ms; used to turn x-ratelimit-reset into a delay. */
  clock?: () => number;
  userAgent?: string;
}

/** Headers safe to log: Authorization (and anything cookie-like) redacted. */
export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    out[k] = /^(authorization|cookie|set-cookie|x-api-key)$/i.test(k) ? '[redacted]' : v;
  }
  return out;
}

function refused(message: string): GitHubFailure {
  return { ok: false, retryable: false, status: 0, message };
}

/** The delay GitHub asks for, from retry-after (seconds or HTTP date) or the primary rate limit reset. */
export function retryAfterFrom(headers: Headers, nowMs: number): number | undefined {
  const ra = headers.get('retry-after');
  if (ra !== null && ra.trim() !== '') {
    const s = Number(ra);
    if (Number.isFinite(s) && s >= 0) return Math.ceil(s * 1000);
    const d = Date.parse(ra);
    if (Number.isFinite(d)) return Math.max(0, d - nowMs);
  }
  if (headers.get('x-ratelimit-remaining') === '0') {
    const reset = Number(headers.get('x-ratelimit-reset'));
    if (Number.isFinite(reset) && reset > 0) return Math.max(0, reset * 1000 - nowMs) + 1000;
  }
  return undefined;
}

/** Classify a non-2xx response. */
export function classifyFailure(
  status: number,
  headers: Headers,
  bodyMessage: string,
  nowMs: number,
  appAuth = false,
): GitHubFailure {
  const retryAfterMs = retryAfterFrom(headers, nowMs);
  const rateLimited =
    status === 429 ||
    (status === 403 &&
      (headers.get('x-ratelimit-remaining') === '0' ||
        headers.get('retry-after') !== null ||
        /rate limit/i.test(bodyMessage)));
  // A 401 with an App installation token: the cached token may have been revoked or expired early.
  const retryable = rateLimited || status >= 500 || status === 408 || (status === 401 && appAuth);
  const message = `HTTP ${status}${rateLimited ? ' (rate limited)' : ''}${bodyMessage ? `: ${bodyMessage.slice(0, 300)}` : ''}`;
  return {
    ok: false,
    retryable,
    status,
    message,
    ...(retryAfterMs !== undefined && (rateLimited || status >= 500) ? { retryAfterMs } : {}),
  };
}

function splitRepo(repo: string): [string, string] | undefined {
  if (!REPO_RE.test(repo)) return undefined;
  const [o, r] = repo.split('/');
  return o && r && o !== '.' && o !== '..' && r !== '.' && r !== '..' ? [o, r] : undefined;
}

export class GitHubClient {
  readonly baseUrl: string;

  constructor(private readonly opts: GitHubClientOptions) {
    const base = (opts.baseUrl ?? DEFAULT_GITHUB_API_URL).replace(/\/+$/, '');
    const u = new URL(base); // throws on garbage: configuration is validated at start
    if (u.protocol !== 'https:' && u.protocol !== 'http:')
      throw new Error(`GitHub API URL must be http(s): ${base}`);
    this.baseUrl = base;
  }

  /**
   * POST /repos/{o}/{r}/actions/workflows/{file}/dispatches (204). Not idempotent: every call starts a run.
   * workflowFile: a file name (deploy.yml), a catalog path (.github/workflows/deploy.yml) or a numeric id.
   */
  dispatchWorkflow(
    repo: string,
    workflowFile: string,
    ref: string,
    inputs: Record<string, string> = {},
    o: CallOptions = {},
  ): Promise<GitHubOutcome<null>> {
    const rr = splitRepo(repo);
    if (!rr) return Promise.resolve(refused(`invalid repository "${repo}"`));
    // The catalog names workflows by path (.github/workflows/deploy.yml); the API wants the file name.
    const file = workflowFile.replace(/^\.?\/?\.github\/workflows\//, '');
    if (!WORKFLOW_FILE_RE.test(file))
      return Promise.resolve(refused(`invalid workflow file "${workflowFile.slice(0, 200)}"`));
    if (!ref || ref.length > 255) return Promise.resolve(refused('invalid ref'));
    return this.request<null>(
      'POST',
      `/repos/${rr[0]}/${rr[1]}/actions/workflows/${encodeURIComponent(file)}/dispatches`,
      repo,
      { ref, inputs },
      o,
    );
  }

  /**
   * POST {base}{reviewPath} with {environment_name, state, comment} (204). reviewPath must be the relative
   * /repos/{o}/{r}/actions/runs/{id}/deployment_protection_rule path; absolute URLs are refused (never follow
   * a URL out of a webhook payload to another host).
   */
  reviewProtectionRule(
    reviewPath: string,
    input: ProtectionReviewInput,
    o: CallOptions = {},
  ): Promise<GitHubOutcome<null>> {
    if (!REVIEW_PATH_RE.test(reviewPath))
      return Promise.resolve(refused(`refused review path "${reviewPath.slice(0, 200)}"`));
    const repo = reviewPath.split('/').slice(2, 4).join('/');
    if (!splitRepo(repo))
      return Promise.resolve(refused(`refused review path "${reviewPath.slice(0, 200)}"`));
    if (input.state !== 'approved' && input.state !== 'rejected')
      return Promise.resolve(refused(`invalid review state "${String(input.state)}"`));
    if (!input.environment_name) return Promise.resolve(refused('missing environment_name'));
    return this.request<null>(
      'POST',
      reviewPath,
      repo,
      { environment_name: input.environment_name, state: input.state, comment: input.comment },
      o,
    );
  }

  /** POST /repos/{o}/{r}/statuses/{sha} (201). Idempotent in effect: the latest status per context wins. */
  createCommitStatus(
    repo: string,
    sha: string,
    input: CommitStatusInput,
    o: CallOptions = {},
  ): Promise<GitHubOutcome<{ id: number } | null>> {
    const rr = splitRepo(repo);
    if (!rr) return Promise.resolve(refused(`invalid repository "${repo}"`));
    if (!SHA_RE.test(sha)) return Promise.resolve(refused(`invalid commit sha "${sha.slice(0, 80)}"`));
    const body: Record<string, string> = { state: input.state, context: input.context };
    // GitHub limits the description to 140 characters.
    if (input.description)
      body.description =
        input.description.length > 140 ? `${input.description.slice(0, 139)}…` : input.description;
    if (input.target_url) body.target_url = input.target_url;
    return this.request('POST', `/repos/${rr[0]}/${rr[1]}/statuses/${sha.toLowerCase()}`, repo, body, o);
  }

  /** GET /repos/{o}/{r}/actions/runs/{id}/artifacts, all pages (up to 1000 artifacts). */
  async listRunArtifacts(
    repo: string,
    runId: number,
    o: CallOptions = {},
  ): Promise<GitHubOutcome<RunArtifact[]>> {
    const rr = splitRepo(repo);
    if (!rr) return refused(`invalid repository "${repo}"`);
    if (!Number.isSafeInteger(runId) || runId <= 0) return refused(`invalid run id ${runId}`);
    const out: RunArtifact[] = [];
    for (let page = 1; page <= 10; page++) {
      const r = await this.request<{ total_count?: number; artifacts?: unknown[] }>(
        'GET',
        `/repos/${rr[0]}/${rr[1]}/actions/runs/${runId}/artifacts?per_page=100&page=${page}`,
        repo,
        undefined,
        o,
      );
      if (!r.ok) return r;
      const list = Array.isArray(r.data?.artifacts) ? r.data.artifacts : [];
      for (const a of list) {
        const x = a as Record<string, unknown>;
        if (typeof x.id !== 'number' || typeof x.name !== 'string') continue;
        out.push({
          id: x.id,
          name: x.name,
          size_in_bytes: typeof x.size_in_bytes === 'number' ? x.size_in_bytes : 0,
          archive_download_url: typeof x.archive_download_url === 'string' ? x.archive_download_url : null,
          expired: x.expired === true,
          created_at: typeof x.created_at === 'string' ? x.created_at : null,
          updated_at: typeof x.updated_at === 'string' ? x.updated_at : null,
        });
      }
      const total = typeof r.data?.total_count === 'number' ? r.data.total_count : out.length;
      if (list.length < 100 || out.length >= total) break;
    }
    return { ok: true, data: out, status: 200 };
  }

  /** One authenticated call; `path` is relative to the API base. */
  async request<T>(
    method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
    path: string,
    repo: string,
    body: unknown,
    o: RequestOptions = {},
  ): Promise<GitHubOutcome<T>> {
    if (!path.startsWith('/') || path.startsWith('//') || path.includes('://'))
      return refused('refused non-relative path');
    const now = this.opts.clock ?? Date.now;
    const auth = o.asApp
      ? this.opts.auth.appAuthorization()
      : await this.opts.auth.authorization(repo, {
          ...(o.installationId != null ? { installationId: o.installationId } : {}),
          ...(o.signal ? { signal: o.signal } : {}),
        });
    if (!auth.ok) return { ...auth, message: `auth: ${auth.message}` };
    const headers: Record<string, string> = {
      accept: 'application/vnd.github+json',
      authorization: auth.authorization,
      'user-agent': this.opts.userAgent ?? 'lanes',
      'x-github-api-version': '2022-11-28',
    };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const timeout = AbortSignal.timeout(this.opts.timeoutMs ?? 15_000);
    const started = now();
    let res: Response;
    try {
      res = await (this.opts.fetch ?? fetch)(this.baseUrl + path, {
        method,
        headers,
        redirect: 'manual',
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: o.signal ? AbortSignal.any([o.signal, timeout]) : timeout,
      });
    } catch (e) {
      const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      this.opts.log?.warn({ method, path, err: message }, 'github call failed (network)');
      return { ok: false, retryable: true, status: 0, message: `network: ${message}` };
    }
    let text = '';
    try {
      text = await res.text();
    } catch {
      text = '';
    }
    let json: unknown = null;
    if (text) {
      try {
        json = JSON.parse(text);
      } catch {
        json = null;
      }
    }
    this.opts.log?.debug({ method, path, status: res.status, ms: now() - started }, 'github call');
    if (res.status >= 200 && res.status < 300) {
      const link = res.headers.get('link');
      return { ok: true, data: json as T, status: res.status, ...(link ? { link } : {}) };
    }
    const bodyMessage =
      json !== null && typeof json === 'object' && typeof (json as { message?: unknown }).message === 'string'
        ? (json as { message: string }).message
        : text.slice(0, 200);
    if (res.status === 401) this.opts.auth.invalidate();
    const failure = classifyFailure(
      res.status,
      res.headers,
      bodyMessage,
      now(),
      this.opts.auth.kind === 'app',
    );
    this.opts.log?.warn(
      { method, path, status: res.status, retryable: failure.retryable, retryAfterMs: failure.retryAfterMs },
      'github call refused',
    );
    return failure;
  }
}
