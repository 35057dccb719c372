// Catalog from Git, the GitHub side: which push changes the followed lanes.yaml, and the REST reads that
// fetch it. Guarantees: a push is a candidate only for the followed repository and branch; a push whose
// commit list cannot prove the file untouched (GitHub caps the list, or omits it) counts as touching it, so a
// change is never missed (a fetch of an unchanged file adds no version); the file is read at the pushed
// commit sha, never at a moving branch name, so what is validated is what that commit holds.
import type { CallOptions, GitHubClient, GitHubOutcome } from './github-client.ts';

export interface CatalogWatch {
  repo: string; // owner/name
  path: string; // lanes.yaml
  /** The branch followed; undefined: the repository's default branch (from the push's own payload). */
  branch?: string | undefined;
}

function obj(x: unknown): Record<string, unknown> | undefined {
  return typeof x === 'object' && x !== null && !Array.isArray(x)
    ? (x as Record<string, unknown>)
    : undefined;
}

const SHA_RE = /^[0-9a-f]{40}$/;
/** GitHub lists at most 20 commits in a push payload (2048 with their files on some hosts). */
const PUSH_COMMITS_SHOWN = 20;

function touches(commit: unknown, path: string): boolean {
  const c = obj(commit);
  if (!c) return false;
  return ['added', 'modified', 'removed'].some(
    (k) => Array.isArray(c[k]) && (c[k] as unknown[]).some((f) => f === path),
  );
}

/** The pushed commit sha when this push may change the followed file; undefined otherwise. */
export function catalogPushSha(event: string, payload: unknown, watch: CatalogWatch): string | undefined {
  if (event !== 'push') return undefined;
  const p = obj(payload);
  const repo = obj(p?.repository);
  if (!p || !repo || repo.full_name !== watch.repo) return undefined;
  const branch = watch.branch ?? (typeof repo.default_branch === 'string' ? repo.default_branch : undefined);
  if (!branch || p.ref !== `refs/heads/${branch}`) return undefined;
  const sha = typeof p.after === 'string' ? p.after.toLowerCase() : '';
  if (!SHA_RE.test(sha) || /^0+$/.test(sha)) return undefined; // a deleted branch has nothing to read
  const commits = Array.isArray(p.commits) ? p.commits : undefined;
  const complete = commits !== undefined && commits.length > 0 && commits.length < PUSH_COMMITS_SHOWN;
  if (complete && !commits.some((c) => touches(c, watch.path))) return undefined;
  return sha;
}

function splitRepo(repo: string): [string, string] | undefined {
  const m = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/.exec(repo);
  return m ? [m[1] as string, m[2] as string] : undefined;
}

function refusedRepo(repo: string): GitHubOutcome<never> {
  return { ok: false, retryable: false, status: 0, message: `invalid repository "${repo}"` };
}

/** GET /repos/{o}/{r}/contents/{path}?ref={sha}: the file's text (base64 decoded). */
export async function fetchCatalogText(
  client: GitHubClient,
  repo: string,
  path: string,
  sha: string,
  o: CallOptions = {},
): Promise<GitHubOutcome<string>> {
  const rr = splitRepo(repo);
  if (!rr) return refusedRepo(repo);
  const file = path.split('/').map(encodeURIComponent).join('/');
  const r = await client.request<unknown>(
    'GET',
    `/repos/${rr[0]}/${rr[1]}/contents/${file}?ref=${encodeURIComponent(sha)}`,
    repo,
    undefined,
    o,
  );
  if (!r.ok) return r;
  const body = obj(r.data);
  if (!body || body.type !== 'file' || body.encoding !== 'base64' || typeof body.content !== 'string')
    return { ok: false, retryable: false, status: r.status, message: `${path} at ${sha} is not a file` };
  return { ok: true, status: r.status, data: Buffer.from(body.content, 'base64').toString('utf8') };
}

/** The commit sha at the head of `branch` (or of the default branch): what reconcile compares against. */
export async function fetchBranchHead(
  client: GitHubClient,
  repo: string,
  branch: string | undefined,
  o: CallOptions = {},
): Promise<GitHubOutcome<string>> {
  const rr = splitRepo(repo);
  if (!rr) return refusedRepo(repo);
  let ref = branch;
  if (!ref) {
    const r = await client.request<unknown>('GET', `/repos/${rr[0]}/${rr[1]}`, repo, undefined, o);
    if (!r.ok) return r;
    const b = obj(r.data)?.default_branch;
    if (typeof b !== 'string')
      return { ok: false, retryable: false, status: r.status, message: `${repo} has no default branch` };
    ref = b;
  }
  const c = await client.request<unknown>(
    'GET',
    `/repos/${rr[0]}/${rr[1]}/commits/${encodeURIComponent(ref)}`,
    repo,
    undefined,
    o,
  );
  if (!c.ok) return c;
  const sha = obj(c.data)?.sha;
  if (typeof sha !== 'string' || !SHA_RE.test(sha.toLowerCase()))
    return { ok: false, retryable: false, status: c.status, message: `no commit at ${repo}@${ref}` };
  return { ok: true, status: c.status, data: sha.toLowerCase() };
}
