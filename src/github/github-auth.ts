// Credentials for GitHub REST calls: a static token (LANES_GITHUB_TOKEN) or a GitHub App
// (app id + private key → RS256 JWT → installation access token, cached until shortly before it expires).
// Secrets never leave this module except as the Authorization header value handed to fetch; nothing here logs.
import { createPrivateKey, createSign, type KeyObject } from 'node:crypto';

/** The result of asking for credentials: a header value, or a typed failure like any GitHub call. */
export type AuthOutcome =
  | { ok: true; authorization: string }
  | { ok: false; retryable: boolean; retryAfterMs?: number; status: number; message: string };

export interface GitHubAuth {
  readonly kind: 'token' | 'app';
  /** The Authorization header value for a call on `repo` ("owner/name"). */
  authorization(
    repo: string,
    opts?: { installationId?: number | null; signal?: AbortSignal },
  ): Promise<AuthOutcome>;
  /** Forget cached installation tokens (called after a 401). */
  invalidate(): void;
  /** The App's own credentials (a JWT) for /app endpoints; a final failure for token auth. */
  appAuthorization(): AuthOutcome;
}

/** A personal access token or a fine-grained token. */
export function tokenAuth(token: string): GitHubAuth {
  const value = `Bearer ${token.trim()}`;
  return {
    kind: 'token',
    authorization: () => Promise.resolve({ ok: true, authorization: value }),
    invalidate: () => undefined,
    appAuthorization: () => ({
      ok: false,
      retryable: false,
      status: 0,
      message: 'this call needs GitHub App credentials (LANES_GITHUB_APP_ID and key), not a token',
    }),
  };
}

function base64url(input: Buffer | string): string {
  return Buffer.from(input).toString('base64url');
}

/** Env vars often carry PEM keys with literal "\n" sequences. */
export function normalisePrivateKey(pem: string): string {
  return pem.includes('\\n') ? pem.replace(/\\n/g, '\n') : pem;
}

/** A GitHub App JWT: RS256, iat 60 s in the past (clock drift), exp 9 minutes ahead (GitHub allows 10). */
export function createAppJwt(appId: string, privateKey: KeyObject | string, nowMs: number): string {
  const key = typeof privateKey === 'string' ? createPrivateKey(normalisePrivateKey(privateKey)) : privateKey;
  const nowS = Math.floor(nowMs / 1000);
  const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT' }));
  const payload = base64url(JSON.stringify({ iat: nowS - 60, exp: nowS + 9 * 60, iss: appId }));
  const signer = createSign('RSA-SHA256');
  signer.update(`${header}.${payload}`);
  return `${header}.${payload}.${base64url(signer.sign(key))}`;
}

export interface AppAuthOptions {
  appId: string;
  /** PEM (PKCS#1 or PKCS#8); literal "\n" sequences are accepted. */
  privateKey: string;
  /** API base, e.g. https://api.github.com or https://ghes.example.com/api/v3 (no trailing slash needed). */
  baseUrl: string;
  /** Fixed installation; otherwise looked up per repository (GET /repos/{o}/{r}/installation) and cached. */
  installationId?: number;
  /** Refresh this long before expires_at (default 5 minutes). */
  refreshMarginMs?: number;
  timeoutMs?: number;
  fetch?: typeof fetch;
  clock?: () => number;
  userAgent?: string;
}

interface CachedToken {
  token: string;
  expiresAtMs: number;
}

/** Failure of an auth-related HTTP call, classified like the client's calls. */
function authFailure(status: number, message: string): AuthOutcome {
  return { ok: false, retryable: status === 0 || status === 429 || status >= 500, status, message };
}

export class GitHubAppAuth implements GitHubAuth {
  readonly kind = 'app' as const;
  private readonly key: KeyObject;
  private readonly baseUrl: string;
  private readonly tokens = new Map<number, CachedToken>();
  private readonly inflight = new Map<number, Promise<AuthOutcome>>();
  private readonly installations = new Map<string, number>();

  constructor(private readonly opts: AppAuthOptions) {
    this.key = createPrivateKey(normalisePrivateKey(opts.privateKey));
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
  }

  private now(): number {
    return (this.opts.clock ?? Date.now)();
  }

  /** The App's own JWT (for /app endpoints). */
  jwt(): string {
    return createAppJwt(this.opts.appId, this.key, this.now());
  }

  invalidate(): void {
    this.tokens.clear();
  }

  appAuthorization(): AuthOutcome {
    return { ok: true, authorization: `Bearer ${this.jwt()}` };
  }

  async authorization(
    repo: string,
    opts: { installationId?: number | null; signal?: AbortSignal } = {},
  ): Promise<AuthOutcome> {
    let installationId = opts.installationId ?? this.opts.installationId ?? this.installations.get(repo);
    if (installationId === undefined) {
      const found = await this.findInstallation(repo, opts.signal);
      if (!found.ok) return found;
      installationId = found.id;
    }
    const cached = this.tokens.get(installationId);
    if (cached && cached.expiresAtMs - (this.opts.refreshMarginMs ?? 5 * 60_000) > this.now()) {
      return { ok: true, authorization: `Bearer ${cached.token}` };
    }
    // One token request per installation at a time.
    let pending = this.inflight.get(installationId);
    if (!pending) {
      const id = installationId;
      pending = this.fetchInstallationToken(id, opts.signal).finally(() => this.inflight.delete(id));
      this.inflight.set(id, pending);
    }
    return pending;
  }

  private async call(
    method: string,
    path: string,
    signal?: AbortSignal,
  ): Promise<{ status: number; body: unknown } | { status: 0; error: string }> {
    const timeout = AbortSignal.timeout(this.opts.timeoutMs ?? 15_000);
    try {
      const res = await (this.opts.fetch ?? fetch)(this.baseUrl + path, {
        method,
        headers: {
          accept: 'application/vnd.github+json',
          authorization: `Bearer ${this.jwt()}`,
          'user-agent': this.opts.userAgent ?? 'lanes',
          'x-github-api-version': '2022-11-28',
        },
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
      const text = await res.text();
      let body: unknown = null;
      try {
        body = text ? JSON.parse(text) : null;
      } catch {
        body = null;
      }
      return { status: res.status, body };
    } catch (e) {
      return { status: 0, error: e instanceof Error ? e.message : String(e) };
    }
  }

  private async findInstallation(
    repo: string,
    signal?: AbortSignal,
  ): Promise<{ ok: true; id: number } | Extract<AuthOutcome, { ok: false }>> {
    const [owner, name] = repo.split('/');
    if (!owner || !name)
      return { ok: false, retryable: false, status: 0, message: `invalid repository "${repo}"` };
    const r = await this.call(
      'GET',
      `/repos/${encodeURIComponent(owner)}/${encodeURIComponent(name)}/installation`,
      signal,
    );
    if ('error' in r)
      return { ok: false, retryable: true, status: 0, message: `installation lookup failed: ${r.error}` };
    const id = (r.body as { id?: unknown } | null)?.id;
    if (r.status !== 200 || typeof id !== 'number') {
      return authFailure(r.status, `installation lookup for ${repo} failed with HTTP ${r.status}`) as Extract<
        AuthOutcome,
        { ok: false }
      >;
    }
    this.installations.set(repo, id);
    return { ok: true, id };
  }

  private async fetchInstallationToken(installationId: number, signal?: AbortSignal): Promise<AuthOutcome> {
    const r = await this.call('POST', `/app/installations/${installationId}/access_tokens`, signal);
    if ('error' in r)
      return {
        ok: false,
        retryable: true,
        status: 0,
        message: `installation token request failed: ${r.error}`,
      };
    const body = r.body as { token?: unknown; expires_at?: unknown } | null;
    if (r.status !== 201 || typeof body?.token !== 'string') {
      return authFailure(
        r.status,
        `installation token request for installation ${installationId} failed with HTTP ${r.status}`,
      );
    }
    const expiresAtMs = typeof body.expires_at === 'string' ? Date.parse(body.expires_at) : NaN;
    this.tokens.set(installationId, {
      token: body.token,
      // GitHub's tokens live one hour; be conservative when the field is missing or odd.
      expiresAtMs: Number.isFinite(expiresAtMs) ? expiresAtMs : this.now() + 30 * 60_000,
    });
    return { ok: true, authorization: `Bearer ${body.token}` };
  }
}

export interface GitHubAuthConfig {
  githubApiUrl: string;
  githubToken?: string | undefined;
  githubAppId?: string | undefined;
  githubAppPrivateKey?: string | undefined;
  githubAppInstallationId?: number | undefined;
}

/** App auth when app id and key are set, else token auth, else undefined (outbound GitHub calls disabled). */
export function authFromConfig(
  c: GitHubAuthConfig,
  extra: Pick<AppAuthOptions, 'fetch' | 'clock'> = {},
): GitHubAuth | undefined {
  if (c.githubAppId && c.githubAppPrivateKey) {
    return new GitHubAppAuth({
      appId: c.githubAppId,
      privateKey: c.githubAppPrivateKey,
      baseUrl: c.githubApiUrl,
      ...(c.githubAppInstallationId !== undefined ? { installationId: c.githubAppInstallationId } : {}),
      ...extra,
    });
  }
  if (c.githubToken) return tokenAuth(c.githubToken);
  return undefined;
}
