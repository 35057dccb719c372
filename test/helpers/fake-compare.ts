// GitHub's compare endpoint for the local stand-in (test/helpers/fake-github.ts): a responder serving
// GET /repos/{o}/{r}/compare/{base}...{head} from a small commit history, in GitHub's shape (commits oldest
// first, paged by per_page/page, total_commits). Compose it with other responders through setResponder.
import type { FakeResponse, RecordedCall, Responder } from './fake-github.ts';

export interface FakeCommit {
  sha: string;
  message: string;
  login: string;
}

const COMPARE_RE = /^\/repos\/([^/]+\/[^/]+)\/compare\/([^/.]+)\.\.\.([^/.]+)$/;

/** Whether a recorded call is a compare; its base and head. */
export function compareOf(call: RecordedCall): { repo: string; base: string; head: string } | undefined {
  const m = COMPARE_RE.exec(call.path);
  return m && call.method === 'GET' ? { repo: m[1] ?? '', base: m[2] ?? '', head: m[3] ?? '' } : undefined;
}

/**
 * Serves compares from `history` (oldest first): the commits after `base` up to and including `head`.
 * A base or head not in the history answers 404 like GitHub.
 */
export function compareResponder(history: readonly FakeCommit[]): Responder {
  return (call): FakeResponse | undefined => {
    const c = compareOf(call);
    if (!c) return undefined;
    const b = history.findIndex((x) => x.sha === c.base);
    const h = history.findIndex((x) => x.sha === c.head);
    if (b < 0 || h < 0) return { status: 404, body: { message: 'Not Found' } };
    const all = history.slice(b + 1, h + 1);
    const perPage = Math.min(250, Number(call.query.per_page ?? 250) || 250);
    const page = Math.max(1, Number(call.query.page ?? 1) || 1);
    return {
      status: 200,
      body: {
        status: all.length > 0 ? 'ahead' : 'identical',
        ahead_by: all.length,
        behind_by: 0,
        total_commits: all.length,
        commits: all.slice((page - 1) * perPage, page * perPage).map((x) => ({
          sha: x.sha,
          html_url: `https://github.com/${c.repo}/commit/${x.sha}`,
          commit: { message: x.message, author: { name: x.login, date: '2026-04-01T07:00:00Z' } },
          author: { login: x.login },
        })),
        files: [],
      },
    };
  };
}
