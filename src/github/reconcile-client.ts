// GitHub REST reads for the reconcile loop (missed deliveries, runs no webhook announced) and the change
// summary (compare, catalog file): a thin layer over GitHubClient.request, so every call has the client's
// guarantees — relative paths only, typed outcomes classified retryable or final, tokens never logged.
// Each list is bounded (maxPages) so one pass can never walk an unbounded history. Items keep GitHub's raw
// object (`raw`) because the reconciler feeds runs and jobs back through the inbox in webhook shape.
import type { CallOptions, GitHubClient, GitHubFailure, GitHubOutcome } from './github-client.ts';

export interface HookDelivery {
  id: number;
  guid: string;
  deliveredAt: string;
  redelivery: boolean;
  /** GitHub's description, e.g. "OK" or "Invalid HTTP Response: 503". */
  status: string;
  statusCode: number;
  event: string;
  action: string | null;
  installationId: number | null;
  repositoryId: number | null;
}

export interface WorkflowRunSummary {
  id: number;
  name: string | null;
  path: string | null;
  headSha: string;
  headBranch: string | null;
  event: string;
  status: string | null;
  conclusion: string | null;
  runAttempt: number;
  createdAt: string;
  updatedAt: string | null;
  raw: Record<string, unknown>;
}

export interface WorkflowJobSummary {
  id: number;
  runId: number;
  runAttempt: number;
  name: string;
  status: string | null;
  conclusion: string | null;
  raw: Record<string, unknown>;
}

export interface CompareCommit {
  sha: string;
  message: string;
  author: string | null;
  date: string | null;
  /** The commit's page on GitHub (`html_url`). */
  url: string | null;
}

export interface CompareFile {
  filename: string;
  status: string;
  additions: number;
  deletions: number;
}

export interface Comparison {
  /** "ahead", "behind", "identical" or "diverged". */
  status: string;
  aheadBy: number;
  behindBy: number;
  totalCommits: number;
  commits: CompareCommit[];
  files: CompareFile[];
}

export interface FileContents {
  path: string;
  sha: string;
  text: string;
}

const REPO_RE = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
// Branch, tag or sha; refs may contain "/", never "..", whitespace or URL metacharacters.
const REF_RE = /^(?!.*\.\.)(?!\/)[A-Za-z0-9._/-]{1,255}$/;
const CREATED_RE = /^(?:[<>]=?)?[0-9T:+.Z-]+(?:\.\.[0-9T:+.Z-]+)?$/;

function refused(message: string): GitHubFailure {
  return { ok: false, retryable: false, status: 0, message };
}

function validRepo(repo: string): boolean {
  if (!REPO_RE.test(repo)) return false;
  return repo.split('/').every((p) => p !== '.' && p !== '..');
}

const num = (v: unknown, d = 0): number => (typeof v === 'number' && Number.isFinite(v) ? v : d);
const strOr = (v: unknown, d: string | null = null): string | null => (typeof v === 'string' ? v : d);
const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object';

/** The cursor of the rel="next" link, if any. Only the cursor is taken: the URL itself is never followed. */
export function nextCursor(link: string | undefined): string | null {
  if (!link) return null;
  for (const part of link.split(',')) {
    const m = /<([^>]+)>\s*;\s*rel="next"/.exec(part);
    if (!m?.[1]) continue;
    try {
      return new URL(m[1], 'http://x').searchParams.get('cursor');
    } catch {
      return null;
    }
  }
  return null;
}

function delivery(x: Record<string, unknown>): HookDelivery | undefined {
  if (typeof x.id !== 'number' || typeof x.delivered_at !== 'string') return undefined;
  return {
    id: x.id,
    guid: strOr(x.guid, '') ?? '',
    deliveredAt: x.delivered_at,
    redelivery: x.redelivery === true,
    status: strOr(x.status, '') ?? '',
    statusCode: num(x.status_code),
    event: strOr(x.event, '') ?? '',
    action: strOr(x.action),
    installationId: typeof x.installation_id === 'number' ? x.installation_id : null,
    repositoryId: typeof x.repository_id === 'number' ? x.repository_id : null,
  };
}

/** A delivery GitHub could not hand to Lanes (no 2xx from our endpoint). */
export function deliveryFailed(d: HookDelivery): boolean {
  return d.statusCode < 200 || d.statusCode >= 300;
}

function run(x: Record<string, unknown>): WorkflowRunSummary | undefined {
  if (typeof x.id !== 'number' || typeof x.head_sha !== 'string' || typeof x.created_at !== 'string')
    return undefined;
  return {
    id: x.id,
    name: strOr(x.name),
    path: strOr(x.path),
    headSha: x.head_sha,
    headBranch: strOr(x.head_branch),
    event: strOr(x.event, '') ?? '',
    status: strOr(x.status),
    conclusion: strOr(x.conclusion),
    runAttempt: num(x.run_attempt, 1),
    createdAt: x.created_at,
    updatedAt: strOr(x.updated_at),
    raw: x,
  };
}

function job(x: Record<string, unknown>): WorkflowJobSummary | undefined {
  if (typeof x.id !== 'number' || typeof x.run_id !== 'number' || typeof x.name !== 'string')
    return undefined;
  return {
    id: x.id,
    runId: x.run_id,
    runAttempt: num(x.run_attempt, 1),
    name: x.name,
    status: strOr(x.status),
    conclusion: strOr(x.conclusion),
    raw: x,
  };
}

export class ReconcileClient {
  constructor(private readonly gh: GitHubClient) {}

  /**
   * GET /app/hook/deliveries (App JWT), newest first, following the Link cursor. Stops at maxPages (default
   * 10 × 100) or once a page reaches deliveries older than `since` (ISO), which are left out.
   */
  async listAppHookDeliveries(
    opts: { since?: string; perPage?: number; maxPages?: number; signal?: AbortSignal } = {},
  ): Promise<GitHubOutcome<HookDelivery[]>> {
    const perPage = Math.min(100, Math.max(1, opts.perPage ?? 100));
    const sinceMs = opts.since !== undefined ? Date.parse(opts.since) : NaN;
    if (opts.since !== undefined && !Number.isFinite(sinceMs))
      return refused(`invalid since "${opts.since}"`);
    const out: HookDelivery[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < (opts.maxPages ?? 10); page++) {
      const q = `per_page=${perPage}${cursor !== null ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const r = await this.gh.request<unknown[]>('GET', `/app/hook/deliveries?${q}`, '', undefined, {
        asApp: true,
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
      if (!r.ok) return r;
      let older = false;
      for (const x of Array.isArray(r.data) ? r.data : []) {
        const d = isObj(x) ? delivery(x) : undefined;
        if (!d) continue;
        if (Number.isFinite(sinceMs) && Date.parse(d.deliveredAt) < sinceMs) older = true;
        else out.push(d);
      }
      cursor = nextCursor(r.link);
      if (older || cursor === null) break;
    }
    return { ok: true, data: out, status: 200 };
  }

  /** POST /app/hook/deliveries/{id}/attempts (202): GitHub sends the same delivery (same GUID) again. */
  redeliverAppHookDelivery(deliveryId: number, o: CallOptions = {}): Promise<GitHubOutcome<unknown>> {
    if (!Number.isSafeInteger(deliveryId) || deliveryId <= 0)
      return Promise.resolve(refused(`invalid delivery id ${deliveryId}`));
    return this.gh.request('POST', `/app/hook/deliveries/${deliveryId}/attempts`, '', undefined, {
      asApp: true,
      ...(o.signal ? { signal: o.signal } : {}),
    });
  }

  /**
   * GET /repos/{o}/{r}/actions/runs?created=…&per_page=…, newest first, up to maxPages (default 5).
   * `created` uses GitHub's search syntax: ">=2026-12-01T10:00:00Z" or "A..B".
   */
  async listWorkflowRuns(
    repo: string,
    opts: { created?: string; perPage?: number; maxPages?: number } & CallOptions = {},
  ): Promise<GitHubOutcome<WorkflowRunSummary[]>> {
    if (!validRepo(repo)) return refused(`invalid repository "${repo}"`);
    if (opts.created !== undefined && !CREATED_RE.test(opts.created))
      return refused(`invalid created filter "${opts.created.slice(0, 80)}"`);
    const perPage = Math.min(100, Math.max(1, opts.perPage ?? 100));
    const out: WorkflowRunSummary[] = [];
    for (let page = 1; page <= (opts.maxPages ?? 5); page++) {
      const created = opts.created !== undefined ? `&created=${encodeURIComponent(opts.created)}` : '';
      const r = await this.gh.request<{ total_count?: unknown; workflow_runs?: unknown }>(
        'GET',
        `/repos/${repo}/actions/runs?per_page=${perPage}&page=${page}${created}`,
        repo,
        undefined,
        opts,
      );
      if (!r.ok) return r;
      const list = Array.isArray(r.data?.workflow_runs) ? (r.data.workflow_runs as unknown[]) : [];
      for (const x of list) {
        const s = isObj(x) ? run(x) : undefined;
        if (s) out.push(s);
      }
      if (list.length < perPage || out.length >= num(r.data?.total_count, out.length)) break;
    }
    return { ok: true, data: out, status: 200 };
  }

  /** GET /repos/{o}/{r}/actions/runs/{id}/attempts/{n}/jobs, all pages (up to 10 × 100). */
  async listJobsForRunAttempt(
    repo: string,
    runId: number,
    attempt: number,
    o: CallOptions = {},
  ): Promise<GitHubOutcome<WorkflowJobSummary[]>> {
    if (!validRepo(repo)) return refused(`invalid repository "${repo}"`);
    if (!Number.isSafeInteger(runId) || runId <= 0) return refused(`invalid run id ${runId}`);
    if (!Number.isSafeInteger(attempt) || attempt <= 0) return refused(`invalid attempt ${attempt}`);
    const out: WorkflowJobSummary[] = [];
    for (let page = 1; page <= 10; page++) {
      const r = await this.gh.request<{ total_count?: unknown; jobs?: unknown }>(
        'GET',
        `/repos/${repo}/actions/runs/${runId}/attempts/${attempt}/jobs?per_page=100&page=${page}`,
        repo,
        undefined,
        o,
      );
      if (!r.ok) return r;
      const list = Array.isArray(r.data?.jobs) ? (r.data.jobs as unknown[]) : [];
      for (const x of list) {
        const s = isObj(x) ? job(x) : undefined;
        if (s) out.push(s);
      }
      if (list.length < 100 || out.length >= num(r.data?.total_count, out.length)) break;
    }
    return { ok: true, data: out, status: 200 };
  }

  /** GET /repos/{o}/{r}/compare/{base}...{head}: commits (up to maxPages × 100) and the files of page 1. */
  async compareCommits(
    repo: string,
    base: string,
    head: string,
    opts: { maxPages?: number } & CallOptions = {},
  ): Promise<GitHubOutcome<Comparison>> {
    if (!validRepo(repo)) return refused(`invalid repository "${repo}"`);
    for (const ref of [base, head])
      if (!REF_RE.test(ref)) return refused(`invalid ref "${ref.slice(0, 80)}"`);
    let result: Comparison | undefined;
    for (let page = 1; page <= (opts.maxPages ?? 3); page++) {
      const r = await this.gh.request<Record<string, unknown>>(
        'GET',
        `/repos/${repo}/compare/${base}...${head}?per_page=100&page=${page}`,
        repo,
        undefined,
        opts,
      );
      if (!r.ok) return r;
      const d = isObj(r.data) ? r.data : {};
      const commits = (Array.isArray(d.commits) ? (d.commits as unknown[]) : [])
        .filter(isObj)
        .map((c): CompareCommit => {
          const commit = isObj(c.commit) ? c.commit : {};
          const author = isObj(c.author) ? c.author : {};
          const cAuthor = isObj(commit.author) ? commit.author : {};
          return {
            sha: strOr(c.sha, '') ?? '',
            message: strOr(commit.message, '') ?? '',
            author: strOr(author.login) ?? strOr(cAuthor.name),
            date: strOr(cAuthor.date),
            url: strOr(c.html_url),
          };
        });
      if (!result) {
        result = {
          status: strOr(d.status, 'unknown') ?? 'unknown',
          aheadBy: num(d.ahead_by),
          behindBy: num(d.behind_by),
          totalCommits: num(d.total_commits, commits.length),
          commits,
          files: (Array.isArray(d.files) ? (d.files as unknown[]) : []).filter(isObj).map((f) => ({
            filename: strOr(f.filename, '') ?? '',
            status: strOr(f.status, '') ?? '',
            additions: num(f.additions),
            deletions: num(f.deletions),
          })),
        };
      } else result.commits.push(...commits);
      if (commits.length < 100 || result.commits.length >= result.totalCommits) break;
    }
    return { ok: true, data: result ?? emptyComparison(), status: 200 };
  }

  /** GET /repos/{o}/{r}/contents/{path}?ref=: a file's text (files over GitHub's 1 MB inline limit are refused). */
  async getFileContents(
    repo: string,
    path: string,
    ref: string,
    o: CallOptions = {},
  ): Promise<GitHubOutcome<FileContents>> {
    if (!validRepo(repo)) return refused(`invalid repository "${repo}"`);
    if (!REF_RE.test(ref)) return refused(`invalid ref "${ref.slice(0, 80)}"`);
    const segments = path.split('/');
    if (path === '' || segments.some((s) => s === '' || s === '.' || s === '..'))
      return refused(`invalid path "${path.slice(0, 200)}"`);
    const r = await this.gh.request<Record<string, unknown>>(
      'GET',
      `/repos/${repo}/contents/${segments.map(encodeURIComponent).join('/')}?ref=${encodeURIComponent(ref)}`,
      repo,
      undefined,
      o,
    );
    if (!r.ok) return r;
    const d = isObj(r.data) ? r.data : {};
    if (d.type !== 'file') return refused(`${path} at ${ref} is not a file`);
    if (d.encoding !== 'base64' || typeof d.content !== 'string')
      return refused(`${path} at ${ref} is too large to read through the contents API`);
    return {
      ok: true,
      status: r.status,
      data: {
        path: strOr(d.path, path) ?? path,
        sha: strOr(d.sha, '') ?? '',
        text: Buffer.from(d.content.replace(/\s+/g, ''), 'base64').toString('utf8'),
      },
    };
  }
}

function emptyComparison(): Comparison {
  return { status: 'unknown', aheadBy: 0, behindBy: 0, totalCommits: 0, commits: [], files: [] };
}
