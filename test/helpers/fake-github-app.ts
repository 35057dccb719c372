// A local stand-in for the GitHub endpoints the App set-up and the reconcile loop use, layered on the shared
// fake REST server (test/helpers/fake-github.ts, which checks tokens and App JWTs). It adds, with GitHub's
// shapes: the manifest code conversion (unauthenticated, single-use), the App's hook deliveries (App JWT only,
// newest first, cursor pagination through the Link header) and their redelivery, workflow runs (filter on
// created, per_page/page), jobs of a run attempt, compare, and file contents (base64, ?ref=).
import {
  startFakeGitHub,
  type FakeGitHub,
  type FakeGitHubOptions,
  type FakeResponse,
} from './fake-github.ts';

export interface FakeDelivery {
  id: number;
  guid: string;
  delivered_at: string;
  redelivery: boolean;
  status: string;
  status_code: number;
  event: string;
  action: string | null;
}

export interface FakeRun {
  id: number;
  name: string;
  path: string;
  head_sha: string;
  head_branch: string;
  event: string;
  status: string;
  conclusion: string | null;
  run_attempt: number;
  created_at: string;
  updated_at: string;
}

export interface FakeJob {
  id: number;
  run_id: number;
  run_attempt: number;
  name: string;
  status: string;
  conclusion: string | null;
}

export interface FakeGitHubApp extends FakeGitHub {
  /** Manifest codes the conversion endpoint accepts (each once). */
  conversions: Map<string, Record<string, unknown>>;
  deliveries: FakeDelivery[];
  /** Delivery ids whose redelivery was requested. */
  redelivered: number[];
  runs: Map<string, FakeRun[]>;
  jobs: Map<string, FakeJob[]>;
  /** repo → "base...head" → compare body. */
  compares: Map<string, Map<string, Record<string, unknown>>>;
  /** `${repo}@${ref}:${path}` → file text. */
  files: Map<string, string>;
}

function page<T>(items: T[], query: Record<string, string>): { slice: T[]; more: boolean } {
  const perPage = Math.min(100, Math.max(1, Number(query.per_page ?? 30)));
  const p = Math.max(1, Number(query.page ?? 1));
  const slice = items.slice((p - 1) * perPage, p * perPage);
  return { slice, more: p * perPage < items.length };
}

/** GitHub's created filter: ">=ISO", "<=ISO", "A..B" or a date. */
function createdMatches(created: string, filter: string | undefined): boolean {
  if (!filter) return true;
  const t = Date.parse(created);
  if (filter.startsWith('>=')) return t >= Date.parse(filter.slice(2));
  if (filter.startsWith('<=')) return t <= Date.parse(filter.slice(2));
  const range = filter.split('..');
  if (range.length === 2 && range[0] && range[1])
    return t >= Date.parse(range[0]) && t <= Date.parse(range[1]);
  return created.startsWith(filter);
}

export async function startFakeGitHubApp(opts: FakeGitHubOptions = {}): Promise<FakeGitHubApp> {
  const base = await startFakeGitHub(opts);
  const app: FakeGitHubApp = Object.assign(base, {
    conversions: new Map<string, Record<string, unknown>>(),
    deliveries: [] as FakeDelivery[],
    redelivered: [] as number[],
    runs: new Map<string, FakeRun[]>(),
    jobs: new Map<string, FakeJob[]>(),
    compares: new Map<string, Map<string, Record<string, unknown>>>(),
    files: new Map<string, string>(),
  });
  const notFound: FakeResponse = { status: 404, body: { message: 'Not Found' } };
  const unauthorized: FakeResponse = { status: 401, body: { message: 'Bad credentials' } };

  base.setResponder((call): FakeResponse | undefined => {
    const p = call.path;
    let m: RegExpExecArray | null;
    if ((m = /^\/app-manifests\/([^/]+)\/conversions$/.exec(p)) && call.method === 'POST') {
      const body = app.conversions.get(decodeURIComponent(m[1] ?? ''));
      if (!body) return notFound;
      app.conversions.delete(decodeURIComponent(m[1] ?? ''));
      return { status: 201, body };
    }
    if (p === '/app/hook/deliveries' && call.method === 'GET') {
      if (call.auth !== 'app-jwt') return unauthorized;
      const perPage = Math.min(100, Math.max(1, Number(call.query.per_page ?? 30)));
      const sorted = [...app.deliveries].sort((a, b) => b.id - a.id);
      // The cursor is opaque to clients; here it is the id to continue below.
      const from = call.query.cursor ? sorted.findIndex((d) => d.id < Number(call.query.cursor)) : 0;
      const slice = from < 0 ? [] : sorted.slice(from, from + perPage);
      const last = slice[slice.length - 1];
      const more = from >= 0 && from + perPage < sorted.length && last !== undefined;
      const headers: Record<string, string> = more
        ? { link: `<http://127.0.0.1/app/hook/deliveries?per_page=${perPage}&cursor=${last.id}>; rel="next"` }
        : {};
      return { status: 200, headers, body: slice };
    }
    if ((m = /^\/app\/hook\/deliveries\/(\d+)\/attempts$/.exec(p)) && call.method === 'POST') {
      if (call.auth !== 'app-jwt') return unauthorized;
      const id = Number(m[1]);
      if (!app.deliveries.some((d) => d.id === id)) return notFound;
      app.redelivered.push(id);
      return { status: 202, body: {} };
    }
    const repoMatch = /^\/repos\/([^/]+\/[^/]+)(\/.*)$/.exec(p);
    if (!repoMatch || call.method !== 'GET') return undefined;
    const repo = repoMatch[1] ?? '';
    const rest = repoMatch[2] ?? '';
    if (call.auth === 'none' || call.auth === 'invalid') return unauthorized;
    if (rest === '/actions/runs') {
      const all = (app.runs.get(repo) ?? [])
        .filter((r) => createdMatches(r.created_at, call.query.created))
        .sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at));
      const { slice } = page(all, call.query);
      return { status: 200, body: { total_count: all.length, workflow_runs: slice } };
    }
    if ((m = /^\/actions\/runs\/(\d+)\/attempts\/(\d+)\/jobs$/.exec(rest))) {
      const runId = Number(m[1]);
      const attempt = Number(m[2]);
      const all = (app.jobs.get(repo) ?? []).filter((j) => j.run_id === runId && j.run_attempt === attempt);
      if (!(app.runs.get(repo) ?? []).some((r) => r.id === runId)) return notFound;
      const { slice } = page(all, call.query);
      return { status: 200, body: { total_count: all.length, jobs: slice } };
    }
    if ((m = /^\/compare\/(.+)$/.exec(rest))) {
      const body = app.compares.get(repo)?.get(decodeURIComponent(m[1] ?? ''));
      return body ? { status: 200, body } : notFound;
    }
    if ((m = /^\/contents\/(.+)$/.exec(rest))) {
      const path = decodeURIComponent(m[1] ?? '');
      const text = app.files.get(`${repo}@${call.query.ref ?? 'main'}:${path}`);
      if (text === undefined) return notFound;
      return {
        status: 200,
        body: {
          type: 'file',
          path,
          sha: 'f'.repeat(40),
          encoding: 'base64',
          // GitHub wraps base64 at 60 columns; clients must tolerate the newlines.
          content: (
            Buffer.from(text, 'utf8')
              .toString('base64')
              .match(/.{1,60}/g) ?? []
          ).join('\n'),
        },
      };
    }
    return undefined;
  });
  return app;
}
