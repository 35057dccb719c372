// GitHub Actions OIDC verification against a local issuer: a good token yields the bound identity; expired,
// wrong-audience, wrong-issuer, foreign-key and claim-less tokens are refused with a reason.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ActionsOidcVerifier, identityFromClaims, workflowFileOf } from '../src/github/actions-oidc.ts';
import { startOidcIssuer, type OidcIssuer } from './helpers/oidc-issuer.ts';

let issuer: OidcIssuer;
before(async () => {
  issuer = await startOidcIssuer();
});
after(async () => {
  await issuer.close();
});

const SHA = 'a'.repeat(40);
const claims = {
  repository: 'acme/ops',
  workflowFile: '.github/workflows/release-prod-ops.yml',
  sha: SHA,
  runId: 4242,
  runAttempt: 2,
  environment: 'prod-ops',
};

test('a token from the issuer binds repository, workflow file, sha, run and attempt', async () => {
  const v = new ActionsOidcVerifier({ issuer: issuer.issuer, audience: 'lanes' });
  const out = await v.verify(await issuer.token(claims));
  assert.ok(out.ok, out.ok ? '' : out.reason);
  assert.equal(out.identity.repository, 'acme/ops');
  assert.equal(out.identity.workflowFile, '.github/workflows/release-prod-ops.yml');
  assert.equal(out.identity.sha, SHA);
  assert.equal(out.identity.runId, 4242);
  assert.equal(out.identity.runAttempt, 2);
  assert.equal(out.identity.environment, 'prod-ops');
  assert.equal(out.identity.ref, 'refs/heads/main');
});

const refusals: {
  name: string;
  token: () => Promise<string>;
  config?: { audience?: string; issuer?: string };
  reason: RegExp;
}[] = [
  {
    name: 'expired',
    token: () => issuer.token(claims, { issuedAtS: Math.floor(Date.now() / 1000) - 3600, expiresInS: 60 }),
    reason: /expired/,
  },
  { name: 'wrong audience', token: () => issuer.token(claims, { audience: 'someone-else' }), reason: /aud/ },
  {
    name: 'signed by a key the issuer does not publish',
    token: () => issuer.foreignToken(claims, 'lanes'),
    reason: /signature/,
  },
  {
    name: 'another issuer expected',
    token: () => issuer.token(claims),
    config: { issuer: 'http://127.0.0.1:1' },
    reason: /issuer/,
  },
  { name: 'not a JWT', token: () => Promise.resolve('lanes_abc.def'), reason: /not a JWT/ },
];

for (const r of refusals) {
  test(`refused: ${r.name}`, async () => {
    const v = new ActionsOidcVerifier({
      issuer: r.config?.issuer ?? issuer.issuer,
      audience: r.config?.audience ?? 'lanes',
    });
    const out = await v.verify(await r.token());
    assert.equal(out.ok, false);
    if (!out.ok) assert.match(out.reason, r.reason);
  });
}

test('claims without a repository-owned workflow_ref or a hex sha are refused', () => {
  const base = {
    repository: 'acme/ops',
    workflow_ref: 'acme/ops/.github/workflows/x.yml@refs/heads/main',
    sha: SHA,
    run_id: '1',
    ref: 'refs/heads/main',
  };
  assert.equal(identityFromClaims(base).ok, true);
  assert.equal(
    identityFromClaims({ ...base, workflow_ref: 'evil/repo/.github/workflows/x.yml@refs/heads/main' }).ok,
    false,
  );
  assert.equal(identityFromClaims({ ...base, sha: 'main' }).ok, false);
  assert.equal(identityFromClaims({ ...base, run_id: 'x' }).ok, false);
  assert.equal(
    workflowFileOf('acme/ops/.github/workflows/a.yml@refs/tags/v1', 'acme/ops'),
    '.github/workflows/a.yml',
  );
});
