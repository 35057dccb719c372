// GitHub Actions OIDC: verifies a workflow's ID token and returns the claims Lanes binds evidence and gate
// decisions to (repository, workflow, ref, sha, run, attempt, environment, actor).
//
// Guarantees:
// - The signature is checked by `jose` against the issuer's published JWKS (discovered from
//   `<issuer>/.well-known/openid-configuration`, cached by jose with its own cooldown); no hand-written crypto.
// - `iss` must equal the configured issuer exactly, `aud` must contain the configured audience, `exp`/`nbf`
//   are checked against the clock passed in (30 s tolerance), and only asymmetric algorithms are accepted.
// - The JWKS URL must live on the issuer's origin, so a forged discovery document cannot point verification at
//   an attacker's keys.
// - Every failure is a value (`{ ok: false, reason }`), never a throw, and the reason never echoes the token.
import type { JWTVerifyGetKey } from 'jose';

type Jose = typeof import('jose');
let joseModule: Promise<Jose> | undefined;
/** jose is loaded on the first token, not at start-up (~60 ms of CPU and ~3 MB of an idle server). */
function jose(): Promise<Jose> {
  return (joseModule ??= import('jose'));
}

export const GITHUB_ACTIONS_ISSUER = 'https://token.actions.githubusercontent.com';

export interface ActionsOidcConfig {
  /** Issuer URL; GitHub.com's by default, a local stand-in in tests, `https://HOST/_services/token` on GHES. */
  issuer: string;
  /** The audience the workflow asks for (`core.getIDToken('<audience>')`, or `&audience=` on the request URL). */
  audience: string;
}

/** The claims Lanes uses. Names follow GitHub's "OpenID Connect reference". */
export interface ActionsIdentity {
  repository: string; // owner/name
  repositoryOwner: string;
  workflow: string; // the workflow's name
  workflowRef: string; // owner/name/.github/workflows/file.yml@refs/heads/main
  workflowFile: string; // .github/workflows/file.yml
  jobWorkflowRef: string | null; // set for reusable workflows
  ref: string;
  sha: string;
  runId: number;
  runAttempt: number;
  environment: string | null;
  eventName: string;
  actor: string;
  subject: string;
  tokenId: string | null; // jti
}

export type OidcVerification = { ok: true; identity: ActionsIdentity } | { ok: false; reason: string };

const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'PS256'];
const CLOCK_TOLERANCE_S = 30;

function str(v: unknown): string | null {
  return typeof v === 'string' && v.length > 0 && v.length <= 1024 ? v : null;
}

function positiveInt(v: unknown): number | null {
  const n = typeof v === 'string' && /^\d{1,18}$/.test(v) ? Number(v) : typeof v === 'number' ? v : NaN;
  return Number.isSafeInteger(n) && n > 0 ? n : null;
}

/** `owner/repo/.github/workflows/x.yml@refs/heads/main` → `.github/workflows/x.yml`. */
export function workflowFileOf(workflowRef: string, repository: string): string | null {
  const prefix = `${repository}/`;
  if (!workflowRef.startsWith(prefix)) return null;
  const rest = workflowRef.slice(prefix.length);
  const at = rest.indexOf('@');
  const file = at < 0 ? rest : rest.slice(0, at);
  return file.startsWith('.github/workflows/') ? file : null;
}

/** Claims → identity; any missing or malformed claim the binding needs refuses the token. */
export function identityFromClaims(claims: Record<string, unknown>): OidcVerification {
  const repository = str(claims.repository);
  const workflowRef = str(claims.workflow_ref);
  const sha = str(claims.sha);
  const runId = positiveInt(claims.run_id);
  const runAttempt = positiveInt(claims.run_attempt) ?? 1;
  const ref = str(claims.ref);
  if (!repository || !/^[\w.-]+\/[\w.-]+$/.test(repository))
    return { ok: false, reason: 'token has no repository claim' };
  if (!workflowRef) return { ok: false, reason: 'token has no workflow_ref claim' };
  const workflowFile = workflowFileOf(workflowRef, repository);
  if (!workflowFile) return { ok: false, reason: 'workflow_ref does not name a workflow of the repository' };
  if (!sha || !/^[0-9a-f]{40}$/.test(sha)) return { ok: false, reason: 'token has no commit sha claim' };
  if (runId === null) return { ok: false, reason: 'token has no run_id claim' };
  if (!ref) return { ok: false, reason: 'token has no ref claim' };
  return {
    ok: true,
    identity: {
      repository,
      repositoryOwner: str(claims.repository_owner) ?? repository.split('/')[0] ?? repository,
      workflow: str(claims.workflow) ?? workflowFile,
      workflowRef,
      workflowFile,
      jobWorkflowRef: str(claims.job_workflow_ref),
      ref,
      sha,
      runId,
      runAttempt,
      environment: str(claims.environment),
      eventName: str(claims.event_name) ?? 'unknown',
      actor: str(claims.actor) ?? 'unknown',
      subject: str(claims.sub) ?? '',
      tokenId: str(claims.jti),
    },
  };
}

/** Looks like a JWT (three base64url parts)? Lets auth tell an OIDC token from a Lanes API token cheaply. */
export function looksLikeJwt(token: string): boolean {
  return token.length < 8192 && /^[\w-]+\.[\w-]+\.[\w-]+$/.test(token);
}

export class ActionsOidcVerifier {
  private keys: Promise<JWTVerifyGetKey> | undefined;

  constructor(
    private readonly config: ActionsOidcConfig,
    private readonly clock: () => Date = () => new Date(),
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  private discover(): Promise<JWTVerifyGetKey> {
    this.keys ??= (async () => {
      const issuer = this.config.issuer.replace(/\/+$/, '');
      const res = await this.fetchImpl(`${issuer}/.well-known/openid-configuration`, {
        signal: AbortSignal.timeout(10_000),
      });
      if (!res.ok) throw new Error(`OIDC discovery answered ${res.status}`);
      const doc = (await res.json()) as { jwks_uri?: unknown };
      const jwksUri = typeof doc.jwks_uri === 'string' ? new URL(doc.jwks_uri) : null;
      if (!jwksUri || jwksUri.origin !== new URL(issuer).origin) {
        throw new Error('OIDC discovery names no jwks_uri on the issuer origin');
      }
      const { createRemoteJWKSet } = await jose();
      return createRemoteJWKSet(jwksUri, { timeoutDuration: 10_000, cooldownDuration: 30_000 });
    })();
    // A failed discovery is retried on the next token rather than cached forever.
    this.keys.catch(() => {
      this.keys = undefined;
    });
    return this.keys;
  }

  async verify(token: string): Promise<OidcVerification> {
    if (!looksLikeJwt(token)) return { ok: false, reason: 'not a JWT' };
    let getKey: JWTVerifyGetKey;
    try {
      getKey = await this.discover();
    } catch (e) {
      return {
        ok: false,
        reason: `cannot reach the OIDC issuer: ${e instanceof Error ? e.message : String(e)}`,
      };
    }
    const { jwtVerify, errors } = await jose();
    try {
      const { payload } = await jwtVerify(token, getKey, {
        issuer: this.config.issuer.replace(/\/+$/, ''),
        audience: this.config.audience,
        algorithms: ALGORITHMS,
        clockTolerance: CLOCK_TOLERANCE_S,
        currentDate: this.clock(),
        requiredClaims: ['exp', 'iat'],
      });
      return identityFromClaims(payload);
    } catch (e) {
      return { ok: false, reason: describeJoseError(errors, e) };
    }
  }
}

function describeJoseError(joseErrors: Jose['errors'], e: unknown): string {
  if (e instanceof joseErrors.JWTExpired) return 'token expired';
  if (e instanceof joseErrors.JWTClaimValidationFailed) return `token claim "${e.claim}" is not acceptable`;
  if (e instanceof joseErrors.JWSSignatureVerificationFailed) return 'token signature does not verify';
  if (e instanceof joseErrors.JWKSNoMatchingKey) return 'token signed by a key the issuer does not publish';
  if (e instanceof joseErrors.JOSEAlgNotAllowed) return 'token algorithm not allowed';
  if (e instanceof joseErrors.JOSEError) return `token refused (${e.code})`;
  return 'token refused';
}
