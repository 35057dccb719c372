// Gate-step enforcement end to end, on both stores, against the local stand-ins (GitHub REST fake, OIDC
// issuer): the lanes-gate composite action's shell step (running the CLI) waits while RG-07/RG-08 are
// pending and exits 0 once approved; a re-run attempt gets its own decision; the step fails with the
// reason for a lane its workflow does not run, a token for another repository, a commit without a release
// and a freeze; a production run that never asked raises exactly one alert and fails post-deploy gates
// until acknowledged.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { loadCatalogFile } from '../src/catalog/load-catalog.ts';
import { gateStepEnvironments } from '../src/core/enforcement-mode.ts';
import type { LanesProcess } from '../src/server.ts';
import { startOidcIssuer, type OidcIssuer, type WorkflowClaims } from './helpers/oidc-issuer.ts';
import { STORE_KINDS } from './helpers/lanes-harness.ts';
import { releaseHarness, type ReleaseHarness } from './helpers/release-harness.ts';
import { sendGreenStaging, sendRun } from './helpers/github-events.ts';

const SHA = 'c0ffee0000000000000000000000000000000009';
const T0 = '2026-04-01T08:00:00.000Z'; // a Wednesday
const CLI = ['--import', 'tsx', join(process.cwd(), 'src/cli/main.ts')];

/** The example catalog with prod in gate-step mode. */
function gateStepCatalog(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lanes-gatestep-'));
  const text = readFileSync('examples/ops/lanes.yaml', 'utf8').replace(
    '  - id: prod\n    name: prod\n    production: true\n',
    '  - id: prod\n    name: prod\n    production: true\n    enforcement: gate-step\n',
  );
  assert.match(text, /enforcement: gate-step/);
  const file = join(dir, 'lanes.yaml');
  writeFileSync(file, text);
  return file;
}

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Ran> {
  return new Promise((resolve) =>
    execFile(
      process.execPath,
      [...CLI, ...args],
      { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 60_000 },
      (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
    ),
  );
}

const opsRun = (over: Partial<WorkflowClaims> = {}): WorkflowClaims => ({
  repository: 'nata-onl/ops',
  workflowFile: '.github/workflows/release-prod-ops.yml',
  sha: SHA,
  ref: 'refs/tags/v2.0.0',
  runId: 5001,
  environment: 'prod-ops',
  eventName: 'workflow_dispatch',
  actor: 'hana',
  ...over,
});

for (const kind of STORE_KINDS) {
  describe(`gate step (${kind})`, () => {
    let h: ReleaseHarness;
    let lanes: LanesProcess;
    let issuer: OidcIssuer;
    const settle = () => h.settle();
    const api: ReleaseHarness['api'] = (...args) => h.api(...args);
    const ask = async (claims: WorkflowClaims, lane = 'PL-08', token?: string) => {
      const res = await fetch(`${lanes.url}/api/v1/gate-steps`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token ?? (await issuer.token(claims))}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ lane }),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };

    before(async () => {
      issuer = await startOidcIssuer();
      h = await releaseHarness(kind, T0, {
        catalog: gateStepCatalog(),
        oidcIssuer: issuer.issuer,
        oidcAudience: 'lanes',
      });
      lanes = h.lanes;
      await sendGreenStaging(lanes.url, SHA, '2026-04-01T07:00:00Z');
      await settle();
      const created = await api('hana', 'POST', '/api/v1/releases', { version: 'v2.0.0', sha: SHA });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      await sendRun(lanes.url, {
        file: 'open-release-candidate.yml',
        name: 'open-release-candidate',
        sha: SHA,
        at: '2026-04-01T08:01:00Z',
        branch: 'v2.0.0',
        actor: 'hana',
        jobs: ['change summary', 'freeze window', 'rollback target exists'].map((name) => ({ name })),
      });
      await h.advance(5);
    });
    after(async () => {
      await h.close();
      await issuer.close();
    });

    it('waits while RG-07/RG-08 are pending (the action’s shell step, running the CLI), then exits 0', async () => {
      const first = await ask(opsRun());
      assert.equal(first.status, 200, JSON.stringify(first.body));
      assert.equal(first.body.state, 'waiting');
      assert.match(String(first.body.reason), /RG-07|RG-08/);

      // The Actions runtime's token endpoint, standing in for ACTIONS_ID_TOKEN_REQUEST_URL.
      const audiences: string[] = [];
      const runtime = http.createServer((req, res) => {
        const aud = new URL(req.url ?? '/', 'http://x').searchParams.get('audience') ?? '';
        audiences.push(aud);
        void issuer.token(opsRun(), { audience: aud }).then((value) => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ value }));
        });
      });
      await new Promise<void>((r) => runtime.listen(0, '127.0.0.1', r));
      const base = `http://127.0.0.1:${(runtime.address() as AddressInfo).port}`;
      const doc = parseYaml(readFileSync('examples/actions/lanes-gate/action.yml', 'utf8')) as {
        runs: { steps: { run: string; env: Record<string, string> }[] };
      };
      const step = doc.runs.steps[0];
      assert.ok(step);
      const inputs: Record<string, string> = {
        'lanes-url': lanes.url,
        lane: 'PL-08',
        timeout: '60s',
        audience: 'lanes',
        'lanes-cli': `${process.execPath} ${CLI.join(' ')}`,
      };
      const env = Object.fromEntries(
        Object.entries(step.env).map(([k, v]) => [
          k,
          v.replace(/\$\{\{\s*inputs\.([\w-]+)\s*\}\}/g, (_m, key: string) => inputs[key] ?? ''),
        ]),
      );
      const child = spawn('bash', ['-c', step.run], {
        env: {
          PATH: process.env.PATH ?? '',
          ...env,
          ACTIONS_ID_TOKEN_REQUEST_URL: `${base}/token?api-version=2.0`,
          ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'runtime-token',
        },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
      child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
      const exited = new Promise<number>((r) => child.on('exit', (code) => r(code ?? -1)));
      try {
        // The step reports what it waits for and keeps waiting: nothing was approved.
        for (let i = 0; i < 300 && !/waiting/.test(stdout); i++) await new Promise((r) => setTimeout(r, 100));
        assert.match(stdout, /waiting \(PL-08, run 5001 attempt 1, prod-ops\)/, stderr);
        await new Promise((r) => setTimeout(r, 1500));
        assert.equal(child.exitCode, null, `exited early: ${stdout} ${stderr}`);
        assert.equal(
          (await api('ivan', 'POST', '/api/v1/gates/RG-07/approve', { release: 'rel-v2.0.0' })).status,
          200,
        );
        assert.equal(
          (await api('dmitri', 'POST', '/api/v1/gates/RG-08/approve', { release: 'rel-v2.0.0' })).status,
          200,
        );
        assert.equal(await exited, 0, `${stdout}\n${stderr}`);
      } finally {
        child.kill();
        await new Promise<void>((r) => runtime.close(() => r()));
      }
      assert.match(stdout, /waiting/);
      assert.match(stdout, /allowed \(PL-08, run 5001 attempt 1, prod-ops\)/);
      assert.ok(audiences.length >= 1 && audiences.every((a) => a === 'lanes'));
      // One final decision, audited once.
      const again = await ask(opsRun());
      assert.equal(again.body.state, 'allowed');
      const audit = (await api('ivan', 'GET', '/api/v1/audit?limit=200')).body.events as { action: string }[];
      assert.equal(audit.filter((e) => e.action === 'gate_step.allowed').length, 1);
      assert.equal(audit.filter((e) => e.action === 'gate_step.requested').length, 1);
    });

    it('gives a re-run attempt its own decision', async () => {
      const second = await ask(opsRun({ runAttempt: 2 }));
      assert.equal(second.body.state, 'allowed');
      assert.equal(second.body.runAttempt, 2);
      const list = (await api('ivan', 'GET', '/api/v1/gate-steps?runId=5001')).body.gateSteps as {
        runAttempt: number;
        state: string;
      }[];
      assert.deepEqual(list.map((g) => [g.runAttempt, g.state]).sort(), [
        [1, 'allowed'],
        [2, 'allowed'],
      ]);
    });

    it('fails with the reason: a lane the workflow does not run, another repository, no release', async () => {
      const wrongLane = await runCli([
        'gate',
        'wait',
        '--lane',
        'PL-09',
        '--url',
        lanes.url,
        '--timeout',
        '10s',
        '--oidc-token',
        await issuer.token(opsRun({ runId: 5002 })),
      ]);
      assert.equal(wrongLane.code, 1);
      assert.match(
        wrongLane.stderr,
        /rejected: Lanes: PL-09 is not run by \.github\/workflows\/release-prod-ops\.yml/,
      );

      const foreign = await runCli([
        'gate',
        'wait',
        '--lane',
        'PL-08',
        '--url',
        lanes.url,
        '--timeout',
        '10s',
        '--oidc-token',
        await issuer.token(opsRun({ runId: 5003, repository: 'mallory/ops' })),
      ]);
      assert.equal(foreign.code, 1);
      assert.match(foreign.stderr, /forbidden.*the token is for mallory\/ops/);

      const forged = await ask(
        opsRun({ runId: 5004 }),
        'PL-08',
        await issuer.foreignToken(opsRun({ runId: 5004 }), 'lanes'),
      );
      assert.equal(forged.status, 401);

      const noRelease = await runCli([
        'gate',
        'wait',
        '--lane',
        'PL-08',
        '--url',
        lanes.url,
        '--timeout',
        '10s',
        '--oidc-token',
        await issuer.token(opsRun({ runId: 5005, sha: 'd'.repeat(40) })),
      ]);
      assert.equal(noRelease.code, 1);
      assert.match(noRelease.stderr, /no release for this commit/);
    });

    it('fails with the freeze named when a freeze window holds the lane', async () => {
      h.setNow('2026-04-03T18:00:00.000Z'); // Friday evening freeze
      const frozen = await runCli([
        'gate',
        'wait',
        '--lane',
        'PL-08',
        '--url',
        lanes.url,
        '--timeout',
        '10s',
        '--oidc-token',
        await issuer.token(opsRun({ runId: 5006 })),
      ]);
      assert.equal(frozen.code, 1, frozen.stdout);
      assert.match(frozen.stderr, /rejected: .*[Ff]reeze/);
      h.setNow('2026-04-01T09:00:00.000Z');
    });

    it('a production run that never asked raises exactly one alert, and post-deploy gates fail until acked', async () => {
      const before = ((await api('ivan', 'GET', '/api/v1/alerts')).body.alerts as { rule: string }[]).filter(
        (a) => a.rule === 'unsanctioned_change',
      ).length;
      const spec = {
        file: 'release-prod-ops.yml',
        name: 'release-prod-ops',
        sha: SHA,
        at: '2026-04-01T08:30:00Z',
        branch: 'v2.0.0',
        environment: 'prod-ops',
        actor: 'mallory',
        runId: 6001,
      };
      await sendRun(lanes.url, spec);
      await settle();
      await sendRun(lanes.url, spec); // the same deliveries again: still one incident
      await settle();
      const alerts = (
        (await api('ivan', 'GET', '/api/v1/alerts')).body.alerts as {
          id: number;
          rule: string;
          title: string;
          count: number;
        }[]
      ).filter((a) => a.rule === 'unsanctioned_change');
      assert.equal(alerts.length - before, 1, JSON.stringify(alerts));
      const alert = alerts.find((a) => a.title.includes('run 6001'));
      assert.ok(alert, JSON.stringify(alerts));
      assert.match(alert.title, /mallory/);
      assert.equal(alert.count, 1);

      const unsanctioned = async () =>
        (
          (await api('ivan', 'GET', '/api/v1/gates')).body.gates as {
            id: string;
            criteria: { kind: string }[];
          }[]
        )
          .filter((g) => g.criteria.some((c) => c.kind === 'unsanctioned'))
          .map((g) => g.id);
      assert.ok((await unsanctioned()).length > 0, 'post-deploy gates fail');
      assert.equal((await api('ivan', 'POST', `/api/v1/alerts/${alert.id}/ack`, {})).status, 200);
      assert.deepEqual(await unsanctioned(), [], 'acknowledged: the gates no longer fail on it');
    });
  });
}

describe('enforcement mode in the catalog', () => {
  it('defaults to protection-rule, names gate-step environments, refuses an unknown mode', () => {
    const stock = loadCatalogFile('examples/ops/lanes.yaml');
    assert.ok(stock.ok);
    assert.ok(stock.catalog.environments.every((e) => e.enforcement === 'protection-rule'));
    assert.deepEqual(gateStepEnvironments(stock.catalog), []);
    const gated = loadCatalogFile(gateStepCatalog());
    assert.ok(gated.ok);
    assert.ok(gateStepEnvironments(gated.catalog).includes('prod-ops'));
    const dir = mkdtempSync(join(tmpdir(), 'lanes-gatestep-'));
    const bad = join(dir, 'lanes.yaml');
    writeFileSync(
      bad,
      readFileSync(gateStepCatalog(), 'utf8').replace('enforcement: gate-step', 'enforcement: sometimes'),
    );
    assert.equal(loadCatalogFile(bad).ok, false);
  });
});
