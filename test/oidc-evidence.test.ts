// A workflow posts evidence with its GitHub Actions OIDC token through POST /api/v1/evidence, verified
// against a local issuer (discovery + JWKS over HTTP, RS256-signed tokens), on both stores: accepted and
// bound to the claims' repository, workflow, ref, sha and run; the release on that commit is re-evaluated
// at once (its gate changes without another webhook). Expired, wrong-audience and wrong-issuer tokens, a
// repository the catalog does not name, a workflow not allowed for the check, and another commit than the
// token's are refused with stable codes, audited, and change nothing.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { STORE_KINDS } from './helpers/lanes-harness.ts';
import { sendGreenStaging } from './helpers/github-events.ts';
import { startOidcIssuer, type OidcIssuer, type WorkflowClaims } from './helpers/oidc-issuer.ts';
import { releaseHarness, type ReleaseHarness } from './helpers/release-harness.ts';

const T0 = '2026-04-01T08:00:00.000Z';
const SHA = 'c0ffee00000000000000000000000000000000b1';
const CANDIDATE: WorkflowClaims = {
  repository: 'nata-onl/ops',
  workflowFile: '.github/workflows/open-release-candidate.yml',
  ref: 'refs/tags/v1.0.0',
  sha: SHA,
  runId: 424242,
  runAttempt: 1,
};

type Json = Record<string, unknown>;

for (const kind of STORE_KINDS) {
  describe(`evidence with a GitHub Actions OIDC token (${kind})`, () => {
    let h: ReleaseHarness;
    let issuer: OidcIssuer;
    const post = async (token: string, body: Json) => {
      const res = await fetch(`${h.lanes.url}/api/v1/evidence`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const out = { status: res.status, body: (await res.json()) as Json };
      await h.settle();
      return out;
    };
    const rg07 = async () => {
      const gates = (await h.api('hana', 'GET', '/api/v1/releases/rel-v1.0.0')).body.gates as Json[];
      const g = gates.find((x) => x.id === 'RG-07');
      const summary = (g?.criteria as Json[]).find((c) => c.name === 'change summary');
      return { state: g?.state, summary: summary?.state };
    };
    const evidenceCount = async () => (await h.lanes.store.listEvidence({ shas: [SHA] })).length;
    const refusals = async () =>
      (
        (await h.api('admin:jonas', 'GET', '/api/v1/audit?objectType=evidence&limit=500')).body
          .events as Json[]
      )
        .filter((e) => e.action === 'evidence.post_refused')
        .map((e) => (e.data as Json).code);

    before(async () => {
      issuer = await startOidcIssuer();
      h = await releaseHarness(kind, T0, { oidcIssuer: issuer.issuer, oidcAudience: 'lanes' });
      await sendGreenStaging(h.lanes.url, SHA, '2026-04-01T07:00:00Z');
      await h.settle();
      const rel = await h.api('hana', 'POST', '/api/v1/releases', { version: 'v1.0.0', sha: SHA });
      assert.equal(rel.status, 201, JSON.stringify(rel.body));
    });
    after(async () => {
      await h.close();
      await issuer.close();
    });

    it('refuses bad tokens and sources with stable codes, audited, changing nothing', async () => {
      const was = await rg07();
      assert.deepEqual(was, { state: 'pending', summary: 'missing' });
      const count = await evidenceCount();
      const body = { check: 'change summary', outcome: 'failed', sha: SHA };
      const now = Math.floor(Date.now() / 1000);
      const cases: [string, Promise<string>, Json, number, string][] = [
        [
          'expired',
          issuer.token(CANDIDATE, { issuedAtS: now - 3600, expiresInS: 60 }),
          body,
          401,
          'token_expired',
        ],
        ['wrong audience', issuer.token(CANDIDATE, { audience: 'someone-else' }), body, 401, 'unauthorized'],
        [
          'wrong issuer',
          issuer.token(CANDIDATE, { issuer: 'https://token.example.invalid' }),
          body,
          401,
          'unauthorized',
        ],
        ['foreign key', issuer.foreignToken(CANDIDATE, 'lanes'), body, 401, 'unauthorized'],
        [
          'repository not in the catalog',
          issuer.token({ ...CANDIDATE, repository: 'evil-org/ops' }),
          body,
          403,
          'evidence_source_not_allowed',
        ],
        [
          'workflow not allowed for the check',
          issuer.token({ ...CANDIDATE, workflowFile: '.github/workflows/ci-pr-fast.yml' }),
          body,
          403,
          'evidence_source_not_allowed',
        ],
        [
          'another commit than the token’s',
          issuer.token(CANDIDATE),
          { ...body, sha: 'c0ffee00000000000000000000000000000000b9' },
          403,
          'evidence_source_not_allowed',
        ],
      ];
      for (const [name, token, b, status, code] of cases) {
        const r = await post(await token, b);
        assert.equal(r.status, status, `${name}: ${JSON.stringify(r.body)}`);
        assert.equal((r.body.error as Json).code, code, name);
      }
      assert.deepEqual((await refusals()).sort(), cases.map((c) => c[4]).sort(), 'each refusal audited');
      assert.equal(await evidenceCount(), count);
      assert.deepEqual(await rg07(), was);
    });

    it('accepts the workflow’s token, binds the claims, and re-evaluates the release at once', async () => {
      const token = await issuer.token(CANDIDATE);
      const r = await post(token, { check: 'change summary', outcome: 'failed', sha: SHA });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.equal(r.body.status, 'recorded');
      // No webhook came: the report alone blocked RG-07.
      assert.deepEqual(await rg07(), { state: 'blocked', summary: 'failed' });

      const ev = (await h.lanes.store.listEvidence({ shas: [SHA] })).find(
        (e) => e.check === 'change summary' && e.source === 'api',
      );
      assert.equal(ev?.runId, CANDIDATE.runId);
      assert.equal(ev?.provenance, 'oidc:nata-onl/ops:.github/workflows/open-release-candidate.yml');
      assert.equal(ev?.authority, 'github');
      const audit = (await h.api('admin:jonas', 'GET', '/api/v1/audit?objectType=evidence&limit=500')).body
        .events as Json[];
      const entry = audit.find((e) => e.action === 'evidence.reported');
      assert.deepEqual((entry?.data as Json).workflow, {
        repository: 'nata-onl/ops',
        workflowFile: '.github/workflows/open-release-candidate.yml',
        ref: 'refs/tags/v1.0.0',
        sha: SHA,
        runId: CANDIDATE.runId,
        runAttempt: 1,
      });

      // A newer result from the same source supersedes: the gate's criterion passes again.
      await h.advance(1);
      const again = await post(token, { check: 'change summary', outcome: 'passed', sha: SHA });
      assert.equal(again.status, 201, JSON.stringify(again.body));
      assert.equal((await rg07()).summary, 'passed');
    });
  });
}
