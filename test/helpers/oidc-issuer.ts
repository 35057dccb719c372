// A local stand-in for GitHub Actions' OIDC issuer (token.actions.githubusercontent.com): serves the
// discovery document and the JWKS over HTTP on 127.0.0.1, and signs ID tokens with the claim shapes of
// GitHub's "OpenID Connect reference". `foreignToken` signs with a key the issuer does not publish.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';

export interface WorkflowClaims {
  repository: string;
  workflowFile: string; // .github/workflows/x.yml
  ref?: string;
  sha: string;
  runId: number;
  runAttempt?: number;
  environment?: string;
  actor?: string;
  eventName?: string;
  workflow?: string;
}

export interface OidcIssuer {
  issuer: string;
  token(
    claims: WorkflowClaims,
    opts?: { audience?: string; expiresInS?: number; issuedAtS?: number; issuer?: string },
  ): Promise<string>;
  foreignToken(claims: WorkflowClaims, audience: string): Promise<string>;
  close(): Promise<void>;
}

function claimSet(c: WorkflowClaims): Record<string, unknown> {
  const owner = c.repository.split('/')[0] ?? c.repository;
  const ref = c.ref ?? 'refs/heads/main';
  return {
    sub: `repo:${c.repository}:${c.environment ? `environment:${c.environment}` : `ref:${ref}`}`,
    repository: c.repository,
    repository_owner: owner,
    repository_id: '123456',
    workflow: c.workflow ?? c.workflowFile.replace(/^.*\//, ''),
    workflow_ref: `${c.repository}/${c.workflowFile}@${ref}`,
    job_workflow_ref: `${c.repository}/${c.workflowFile}@${ref}`,
    ref,
    ref_type: ref.startsWith('refs/tags/') ? 'tag' : 'branch',
    sha: c.sha,
    run_id: String(c.runId),
    run_number: '7',
    run_attempt: String(c.runAttempt ?? 1),
    actor: c.actor ?? 'octocat',
    event_name: c.eventName ?? 'push',
    ...(c.environment ? { environment: c.environment } : {}),
    runner_environment: 'github-hosted',
  };
}

async function sign(
  key: CryptoKey,
  kid: string,
  issuer: string,
  claims: WorkflowClaims,
  audience: string,
  expiresInS: number,
  issuedAtS: number,
): Promise<string> {
  return new SignJWT(claimSet(claims))
    .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
    .setIssuer(issuer)
    .setAudience(audience)
    .setIssuedAt(issuedAtS)
    .setNotBefore(issuedAtS - 5)
    .setExpirationTime(issuedAtS + expiresInS)
    .setJti(`jti-${Math.random().toString(36).slice(2)}`)
    .sign(key);
}

export async function startOidcIssuer(): Promise<OidcIssuer> {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const foreign = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'lanes-test-key', alg: 'RS256', use: 'sig' };
  let issuer = '';
  const server: Server = createServer((req, res) => {
    if (req.url === '/.well-known/openid-configuration') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          issuer,
          jwks_uri: `${issuer}/.well-known/jwks`,
          id_token_signing_alg_values_supported: ['RS256'],
        }),
      );
    } else if (req.url === '/.well-known/jwks') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [jwk] }));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const now = () => Math.floor(Date.now() / 1000);
  return {
    issuer,
    token: (claims, opts = {}) =>
      sign(
        privateKey,
        'lanes-test-key',
        opts.issuer ?? issuer,
        claims,
        opts.audience ?? 'lanes',
        opts.expiresInS ?? 300,
        opts.issuedAtS ?? now(),
      ),
    foreignToken: (claims, audience) =>
      sign(foreign.privateKey, 'lanes-test-key', issuer, claims, audience, 300, now()),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
