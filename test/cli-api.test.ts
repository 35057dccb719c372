// The `lanes` API commands as a real subprocess (node bin/lanes.js …) against a real Lanes server on a fresh
// SQLite store: JSON output mirrors the API, human output shows the rows, and failures map to exit codes
// (0 ok, 1 API error with its code, 2 usage or connection error). Tokens are real (issued in the store).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { issueToken } from '../src/http/auth.ts';
import type { GateView, LaneDetail, Overview } from '../src/contract/views.ts';
import { describeFetchError } from '../src/cli/api-client.ts';
import { formatTable, statusStyle, useColor, utcMinute } from '../src/cli/format-table.ts';
import { example, sendDelivery, startTestLanes, workflowRunPayload } from './helpers/lanes-harness.ts';
import type { LanesProcess } from '../src/server.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SHA = 'c0ffee1234567890c0ffee1234567890c0ffee12';
const STARTED = '2026-03-12T09:42:10Z';
const MAIN_SHA = 'd00d5eed0123456789abcdef0123456789abcdef';

/** A completed, successful workflow_job (the published example with our fields set). */
function jobPayload(o: {
  jobId: number;
  runId: number;
  name: string;
  workflowName: string;
  sha: string;
  at: string;
}): Record<string, unknown> {
  const p = example('workflow_job', 2);
  Object.assign(p.workflow_job as Record<string, unknown>, {
    id: o.jobId,
    run_id: o.runId,
    run_attempt: 1,
    name: o.name,
    workflow_name: o.workflowName,
    head_sha: o.sha,
    head_branch: 'main',
    status: 'completed',
    conclusion: 'success',
    started_at: o.at,
    created_at: o.at,
    completed_at: o.at,
  });
  (p.repository as Record<string, unknown>).full_name = 'nata-onl/ops';
  return p;
}

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `node bin/lanes.js …args` asynchronously (the server lives in this process, so never spawnSync). */
function lanesCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['bin/lanes.js', ...args],
      {
        cwd: ROOT,
        timeout: 60_000,
        env: { ...process.env, LANES_URL: '', LANES_TOKEN: '', NO_COLOR: '1', ...env },
      },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** A loopback port nobody listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const addr = srv.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

void describe('lanes CLI over the REST API (sqlite)', () => {
  let lanes: LanesProcess;
  let readToken: string;
  let operateToken: string;
  let ciToken: string;

  async function api<T>(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    token = operateToken,
  ): Promise<{ status: number; body: T; json: boolean }> {
    const res = await fetch(`${lanes.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const raw = await res.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      parsed = undefined;
    }
    return { status: res.status, body: parsed as T, json: parsed !== undefined };
  }

  /** The CLI against the test server; token null = none (the default is the read token). */
  const cli = (args: string[], token: string | null = readToken, env: Record<string, string> = {}) =>
    lanesCli(args, { LANES_URL: lanes.url, ...(token ? { LANES_TOKEN: token } : {}), ...env });

  function assertNoSecrets(r: CliResult): void {
    for (const t of [readToken, operateToken]) {
      assert.ok(!r.stdout.includes(t) && !r.stderr.includes(t), 'the token must never be printed');
    }
  }

  before(async () => {
    lanes = await startTestLanes('sqlite');
    readToken = (
      await issueToken(lanes.store, { personId: 'bruno', name: 'reader', scope: 'read', now: new Date() })
    ).token;
    operateToken = (
      await issueToken(lanes.store, { personId: 'hana', name: 'cli', scope: 'operate', now: new Date() })
    ).token;
    // CI reports `lint` as the service the catalog allows for it (checks: lint), acting for alice.
    ciToken = (
      await issueToken(lanes.store, {
        personId: 'alice',
        service: 'ci-bot',
        name: 'ci',
        scope: 'operate',
        now: new Date(),
      })
    ).token;
    // One completed run of WF-01 (the workflow of PL-01) on SHA, so PL-01 has a last run and status.
    const delivery = await sendDelivery(
      lanes.url,
      'workflow_run',
      workflowRunPayload({
        runId: 4242001,
        workflowFile: 'ci-pr-fast.yml',
        workflowName: 'ci-pr-fast',
        status: 'completed',
        conclusion: 'success',
        startedAt: STARTED,
        updatedAt: '2026-03-12T09:47:00Z',
        event: 'pull_request',
        branch: 'feature/cli',
        sha: SHA,
      }),
    );
    assert.equal(delivery.status, 202);
    // A green staging build of MAIN_SHA (WF-04: jobs deploy → PL-04, smoke → PL-05), so a release can be opened.
    const staging = [
      [
        'workflow_run',
        workflowRunPayload({
          runId: 4242004,
          workflowFile: 'deploy-staging.yml',
          workflowName: 'deploy-staging',
          status: 'completed',
          conclusion: 'success',
          startedAt: '2026-03-12T09:20:00Z',
          updatedAt: '2026-03-12T09:30:00Z',
          sha: MAIN_SHA,
        }),
      ],
      [
        'workflow_job',
        jobPayload({
          jobId: 424200401,
          runId: 4242004,
          name: 'deploy',
          workflowName: 'deploy-staging',
          sha: MAIN_SHA,
          at: '2026-03-12T09:25:00Z',
        }),
      ],
      [
        'workflow_job',
        jobPayload({
          jobId: 424200402,
          runId: 4242004,
          name: 'smoke',
          workflowName: 'deploy-staging',
          sha: MAIN_SHA,
          at: '2026-03-12T09:29:00Z',
        }),
      ],
    ] as const;
    for (const [event, payload] of staging)
      assert.equal((await sendDelivery(lanes.url, event, payload)).status, 202);
    await lanes.worker.drain();
  });

  after(async () => {
    await lanes.close();
  });

  void it('status --json prints exactly GET /api/v1/overview', async () => {
    const r = await cli(['status', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const printed = JSON.parse(r.stdout) as Overview;
    const { body: served } = await api<Overview>('GET', '/api/v1/overview', undefined, readToken);
    assert.ok(printed.lanes.length > 0);
    assert.deepEqual({ ...printed, generatedAt: 'x' }, { ...served, generatedAt: 'x' });
    const pl01 = printed.lanes.find((l) => l.id === 'PL-01');
    assert.equal(pl01?.status, 'green');
    assert.equal(pl01?.lastRunAt && utcMinute(pl01.lastRunAt), '2026-03-12 09:42 UTC');
    assertNoSecrets(r);
  });

  void it('status prints the zone, the counts and one aligned row per lane and workflow, without colour off a TTY', async () => {
    const r = await cli(['status']);
    assert.equal(r.code, 0, r.stderr);
    const { body: o } = await api<Overview>('GET', '/api/v1/overview', undefined, readToken);
    assert.ok(!r.stdout.includes('\u001b['), 'no ANSI colour when stdout is not a terminal');
    assert.ok(r.stdout.startsWith(o.zone.title), r.stdout);
    assert.match(
      r.stdout,
      new RegExp(
        `Automated ${o.summary.automated} · Manual ${o.summary.manual} · Prod lanes ${o.summary.prod} · Rollback lanes ${o.summary.rollback}`,
      ),
    );
    assert.match(r.stdout, new RegExp(`${o.alerts.open} open alerts?`));
    const lines = r.stdout.split('\n');
    const header = lines.find((l) => l.startsWith('ID') && l.includes('Trigger'));
    assert.ok(header, 'lanes table header');
    for (const h of ['Name', 'Trigger', 'Environment', 'Status', 'Last run'])
      assert.ok(header.includes(h), h);
    for (const lane of o.lanes) {
      const row = lines.find((l) => l.startsWith(`${lane.id} `));
      assert.ok(row, `row for ${lane.id}`);
      assert.ok(row.includes(` ${lane.name} `), row);
      assert.ok(row.includes(lane.environment), row);
      assert.match(row, new RegExp(` ${lane.status} `));
      assert.ok(row.endsWith(utcMinute(lane.lastRunAt)), row);
      // Aligned: the status word starts in the header's Status column.
      assert.equal(row.indexOf(` ${lane.status} `) + 1, header.indexOf('Status'), `${lane.id} status column`);
    }
    assert.match(
      lines.find((l) => l.startsWith('PL-01 ')) ?? '',
      /^PL-01\s+ci-pr-fast\s+pull_request open\/sync\s+none\s+green\s+2026-03-12 09:42 UTC$/,
    );
    for (const wf of o.workflows) {
      const row = lines.find((l) => l.startsWith(`${wf.id} `));
      assert.ok(row, `row for ${wf.id}`);
      assert.match(row, new RegExp(`^${wf.id}\\s+${wf.status}\\s+${wf.name}\\s+${wf.runner} · `));
    }
    assertNoSecrets(r);
  });

  void it('gates mirrors GET /api/v1/gates (JSON) and prints one row per gate with its state word', async () => {
    const { body } = await api<{ gates: GateView[] }>('GET', '/api/v1/gates', undefined, readToken);
    const j = await cli(['gates', '--json']);
    assert.equal(j.code, 0, j.stderr);
    assert.deepEqual(JSON.parse(j.stdout), body);
    const h = await cli(['gates']);
    assert.equal(h.code, 0, h.stderr);
    if (body.gates.length === 0) {
      assert.match(h.stdout, /no gates/);
      return;
    }
    assert.match(h.stdout, /Gate\s+Phase\s+Owner\s+State\s+Waits until \/ missing approvals/);
    for (const g of body.gates) {
      assert.match(h.stdout, new RegExp(`^${g.id}\\s+${g.phase}\\s+${g.owner}\\s+${g.state}\\b`, 'm'));
    }
  });

  void it('a server that cannot be reached exits 2 with a clear message', async () => {
    const port = await closedPort();
    const r = await lanesCli(['status', '--url', `http://127.0.0.1:${port}`, '--token', readToken]);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(
      r.stderr,
      new RegExp(`^lanes: cannot reach http://127\\.0\\.0\\.1:${port}: connection refused\\n$`),
    );
    const bad = await lanesCli(['gates', '--url', 'not a url']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^lanes: cannot reach not a url: not a valid http\(s\) URL/);
  });

  void it('without a token (reads not open) the API error exits 1 with its code and a hint', async () => {
    const [r, wrong] = await Promise.all([
      cli(['status'], null),
      cli(['status', '--token', 'lanes_0123456789ab_notarealsecretnotarealsecret'], null),
    ]);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^lanes: unauthorized: .+\nlanes: hint: pass --token or set LANES_TOKEN\n$/);
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /^lanes: unauthorized: unknown token\n$/);
    assert.ok(!wrong.stderr.includes('notarealsecret'), 'the token is not echoed');
  });

  void it('evidence report records a check for the lane’s last run: 201 → exit 0, then visible in the lane and the audit log', async () => {
    const args = [
      'evidence',
      'report',
      '--check',
      'lint',
      '--outcome',
      'failed',
      '--sha',
      SHA,
      '--lane',
      'PL-01',
    ];
    const extra = [
      '--link',
      'https://ci.example.test/runs/4242001',
      '--details',
      'eslint: 3 errors',
      '--run-id',
      '4242001',
    ];
    const r = await lanesCli([...args, ...extra, '--url', lanes.url], { LANES_TOKEN: ciToken });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.match(r.stdout, /^evidence recorded: lint failed for c0ffee123456 on PL-01 \(key .+\)\n$/);
    assertNoSecrets(r);

    const { body: lane } = await api<LaneDetail>('GET', '/api/v1/lanes/PL-01', undefined, readToken);
    const lint = lane.checkStates.find((c) => c.name === 'lint');
    assert.equal(lint?.state, 'failed');
    assert.equal(lint?.url, 'https://ci.example.test/runs/4242001');

    const { body: audit } = await api<{
      events: { action: string; data: { check?: string; sha?: string } }[];
    }>('GET', '/api/v1/audit', undefined, readToken);
    assert.ok(
      audit.events.some(
        (e) => e.action === 'evidence.reported' && e.data.check === 'lint' && e.data.sha === SHA,
      ),
    );

    // Reporting again (LANES_URL instead of --server) updates the same evidence key; --json prints the API's answer.
    const key = /\(key (.+)\)\n$/.exec(r.stdout)?.[1];
    const again = await lanesCli([...args, '--outcome', 'passed', '--json'], {
      LANES_URL: lanes.url,
      LANES_TOKEN: ciToken,
    });
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(JSON.parse(again.stdout), { key, status: 'recorded' });
    const { body: after } = await api<LaneDetail>('GET', '/api/v1/lanes/PL-01', undefined, readToken);
    assert.equal(after.checkStates.find((c) => c.name === 'lint')?.state, 'passed');

    // The spelling from before --url meant the server here: --server S --url LINK still works, with a warning.
    const old = await lanesCli(
      [...args, '--url', 'https://ci.example.test/runs/4242002', '--server', lanes.url],
      { LANES_TOKEN: ciToken },
    );
    assert.equal(old.code, 0, old.stderr);
    assert.match(old.stderr, /--server is deprecated/);
    const { body: relinked } = await api<LaneDetail>('GET', '/api/v1/lanes/PL-01', undefined, readToken);
    assert.equal(
      relinked.checkStates.find((c) => c.name === 'lint')?.url,
      'https://ci.example.test/runs/4242002',
    );
  });

  void it('evidence report: invalid body → exit 1 with validation details; read token → insufficient_scope; unknown lane → not_found', async () => {
    const [bad, scope, lane] = await Promise.all([
      cli(['evidence', 'report', '--check', 'lint', '--outcome', 'passed', '--sha', 'NOT-HEX'], ciToken),
      cli(['evidence', 'report', '--check', 'lint', '--outcome', 'passed', '--sha', SHA], readToken),
      cli(
        ['evidence', 'report', '--check', 'lint', '--outcome', 'passed', '--sha', SHA, '--lane', 'PL-99'],
        ciToken,
      ),
    ]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^lanes: validation_failed: request body is invalid\n {2}sha: .+\n$/);

    assert.equal(scope.code, 1);
    assert.match(scope.stderr, /^lanes: insufficient_scope: /);

    assert.equal(lane.code, 1);
    assert.match(lane.stderr, /^lanes: not_found: no lane PL-99\n$/);
  });

  void it('audit --limit prints the newest events, as GET /api/v1/audit?limit=n', async () => {
    const { body } = await api<{ events: { action: string; actor: string }[] }>(
      'GET',
      '/api/v1/audit?limit=2',
      undefined,
      readToken,
    );
    assert.ok(body.events.length > 0);
    const j = await cli(['audit', '--limit', '2', '--json']);
    assert.equal(j.code, 0, j.stderr);
    assert.deepEqual(JSON.parse(j.stdout), body);
    const h = await cli(['audit', '--limit', '2']);
    assert.equal(h.code, 0, h.stderr);
    assert.match(h.stdout, /^When\s+Actor\s+Action\s+Object\s+Reason/);
    assert.equal(h.stdout.trim().split('\n').length, 1 + body.events.length);
    for (const e of body.events) assert.ok(h.stdout.includes(e.action), e.action);
  });

  void it('POSTs on unknown objects exit 1 with the API’s code and message (gates, lanes, releases, alerts)', async () => {
    const cases: { args: string[]; path: string; body: unknown }[] = [
      {
        args: ['approve', 'RG-99', '--comment', 'ok'],
        path: '/api/v1/gates/RG-99/approve',
        body: { comment: 'ok' },
      },
      {
        args: ['trigger', 'PL-99', '--reason', 'test'],
        path: '/api/v1/lanes/PL-99/trigger',
        body: { reason: 'test' },
      },
      { args: ['release', 'promote', 'rel-missing'], path: '/api/v1/releases/rel-missing/promote', body: {} },
      {
        args: [
          'release',
          'rollback',
          'rel-missing',
          '--reason',
          'bad deploy',
          '--incident',
          'INC-1',
          '--owner',
          'elena',
        ],
        path: '/api/v1/releases/rel-missing/rollback',
        body: { reason: 'bad deploy', incident: 'INC-1', owner: 'elena' },
      },
      { args: ['alerts', 'ack', '987654'], path: '/api/v1/alerts/987654/ack', body: {} },
      {
        args: ['alerts', 'resolve', '987654', '--comment', 'gone'],
        path: '/api/v1/alerts/987654/resolve',
        body: { comment: 'gone' },
      },
    ];
    const results = await Promise.all(
      cases.map(async (c) => ({
        c,
        direct: await api<{ error: { code: string; message: string } }>('POST', c.path, c.body),
        r: await cli(c.args, operateToken),
      })),
    );
    for (const { c, direct, r } of results) {
      assert.equal(direct.status, 404, `${c.path} answers 404 for an unknown object`);
      assert.equal(r.code, 1, `${c.args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stdout, '');
      assert.equal(r.stderr, `lanes: ${direct.body.error.code}: ${direct.body.error.message}\n`);
      assertNoSecrets(r);
    }
  });

  void it('release list and alerts mirror the API: its JSON on success, its error code (exit 1) otherwise', async () => {
    for (const [args, path] of [
      [['release', 'list'], '/api/v1/releases'],
      [['alerts', '--all'], '/api/v1/alerts'],
    ] as const) {
      const direct = await api<unknown>('GET', path, undefined, readToken);
      const r = await cli([...args, '--json']);
      if (!direct.json) {
        // Not the API's JSON (e.g. a route not yet there, answered by the dashboard's fallback page).
        assert.equal(r.code, 1, `${path} → ${direct.status}; cli: ${r.code} ${r.stderr}`);
        assert.match(r.stderr, /^lanes: (bad_response|http_\d+): /);
      } else if (direct.status === 200) {
        assert.equal(r.code, 0, r.stderr);
        assert.deepEqual(JSON.parse(r.stdout), direct.body);
      } else {
        const err = (direct.body as { error: { code: string; message: string } }).error;
        assert.equal(r.code, 1);
        assert.match(r.stderr, new RegExp(`^lanes: ${err.code}: `));
        assert.deepEqual(JSON.parse(r.stdout), { error: { code: err.code, message: err.message } });
      }
    }
  });

  void it('release create sends the manifest, summary and migrations flag; list mirrors the API; refusals exit 1', async () => {
    const bad = await cli(['release', 'create', '--version', 'v1.4.0', '--sha', 'XYZ'], operateToken);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^lanes: validation_failed: request body is invalid\n {2}sha: /);

    const notGreen = await cli(['release', 'create', '--version', 'v1.4.0', '--sha', SHA], operateToken);
    assert.equal(notGreen.code, 1);
    assert.match(notGreen.stderr, /^lanes: gate_not_ready: .+\n {2}lanes: PL-04, PL-05\n$/);

    const args = ['release', 'create', '--version', 'v1.4.0', '--sha', MAIN_SHA, '--migrations'];
    const created = await cli(
      [
        ...args,
        '--manifest',
        'ops-api=ghcr.io/nata-onl/ops-api@sha256:1',
        'ops-pulse=ghcr.io/nata-onl/ops-pulse:2',
        '--summary',
        'queue tuning',
        'pulse freshness',
        '--json',
      ],
      operateToken,
    );
    assert.equal(created.code, 0, created.stderr);
    const rel = JSON.parse(created.stdout) as {
      id: string;
      version: string;
      sha: string;
      includesMigrations: boolean;
      manifest: unknown;
      changeSummary: unknown;
    };
    assert.equal(rel.version, 'v1.4.0');
    assert.equal(rel.sha, MAIN_SHA);
    assert.equal(rel.includesMigrations, true);
    assert.ok(
      JSON.stringify(rel.manifest).includes('ghcr.io/nata-onl/ops-pulse:2'),
      JSON.stringify(rel.manifest),
    );
    assert.ok(
      JSON.stringify(rel.changeSummary).includes('pulse freshness'),
      JSON.stringify(rel.changeSummary),
    );

    const { body: listed } = await api<{ releases: { id: string }[] }>(
      'GET',
      '/api/v1/releases',
      undefined,
      readToken,
    );
    const [json, human] = await Promise.all([cli(['release', 'list', '--json']), cli(['release', 'list'])]);
    assert.equal(json.code, 0, json.stderr);
    assert.deepEqual(JSON.parse(json.stdout), listed);
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, /^ID\s+Version\s+SHA\s+State\s+Next\s+Migrations\s+Created\s+By\n/);
    assert.match(
      human.stdout,
      new RegExp(`^${rel.id}\\s+v1\\.4\\.0\\s+${MAIN_SHA.slice(0, 12)}\\s+\\S+.*\\byes\\b`, 'm'),
    );

    // Only a member of the gate's owner seat may approve: alice is not in SEAT-COMPUTE (RG-09).
    const refused = await cli(['approve', 'RG-09', '--release', rel.id, '--comment', 'lgtm'], operateToken);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /^lanes: not_seat_member: /);
    assertNoSecrets(refused);
  });

  void it('trigger dispatches the lane’s workflow (202 → exit 0)', async () => {
    // PL-04 belongs to the promotion flow (only promote dispatches it); PL-01 is free on feature refs.
    const r = await cli(['trigger', 'PL-01', '--ref', 'feature/x', '--reason', 'rerun'], operateToken);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^triggered PL-01: \d+ dispatch(es)? queued/);
    const { body } = await api<{ events: { action: string; objectId: string }[] }>(
      'GET',
      '/api/v1/audit?limit=20',
      undefined,
      readToken,
    );
    assert.ok(
      body.events.some((e) => e.objectId === 'PL-01' || e.objectId.includes('PL-01')),
      JSON.stringify(body.events.map((e) => [e.action, e.objectId])),
    );
  });

  void it('usage errors exit 2 without calling the server', async () => {
    const [outcome, missing, pair, limit, noSub] = await Promise.all([
      lanesCli(['evidence', 'report', '--check', 'x', '--outcome', 'maybe', '--sha', SHA]),
      lanesCli(['release', 'create', '--version', 'v1.4.0']),
      lanesCli(['release', 'create', '--version', 'v1.4.0', '--sha', SHA, '--manifest', 'novalue']),
      lanesCli(['audit', '--limit', '0']),
      lanesCli(['release']),
    ]);
    assert.equal(outcome.code, 2);
    assert.match(outcome.stderr, /Allowed choices are passed, failed, pending/);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--sha/);
    assert.equal(pair.code, 2);
    assert.match(pair.stderr, /expected key=value/);
    assert.equal(limit.code, 2);
    assert.equal(noSub.code, 2);
  });
});

void describe('CLI formatting helpers', () => {
  void it('aligns columns on plain text and colours status words only when asked', () => {
    const rows = [
      { id: 'PL-01', status: 'green' },
      { id: 'PL-10', status: 'failed' },
    ];
    const cols = [
      { header: 'ID', value: (r: { id: string }) => r.id },
      { header: 'Status', value: (r: { status: string }) => r.status, style: statusStyle },
      { header: 'Note', value: () => 'x' },
    ];
    assert.equal(formatTable(cols, rows), 'ID     Status  Note\nPL-01  green   x\nPL-10  failed  x');
    const colored = formatTable(cols, rows, { color: true });
    assert.ok(colored.includes('\u001b[32mgreen\u001b[0m   x'));
    assert.ok(colored.includes('\u001b[31mfailed\u001b[0m  x'));
    assert.equal(colored.replace(/\u001b\[\d+m/g, ''), formatTable(cols, rows));
  });

  void it('colour needs a TTY and no NO_COLOR; times are the screen’s UTC minutes; timeouts are named', () => {
    assert.equal(useColor({ isTTY: true }, {}), true);
    assert.equal(useColor({ isTTY: true }, { NO_COLOR: '1' }), false);
    assert.equal(useColor({ isTTY: false }, {}), false);
    assert.equal(utcMinute('2026-03-10T20:48:59.999+00:00'), '2026-03-10 20:48 UTC');
    assert.equal(utcMinute(null), '-');
    const timeout = new Error('The operation was aborted due to timeout');
    timeout.name = 'TimeoutError';
    assert.equal(describeFetchError(timeout, 15_000), 'timed out after 15 s');
  });
});
