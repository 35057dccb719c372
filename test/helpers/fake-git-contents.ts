// Git contents for the GitHub stand-in (test/helpers/fake-github.ts `setResponder`): branches with commits
// holding files, served the way GitHub's REST API does — GET /repos/{o}/{r} (default_branch),
// GET /repos/{o}/{r}/commits/{ref} (the head sha of a branch, or a sha) and
// GET /repos/{o}/{r}/contents/{path}?ref= (base64 content). An empty run list for
// GET /repos/{o}/{r}/actions/runs keeps a reconcile pass quiet. Unauthenticated calls get 401.
import { createHash } from 'node:crypto';
import type { RecordedCall, Responder, FakeResponse } from './fake-github.ts';

export interface FakeGitRepo {
  /** Commits `files` on `branch` (default main) and returns the new commit's sha. */
  commit(files: Record<string, string>, branch?: string): string;
  responder: Responder;
}

export function fakeGitRepo(repo: string, defaultBranch = 'main'): FakeGitRepo {
  const commits = new Map<string, Record<string, string>>();
  const heads = new Map<string, string>();
  let n = 0;
  const authed = (c: RecordedCall) => c.auth !== 'none' && c.auth !== 'invalid';
  const unauthorized: FakeResponse = { status: 401, body: { message: 'Bad credentials' } };
  const notFound: FakeResponse = { status: 404, body: { message: 'Not Found' } };
  return {
    commit(files, branch = defaultBranch) {
      const parent = heads.get(branch);
      const sha = createHash('sha1').update(`${repo}:${branch}:${n++}`).digest('hex');
      commits.set(sha, { ...(parent ? commits.get(parent) : {}), ...files });
      heads.set(branch, sha);
      return sha;
    },
    responder(call) {
      if (call.method !== 'GET') return undefined;
      const base = `/repos/${repo}`;
      if (call.path === base)
        return authed(call)
          ? { status: 200, body: { full_name: repo, default_branch: defaultBranch } }
          : unauthorized;
      if (!call.path.startsWith(`${base}/`)) return undefined;
      const rest = call.path.slice(base.length + 1);
      if (rest === 'actions/runs') return { status: 200, body: { total_count: 0, workflow_runs: [] } };
      if (rest.startsWith('commits/')) {
        if (!authed(call)) return unauthorized;
        const ref = decodeURIComponent(rest.slice('commits/'.length));
        const sha = heads.get(ref) ?? (commits.has(ref) ? ref : undefined);
        return sha ? { status: 200, body: { sha } } : notFound;
      }
      if (rest.startsWith('contents/')) {
        if (!authed(call)) return unauthorized;
        const path = rest.slice('contents/'.length).split('/').map(decodeURIComponent).join('/');
        const ref = call.query.ref ?? heads.get(defaultBranch) ?? '';
        const text = commits.get(heads.get(ref) ?? ref)?.[path];
        if (text === undefined) return notFound;
        return {
          status: 200,
          body: { type: 'file', encoding: 'base64', path, content: Buffer.from(text).toString('base64') },
        };
      }
      return undefined;
    },
  };
}
