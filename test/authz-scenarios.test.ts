// Issue 10's list, reproduced end to end (HTTP API + signed webhook deliveries, the GitHub stand-in
// recording every call) on both stores: each way around the gates now gets its refusal (403/409 with a
// stable code, audited, nothing changed) or its delivery ignored. The catalog is the example one with one
// policy line added: the CI service `ci-bot` may open releases (on behalf of its owner).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { issueToken } from '../src/http/auth.ts';
import { STORE_KINDS, sendDelivery, workflowRunPayload } from './helpers/lanes-harness.ts';
import { sendGreenStaging, sendProtectionRequest, sendRun } from './helpers/github-events.ts';
import { releaseHarness, type ReleaseHarness } from './helpers/release-harness.ts';

const T0 = '2026-04-01T08:00:00.000Z'; // a Wednesday: no freeze window
const SHA1 = 'c0ffee00000000000000000000000000000000a1';
const SHA2 = 'c0ffee00000000000000000000000000000000a2';
const EVIL = 'badbad00000000000000000000000000000000e1';

/** The example catalog, with `ci-bot` allowed to open releases. */
function scenarioCatalog(): string {
  const yaml = readFileSync('examples/ops/lanes.yaml', 'utf8');
  const line = '  release_seats: [SEAT-RELEASE]\n';
  assert.ok(yaml.includes(line), 'policy.release_seats not found in the example catalog');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lanes-authz-'));
  const file = path.join(dir, 'lanes.yaml');
  writeFileSync(
    file,
    yaml.replace(line, `${line}  create_release: [SEAT-RELEASE, 'service:ci-bot', admin]\n`),
  );
  return file;
}

type Json = Record<string, unknown>;
type AuditRow = { action: string; actor: string; objectType: string; objectId: string; data: Json };
const codeOf = (b: Json) => (b.error as { code?: string } | undefined)?.code;

for (const kind of STORE_KINDS) {
  describe(`gates that cannot be walked around (${kind})`, () => {
    let h: ReleaseHarness;
    let ciBot = ''; // a service token owned by ivan
    const call = async (token: string, method: string, p: string, body?: unknown) => {
      const res = await fetch(`${h.lanes.url}${p}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const out = { status: res.status, body: (await res.json()) as Json };
      await h.settle();
      return out;
    };
    const audit = async (): Promise<AuditRow[]> =>
      (await h.api('admin:jonas', 'GET', '/api/v1/audit?limit=1000')).body.events as AuditRow[];
    const refusedAudit = async (action: string, code: string, actor: RegExp) => {
      const rows = (await audit()).filter(
        (e) => e.action === action && e.data.code === code && actor.test(e.actor),
      );
      assert.ok(rows.length > 0, `no audit entry ${action} (${code}) by ${actor}`);
      return rows;
    };
    const laneStatus = async (id: string) =>
      (await h.api('hana', 'GET', `/api/v1/lanes/${id}`)).body.status as string;
    const gates = async (release: string) =>
      Object.fromEntries(
        ((await h.api('hana', 'GET', `/api/v1/releases/${release}`)).body.gates as Json[]).map((g) => [
          g.id,
          g.state,
        ]),
      ) as Record<string, string>;

    before(async () => {
      h = await releaseHarness(kind, T0, { catalog: scenarioCatalog() });
      ciBot = (
        await issueToken(h.lanes.store, {
          personId: 'ivan',
          service: 'ci-bot',
          name: 'ci',
          scope: 'operate',
          now: new Date(T0),
        })
      ).token;
    });
    after(async () => {
      await h.close();
    });

    it('a pull_request run of the deploy workflow on feature/evil greens no lane; no release from it', async () => {
      const at = '2026-04-01T07:00:00Z';
      for (const [file, name] of [
        ['build-main-release-assets.yml', 'build-main-release-assets'],
        ['deploy-staging.yml', 'deploy-staging'],
      ] as const)
        await sendRun(h.lanes.url, {
          file,
          name,
          sha: EVIL,
          at,
          event: 'pull_request',
          branch: 'feature/evil',
          environment: file === 'deploy-staging.yml' ? 'staging' : undefined,
          jobs: ['deploy', 'smoke', 'container build'].map((n) => ({ name: n })),
        });
      await h.settle();
      for (const lane of ['PL-03', 'PL-04', 'PL-05'])
        assert.notEqual(await laneStatus(lane), 'green', `${lane} turned green from a PR run`);
      const rel = await h.api('hana', 'POST', '/api/v1/releases', { version: 'v0.6.6', sha: EVIL });
      assert.equal(rel.status, 409, JSON.stringify(rel.body));
      assert.equal(codeOf(rel.body), 'gate_not_ready');
      await refusedAudit('release.create_refused', 'gate_not_ready', /^hana/);
    });

    it('a success from a repository the catalog does not name is ignored with its reason and counted', async () => {
      const before = await laneStatus('PL-08');
      const p = workflowRunPayload({
        runId: 66_000_001,
        workflowFile: 'release-prod-ops.yml',
        workflowName: 'release-prod-ops',
        status: 'completed',
        conclusion: 'success',
        startedAt: '2026-04-01T07:30:00Z',
        updatedAt: '2026-04-01T07:31:00Z',
        sha: SHA1,
        branch: 'v1.0.0',
        event: 'workflow_dispatch',
      });
      (p.repository as Json).full_name = 'evil-org/ops';
      const sent = await sendDelivery(h.lanes.url, 'workflow_run', p);
      assert.equal(sent.status, 202);
      await h.settle();
      const ignored = (await h.api('hana', 'GET', '/api/v1/deliveries?status=ignored')).body
        .deliveries as Json[];
      const row = ignored.find((d) => d.guid === sent.guid);
      assert.ok(row, 'the delivery is stored and listed as ignored');
      assert.equal(row.ignoredReason, 'unknown_repository');
      assert.match(String(row.error), /evil-org\/ops is not in the catalog/);
      assert.equal(await laneStatus('PL-08'), before);
      const metrics = await (await fetch(`${h.lanes.url}/metrics`)).text();
      assert.match(metrics, /lanes_deliveries_ignored_total\{reason="unknown_repository"\} 1\b/);
    });

    it('a person in no seat cannot open a release; the CI service opens one for its owner', async () => {
      await sendGreenStaging(h.lanes.url, SHA1, '2026-04-01T07:00:00Z');
      await h.settle();
      const nobody = await h.api('mallory', 'POST', '/api/v1/releases', { version: 'v1.0.0', sha: SHA1 });
      assert.equal(nobody.status, 403);
      assert.equal(codeOf(nobody.body), 'policy_denied');
      await refusedAudit('release.create_refused', 'policy_denied', /^mallory/);
      assert.equal((await h.api('hana', 'GET', '/api/v1/releases')).body.releases instanceof Array, true);
      assert.equal(h.dispatches().length, 0, 'nothing dispatched for the refused release');

      const byBot = await call(ciBot, 'POST', '/api/v1/releases', { version: 'v1.0.0', sha: SHA1 });
      assert.equal(byBot.status, 201, JSON.stringify(byBot.body));
      assert.equal(byBot.body.createdBy, 'ivan', 'the person behind a service release is its owner');
    });

    it('a service never approves; the owner of the service token that opened it cannot approve it', async () => {
      const bot = await call(ciBot, 'POST', '/api/v1/gates/RG-07/approve', { release: 'rel-v1.0.0' });
      assert.equal(bot.status, 403);
      assert.equal(codeOf(bot.body), 'service_cannot_approve');
      await refusedAudit('gate.approval_refused', 'service_cannot_approve', /^service:ci-bot/);

      const self = await h.api('ivan', 'POST', '/api/v1/gates/RG-07/approve', { release: 'rel-v1.0.0' });
      assert.equal(self.status, 403);
      assert.equal(codeOf(self.body), 'self_approval');
      await refusedAudit('gate.approval_refused', 'self_approval', /^ivan/);
      assert.equal((await gates('rel-v1.0.0'))['RG-07'], 'pending');
    });

    it('evidence from a person in no seat is refused (403, audited) and changes no gate', async () => {
      const was = await gates('rel-v1.0.0');
      for (const outcome of ['passed', 'failed'] as const) {
        const r = await h.api('mallory', 'POST', '/api/v1/evidence', {
          check: 'secret scan',
          outcome,
          sha: SHA1,
        });
        assert.equal(r.status, 403);
        assert.equal(codeOf(r.body), 'evidence_source_not_allowed');
      }
      await refusedAudit('evidence.post_refused', 'evidence_source_not_allowed', /^mallory/);
      assert.deepEqual(await gates('rel-v1.0.0'), was);
    });

    it('a check GitHub reported is not overridden by API evidence from another allowed source', async () => {
      assert.equal((await gates('rel-v1.0.0'))['RG-01'], 'passed', 'lint passed in WF-01 (GitHub)');
      // ci-bot is a declared source of `lint`: its report is recorded, but GitHub's result still counts.
      const r = await call(ciBot, 'POST', '/api/v1/evidence', {
        check: 'lint',
        outcome: 'failed',
        sha: SHA1,
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.equal((await gates('rel-v1.0.0'))['RG-01'], 'passed');
    });

    it('forged failed evidence from a source not allowed does not reject the production protection request', async () => {
      for (const [who, check] of [
        ['mallory', 'ops checklist'],
        ['giulia', 'canary health'],
        ['hana', 'change summary'],
      ] as const) {
        const r = await h.api(who, 'POST', '/api/v1/evidence', { check, outcome: 'failed', sha: SHA1 });
        assert.equal(r.status, 403, `${who} reporting ${check}`);
      }
      const forged = await call(ciBot, 'POST', '/api/v1/evidence', {
        check: 'ops checklist',
        outcome: 'failed',
        sha: SHA1,
      });
      assert.equal(forged.status, 403);
      await sendRun(h.lanes.url, {
        file: 'open-release-candidate.yml',
        name: 'open-release-candidate',
        sha: SHA1,
        at: '2026-04-01T08:01:00Z',
        branch: 'v1.0.0',
        jobs: ['change summary', 'freeze window', 'rollback target exists'].map((name) => ({ name })),
      });
      await h.advance(1);
      const rg07 = await h.api('hana', 'POST', '/api/v1/gates/RG-07/approve', { release: 'rel-v1.0.0' });
      assert.equal(rg07.status, 200, JSON.stringify(rg07.body));
      const rg08 = await h.api('dmitri', 'POST', '/api/v1/gates/RG-08/approve', { release: 'rel-v1.0.0' });
      assert.equal(rg08.status, 200, JSON.stringify(rg08.body));
      assert.ok(h.dispatches().some((d) => d.file === 'release-prod-ops.yml'));
      const runId = await sendRun(h.lanes.url, {
        file: 'release-prod-ops.yml',
        name: 'release-prod-ops',
        sha: SHA1,
        at: '2026-04-01T08:10:00Z',
        branch: 'v1.0.0',
        open: true,
      });
      await sendProtectionRequest(h.lanes.url, { runId, environment: 'prod-ops', sha: SHA1, ref: 'v1.0.0' });
      await h.settle();
      assert.deepEqual(
        h.reviews().map((r) => [r.runId, r.state]),
        [[runId, 'approved']],
      );
    });

    it('approve without a release is refused while two are open, listing them (audited)', async () => {
      await sendGreenStaging(h.lanes.url, SHA2, '2026-04-01T08:20:00Z');
      await h.settle();
      const second = await h.api('hana', 'POST', '/api/v1/releases', { version: 'v1.1.0', sha: SHA2 });
      assert.equal(second.status, 201, JSON.stringify(second.body));
      const r = await h.api('dmitri', 'POST', '/api/v1/gates/RG-08/approve', {});
      assert.equal(r.status, 409);
      assert.equal(codeOf(r.body), 'release_ambiguous');
      const err = r.body.error as { message: string; details: { releases: { id: string }[] } };
      assert.match(err.message, /v1\.0\.0/);
      assert.match(err.message, /v1\.1\.0/);
      assert.deepEqual(err.details.releases.map((x) => x.id).sort(), ['rel-v1.0.0', 'rel-v1.1.0']);
      await refusedAudit('gate.approval_refused', 'release_ambiguous', /^dmitri/);
    });

    it('a person in no seat cannot promote, acknowledge or resolve (403 each, audited)', async () => {
      const promote = await h.api('mallory', 'POST', '/api/v1/releases/rel-v1.1.0/promote', {});
      assert.equal(promote.status, 403);
      assert.equal(codeOf(promote.body), 'policy_denied');
      await refusedAudit('release.promote_refused', 'policy_denied', /^mallory/);

      // PL-06 of v1.1.0 fails: a live alert.
      await sendRun(h.lanes.url, {
        file: 'open-release-candidate.yml',
        name: 'open-release-candidate',
        sha: SHA2,
        at: '2026-04-01T08:30:00Z',
        branch: 'v1.1.0',
        conclusion: 'failure',
        jobs: [{ name: 'change summary', conclusion: 'failure' }],
      });
      await h.advance(1);
      const alerts = (await h.api('hana', 'GET', '/api/v1/alerts')).body.alerts as Json[];
      const alert = alerts.find((a) => String(a.key).includes('rel-v1.1.0'));
      assert.ok(alert, `an alert for v1.1.0: ${JSON.stringify(alerts)}`);
      for (const [verb, action] of [
        ['ack', 'alert.acknowledge_refused'],
        ['resolve', 'alert.resolve_refused'],
      ] as const) {
        const r = await h.api('mallory', 'POST', `/api/v1/alerts/${String(alert.id)}/${verb}`, {});
        assert.equal(r.status, 403, `${verb}: ${JSON.stringify(r.body)}`);
        assert.equal(codeOf(r.body), 'policy_denied');
        await refusedAudit(action, 'policy_denied', /^mallory/);
      }
      const still = (await h.api('hana', 'GET', '/api/v1/alerts')).body.alerts as Json[];
      assert.equal(still.find((a) => a.id === alert.id)?.status, 'open');
      assert.equal(still.find((a) => a.id === alert.id)?.ackedBy, null);
    });

    it('release-flow lanes cannot be triggered freely, Lanes’ inputs cannot be overridden; refusals audited', async () => {
      const sent = h.dispatches().length;
      const rollback = await h.api('elena', 'POST', '/api/v1/lanes/PL-11/trigger', {
        ref: 'refs/heads/untrusted-branch',
        reason: 'incident',
        inputs: { lane: 'PL-01' },
      });
      assert.equal(rollback.status, 409);
      assert.equal(codeOf(rollback.body), 'lane_not_triggerable');
      const preflight = await h.api('hana', 'POST', '/api/v1/lanes/PL-07/trigger', { ref: 'main' });
      assert.equal(preflight.status, 409);
      assert.equal(codeOf(preflight.body), 'lane_not_triggerable');
      // PL-01 may be triggered by a release seat on its feature refs, but not on main, nor with `lane`.
      const offRef = await h.api('hana', 'POST', '/api/v1/lanes/PL-01/trigger', { ref: 'main' });
      assert.equal(offRef.status, 403);
      assert.equal(codeOf(offRef.body), 'policy_denied');
      const inputs = await h.api('hana', 'POST', '/api/v1/lanes/PL-01/trigger', {
        ref: 'feature/x',
        inputs: { lane: 'PL-08', release: 'rel-v1.0.0' },
      });
      assert.equal(inputs.status, 422, JSON.stringify(inputs.body));
      // Each input Lanes sets on its own dispatches, alone: the outbox key, a rollback's target and requester.
      const own = {
        effect_id: 'dispatch:rel-v1.4.0:PL-08',
        target_release: 'x',
        target_version: 'v0.0.1',
        target_sha: EVIL,
        target_manifest: '[]',
        requested_by: 'jonas',
        version: 'v9.9.9',
        sha: EVIL,
      };
      for (const [name, value] of Object.entries(own)) {
        const r = await h.api('hana', 'POST', '/api/v1/lanes/PL-01/trigger', {
          ref: 'feature/x',
          inputs: { [name]: value },
        });
        assert.equal(r.status, 422, `${name}: ${JSON.stringify(r.body)}`);
        assert.equal(codeOf(r.body), 'validation_failed');
        assert.deepEqual((r.body.error as { details?: unknown }).details, { inputs: [name] });
      }
      assert.equal(h.dispatches().length, sent, 'GitHub received no dispatch');
      const refused = (await audit()).filter((e) => e.action === 'lane.trigger_refused');
      assert.deepEqual(refused.map((e) => [e.objectId, e.data.code]).sort(), [
        ['PL-01', 'policy_denied'],
        ...Array.from({ length: 1 + Object.keys(own).length }, () => ['PL-01', 'validation_failed']),
        ['PL-07', 'lane_not_triggerable'],
        ['PL-11', 'lane_not_triggerable'],
      ]);
      // A free input that is not Lanes' own still goes out, with Lanes' lane and key beside it.
      const free = await h.api('hana', 'POST', '/api/v1/lanes/PL-01/trigger', {
        ref: 'feature/x',
        inputs: { note: 'hello' },
      });
      assert.equal(free.status, 202, JSON.stringify(free.body));
      const out = h.dispatches().slice(sent);
      assert.ok(out.length > 0, 'the free trigger was dispatched');
      for (const d of out) {
        assert.equal(d.inputs.note, 'hello');
        assert.equal(d.inputs.lane, 'PL-01');
        assert.match(d.inputs.effect_id ?? '', /^trigger:PL-01:/);
      }
    });

    it('admin-only actions are refused for operate: token management (freeze override: release-flow test)', async () => {
      const body = { person: 'elena', scope: 'operate', expiresIn: '1d' };
      const op = await h.api('hana', 'POST', '/api/v1/tokens', body);
      assert.equal(op.status, 403);
      assert.equal(codeOf(op.body), 'insufficient_scope');
      assert.equal((await h.api('hana', 'GET', '/api/v1/tokens')).status, 403);
      await refusedAudit('token.manage_refused', 'insufficient_scope', /^hana/);
      assert.equal((await h.api('admin:hana', 'POST', '/api/v1/tokens', body)).status, 201);
    });
  });
}
