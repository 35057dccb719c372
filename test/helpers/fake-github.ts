// A local HTTP server standing in for the GitHub REST API (loopback only). It implements the endpoints Lanes
// calls, checks credentials like GitHub does (a static token, or App JWT → installation token with the JWT's
// RS256 signature verified against the App's public key), records every request (secrets redacted) and lets a
// test script failures with setResponder.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPublicKey, createVerify, randomBytes, type KeyObject } from 'node:crypto';

export type AuthKind = 'token' | 'installation' | 'app-jwt' | 'invalid' | 'none';

export interface RecordedCall {
  method: string;
  /** Path without the query string, e.g. /repos/o/r/actions/workflows/deploy.yml/dispatches */
  path: string;
  query: Record<string, string>;
  /** Request headers, lower-case; authorization replaced by "<scheme> [redacted]". */
  headers: Record<string, string>;
  /** How the request authenticated (checked by the server). */
  auth: AuthKind;
  /** Installation id of the installation token used, if any. */
  installationId: number | null;
  json: unknown;
}

export interface FakeResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export type Responder = (call: RecordedCall) => FakeResponse | undefined;

export interface FakeGitHubOptions {
  /** Accepted static token (token auth). */
  token?: string;
  /** GitHub App: JWTs must be signed by this key's private half and have iss = appId. */
  app?: { appId: string; publicKey: string | KeyObject; installationId: number };
  /** Installation token lifetime (default 1 hour). */
  installationTokenTtlMs?: number;
}

export interface FakeGitHub {
  url: string;
  calls: RecordedCall[];
  /** Installation tokens issued so far. */
  issuedTokens: { token: string; installationId: number; expiresAt: string }[];
  /** Return a response to override the default behaviour for a call, or undefined to let it through. */
  setResponder(fn: Responder | undefined): void;
  setArtifacts(repo: string, runId: number, artifacts: unknown[]): void;
  close(): Promise<void>;
}

function verifyJwt(jwt: string, key: KeyObject, appId: string): boolean {
  const parts = jwt.split('.');
  if (parts.length !== 3) return false;
  const [h, p, s] = parts as [string, string, string];
  try {
    const header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as { alg?: string };
    if (header.alg !== 'RS256') return false;
    const verifier = createVerify('RSA-SHA256');
    verifier.update(`${h}.${p}`);
    if (!verifier.verify(key, Buffer.from(s, 'base64url'))) return false;
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as {
      iss?: unknown;
      iat?: unknown;
      exp?: unknown;
    };
    const now = Math.floor(Date.now() / 1000);
    if (String(claims.iss) !== appId) return false;
    if (typeof claims.iat !== 'number' || typeof claims.exp !== 'number') return false;
    // GitHub: exp no more than 10 minutes into the future, iat not in the future (60 s drift allowed).
    if (claims.exp <= now || claims.exp - now > 600 || claims.iat > now + 60) return false;
    return true;
  } catch {
    return false;
  }
}

function redact(headers: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined) continue;
    const value = Array.isArray(v) ? v.join(', ') : v;
    out[k] = k === 'authorization' ? `${value.split(' ')[0] ?? ''} [redacted]` : value;
  }
  return out;
}

export async function startFakeGitHub(opts: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  const calls: RecordedCall[] = [];
  const issuedTokens: FakeGitHub['issuedTokens'] = [];
  const installationTokens = new Map<string, { installationId: number; expiresAtMs: number }>();
  const artifacts = new Map<string, unknown[]>();
  const appKey = opts.app
    ? typeof opts.app.publicKey === 'string'
      ? createPublicKey(opts.app.publicKey)
      : opts.app.publicKey
    : undefined;
  let responder: Responder | undefined;
  let statusId = 1;

  function authenticate(header: string | undefined): { kind: AuthKind; installationId: number | null } {
    if (!header) return { kind: 'none', installationId: null };
    const m = /^(?:Bearer|token) (.+)$/.exec(header);
    if (!m?.[1]) return { kind: 'invalid', installationId: null };
    const cred = m[1];
    if (opts.token !== undefined && cred === opts.token) return { kind: 'token', installationId: null };
    const inst = installationTokens.get(cred);
    if (inst)
      return inst.expiresAtMs > Date.now()
        ? { kind: 'installation', installationId: inst.installationId }
        : { kind: 'invalid', installationId: null };
    if (opts.app && appKey && cred.split('.').length === 3 && verifyJwt(cred, appKey, opts.app.appId))
      return { kind: 'app-jwt', installationId: null };
    return { kind: 'invalid', installationId: null };
  }

  function route(call: RecordedCall): FakeResponse {
    const p = call.path;
    const unauthorized: FakeResponse = { status: 401, body: { message: 'Bad credentials' } };
    let m: RegExpExecArray | null;

    if ((m = /^\/app\/installations\/(\d+)\/access_tokens$/.exec(p)) && call.method === 'POST') {
      if (call.auth !== 'app-jwt')
        return { status: 401, body: { message: 'A JSON web token could not be decoded' } };
      const id = Number(m[1]);
      if (!opts.app || id !== opts.app.installationId) return { status: 404, body: { message: 'Not Found' } };
      const token = `ghs_${randomBytes(18).toString('hex')}`;
      const expiresAtMs = Date.now() + (opts.installationTokenTtlMs ?? 3_600_000);
      const expiresAt = new Date(expiresAtMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
      installationTokens.set(token, { installationId: id, expiresAtMs });
      issuedTokens.push({ token, installationId: id, expiresAt });
      return {
        status: 201,
        body: {
          token,
          expires_at: expiresAt,
          permissions: { actions: 'write', statuses: 'write', deployments: 'write' },
          repository_selection: 'all',
        },
      };
    }
    if ((m = /^\/repos\/([^/]+)\/([^/]+)\/installation$/.exec(p)) && call.method === 'GET') {
      if (call.auth !== 'app-jwt')
        return { status: 401, body: { message: 'A JSON web token could not be decoded' } };
      return {
        status: 200,
        body: {
          id: opts.app?.installationId ?? 1,
          account: { login: m[1] },
          app_id: Number(opts.app?.appId ?? 0),
        },
      };
    }

    const authed = call.auth === 'token' || call.auth === 'installation';
    if (
      (m = /^\/repos\/([^/]+)\/([^/]+)\/actions\/workflows\/([^/]+)\/dispatches$/.exec(p)) &&
      call.method === 'POST'
    ) {
      if (!authed) return unauthorized;
      const body = call.json as { ref?: unknown; inputs?: unknown } | null;
      if (typeof body?.ref !== 'string')
        return { status: 422, body: { message: 'Invalid request.\n\n"ref" wasn\'t supplied.' } };
      return { status: 204 };
    }
    if (
      /^\/repos\/[^/]+\/[^/]+\/actions\/runs\/\d+\/deployment_protection_rule$/.test(p) &&
      call.method === 'POST'
    ) {
      if (!authed) return unauthorized;
      const body = call.json as { state?: unknown; environment_name?: unknown } | null;
      if (
        (body?.state !== 'approved' && body?.state !== 'rejected') ||
        typeof body.environment_name !== 'string'
      ) {
        return { status: 422, body: { message: 'Invalid request.' } };
      }
      return { status: 204 };
    }
    if ((m = /^\/repos\/([^/]+)\/([^/]+)\/statuses\/([0-9a-f]{40})$/.exec(p)) && call.method === 'POST') {
      if (!authed) return unauthorized;
      const body = call.json as {
        state?: unknown;
        context?: unknown;
        description?: unknown;
        target_url?: unknown;
      } | null;
      if (!['error', 'failure', 'pending', 'success'].includes(String(body?.state)))
        return { status: 422, body: { message: 'Validation Failed' } };
      const now = new Date().toISOString();
      return {
        status: 201,
        body: {
          id: statusId++,
          state: body?.state,
          context: body?.context ?? 'default',
          description: body?.description ?? null,
          target_url: body?.target_url ?? null,
          created_at: now,
          updated_at: now,
        },
      };
    }
    if ((m = /^\/repos\/([^/]+\/[^/]+)\/actions\/runs\/(\d+)\/artifacts$/.exec(p)) && call.method === 'GET') {
      if (!authed) return unauthorized;
      const all = artifacts.get(`${m[1]}#${m[2]}`) ?? [];
      const perPage = Math.min(100, Number(call.query.per_page ?? 30) || 30);
      const page = Math.max(1, Number(call.query.page ?? 1) || 1);
      return {
        status: 200,
        body: { total_count: all.length, artifacts: all.slice((page - 1) * perPage, page * perPage) },
      };
    }
    return { status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' } };
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'http://localhost');
      const text = Buffer.concat(chunks).toString('utf8');
      let json: unknown = null;
      try {
        json = text ? JSON.parse(text) : null;
      } catch {
        json = text;
      }
      const auth = authenticate(req.headers.authorization);
      const call: RecordedCall = {
        method: req.method ?? 'GET',
        path: u.pathname,
        query: Object.fromEntries(u.searchParams),
        headers: redact(req.headers),
        auth: auth.kind,
        installationId: auth.installationId,
        json,
      };
      calls.push(call);
      const r = responder?.(call) ?? route(call);
      const headers: Record<string, string> = {
        'x-github-request-id': randomBytes(4).toString('hex'),
        ...(r.headers ?? {}),
      };
      if (r.body !== undefined) headers['content-type'] = 'application/json; charset=utf-8';
      res.writeHead(r.status, headers);
      res.end(r.body !== undefined ? JSON.stringify(r.body) : undefined);
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    issuedTokens,
    setResponder(fn) {
      responder = fn;
    },
    setArtifacts(repo, runId, list) {
      artifacts.set(`${repo}#${runId}`, list);
    },
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
