// Issue 11, deliverables 6 and 7, end to end against the local GitHub stand-in on both stores: the change
// summary comes from GitHub's compare API (one compare per release, base = the release in production,
// retried through the outbox after a 502), and a release's timeline lists its decisions, effects,
// approvals, runs and protection answers in time order with who did them — over the API and in
// `lanes release show` (the compiled CLI, spawned).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { issueToken } from '../src/http/auth.ts';
import type { ChangeSummaryView, ReleaseTimeline } from '../src/contract/views.ts';
import { STORE_KINDS } from './helpers/lanes-harness.ts';
import { sendGreenStaging, sendProtectionRequest, sendRun } from './helpers/github-events.ts';
import { compareOf, compareResponder, type FakeCommit } from './helpers/fake-compare.ts';
import { releaseHarness, type ReleaseHarness } from './helpers/release-harness.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const T0 = '2026-04-01T08:00:00.000Z'; // a Wednesday: no freeze window
const SHA1 = 'c0ffee00000000000000000000000000000000a1';
const SHA2 = 'c0ffee00000000000000000000000000000000a2';
const SHA3 = 'c0ffee00000000000000000000000000000000a3';

const HISTORY: FakeCommit[] = [
  { sha: SHA1, message: 'v1 work', login: 'hana' },
  {
    sha: 'c0ffee00000000000000000000000000000000b1',
    message: 'Queue backlog threshold\n\nlong body',
    login: 'ivan',
  },
  { sha: 'c0ffee00000000000000000000000000000000b2', message: 'Pulse feed freshness metric', login: 'jonas' },
  { sha: SHA2, message: 'Workspace isolation fix', login: 'giulia' },
  { sha: SHA3, message: 'Tune canary \u001b[31mhealth\u001b[0m', login: 'dmitri' },
];

/** Drives `version` on `sha` through both production lanes (ops, then pulse after its hold) to green. */
async function driveToProduction(h: ReleaseHarness, version: string, sha: string, at: string): Promise<void> {
  const rel = `rel-${version}`;
  const t = (min: number) => new Date(Date.parse(at) + min * 60_000).toISOString();
  // The clock moves with the times GitHub reports, so Lanes' own times and GitHub's interleave truly.
  h.setNow(t(1));
  await sendRun(h.lanes.url, {
    file: 'open-release-candidate.yml',
    name: 'open-release-candidate',
    sha,
    at: t(1),
    branch: version,
    actor: 'hana',
    jobs: ['change summary', 'freeze window', 'rollback target exists'].map((name) => ({ name })),
  });
  await h.advance(5);
  assert.equal((await h.api('ivan', 'POST', '/api/v1/gates/RG-07/approve', { release: rel })).status, 200);
  assert.equal((await h.api('dmitri', 'POST', '/api/v1/gates/RG-08/approve', { release: rel })).status, 200);
  h.setNow(t(10));
  const ops = await sendRun(h.lanes.url, {
    file: 'release-prod-ops.yml',
    name: 'release-prod-ops',
    sha,
    at: t(10),
    branch: version,
    open: true,
  });
  await sendProtectionRequest(h.lanes.url, { runId: ops, environment: 'prod-ops', sha, ref: version });
  await h.settle();
  await sendRun(h.lanes.url, {
    file: 'release-prod-ops.yml',
    name: 'release-prod-ops',
    sha,
    at: t(10),
    branch: version,
    runId: ops,
    jobs: ['ops checklist', 'canary health', 'queue backlog threshold'].map((name) => ({ name })),
  });
  await h.advance(1);
  h.setNow(t(12));
  const pulse = await sendRun(h.lanes.url, {
    file: 'release-prod-pulse.yml',
    name: 'release-prod-pulse',
    sha,
    at: t(12),
    branch: version,
    open: true,
  });
  await sendProtectionRequest(h.lanes.url, { runId: pulse, environment: 'prod-pulse', sha, ref: version });
  assert.equal((await h.api('jonas', 'POST', '/api/v1/gates/RG-09/approve', { release: rel })).status, 200);
  assert.equal((await h.api('giulia', 'POST', '/api/v1/gates/RG-10/approve', { release: rel })).status, 200);
  await h.advance(20); // the hold after ops passes: pulse's protection request is answered
  await sendRun(h.lanes.url, {
    file: 'release-prod-pulse.yml',
    name: 'release-prod-pulse',
    sha,
    at: t(12),
    branch: version,
    runId: pulse,
    jobs: ['feed freshness', 'workspace isolation'].map((name) => ({ name })),
  });
  await h.advance(1);
  await sendRun(h.lanes.url, {
    file: 'post-release-verify.yml',
    name: 'post-release-verify',
    sha,
    at: t(34),
    branch: version,
    environment: 'prod-ops',
    jobs: ['5xx', 'ws disconnect', 'queue lag', 'report success', 'alert duplication'].map((name) => ({
      name,
    })),
  });
  await h.advance(1);
}

/** A chat webhook stand-in: records each JSON message posted to it. */
async function startHook(): Promise<{ url: string; texts: () => string[]; close: () => Promise<void> }> {
  const got: { text: string; blocks?: { text?: { text?: string } }[] }[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      got.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as (typeof got)[number]);
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    texts: () => got.map((m) => `${m.text}\n${m.blocks?.[0]?.text?.text ?? ''}`),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** The example catalog plus an alert route that takes release summaries (and nothing else). */
function catalogWithSummaryRoute(hookUrl: string): string {
  const text = readFileSync('examples/ops/lanes.yaml', 'utf8').replace(
    'alert_routes:\n',
    `alert_routes:\n  - id: release-notes\n    url: ${hookUrl}\n    match: { rules: [release_created] }\n`,
  );
  assert.match(text, /id: release-notes/);
  const file = join(mkdtempSync(join(tmpdir(), 'lanes-timeline-')), 'lanes.yaml');
  writeFileSync(file, text);
  return file;
}

function lanesCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['bin/lanes.js', ...args],
      { cwd: ROOT, timeout: 60_000, env: { ...process.env, LANES_URL: '', LANES_TOKEN: '', NO_COLOR: '1' } },
      (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
    );
  });
}

for (const kind of STORE_KINDS) {
  describe(`change summary from GitHub and the release timeline (${kind})`, () => {
    let h: ReleaseHarness;
    let hook: Awaited<ReturnType<typeof startHook>>;
    let failNextCompare = false;
    const compares = () => h.github.calls.map(compareOf).filter((c) => c !== undefined);
    const summary = async (id: string) =>
      (await h.api('elena', 'GET', `/api/v1/releases/${id}`)).body.commits as ChangeSummaryView;

    before(async () => {
      hook = await startHook();
      h = await releaseHarness(kind, T0, { catalog: catalogWithSummaryRoute(hook.url) });
      const serve = compareResponder(HISTORY);
      h.github.setResponder((call) => {
        if (failNextCompare && compareOf(call)) {
          failNextCompare = false;
          return { status: 502, body: { message: 'Server Error' } };
        }
        return serve(call);
      });
    });
    after(async () => {
      await h.close();
      await hook.close();
    });

    it('the first release has nothing to compare with: no compare call, the summary says so', async () => {
      await sendGreenStaging(h.lanes.url, SHA1, '2026-04-01T07:00:00Z');
      await h.settle();
      const created = await h.api('hana', 'POST', '/api/v1/releases', {
        version: 'v1.0.0',
        sha: SHA1,
        changeSummary: ['first cut'],
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const c = created.body.commits as ChangeSummaryView;
      assert.equal(c.status, 'first_release');
      assert.deepEqual(c.lines, ['first cut']);
      assert.equal(compares().length, 0);
      assert.equal(hook.texts().length, 1, 'one "release created" message');
      assert.match(
        hook.texts()[0] ?? '',
        /release v1\.0\.0 \(c0ffee0\) created by hana[\s\S]*First release[\s\S]*first cut/,
      );
      await driveToProduction(h, 'v1.0.0', SHA1, T0);
      const v1 = await h.api('elena', 'GET', '/api/v1/releases/rel-v1.0.0');
      const lanes = v1.body.lanes as { id: string; status: string }[];
      assert.deepEqual(
        lanes.filter((l) => ['PL-08', 'PL-09', 'PL-10'].includes(l.id)).map((l) => l.status),
        ['green', 'green', 'green'],
        JSON.stringify(lanes),
      );
    });

    it('the next release is compared with the one in production: exactly one compare, commits shown', async () => {
      await sendGreenStaging(h.lanes.url, SHA2, '2026-04-01T09:00:00Z');
      h.setNow('2026-04-01T09:20:00.000Z');
      await h.settle();
      const created = await h.api('hana', 'POST', '/api/v1/releases', {
        version: 'v2.0.0',
        sha: SHA2,
        changeSummary: ['ops tuning'],
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.deepEqual(compares(), [{ repo: 'nata-onl/ops', base: SHA1, head: SHA2 }]);
      const c = await summary('rel-v2.0.0');
      assert.equal(c.status, 'fetched');
      assert.deepEqual(c.base, { releaseId: 'rel-v1.0.0', version: 'v1.0.0', sha: SHA1 });
      assert.equal(c.totalCommits, 3);
      assert.deepEqual(
        c.commits.map((x) => [x.sha.slice(-2), x.author, x.message]),
        [
          ['b1', 'ivan', 'Queue backlog threshold'],
          ['b2', 'jonas', 'Pulse feed freshness metric'],
          ['a2', 'giulia', 'Workspace isolation fix'],
        ],
      );
      assert.equal(c.commits[2]?.url, `https://github.com/nata-onl/ops/commit/${SHA2}`);
      assert.deepEqual(c.lines, ['ops tuning'], 'the caller’s lines stay beside the commits');
      // Re-evaluations and a second settle do not compare again, nor announce again.
      await h.advance(2);
      assert.equal(compares().length, 1);
      const sent = hook.texts().filter((t) => t.includes('release v2.0.0'));
      assert.equal(sent.length, 1, 'the summary is announced once, when the commits arrived');
      assert.match(
        sent[0] ?? '',
        /3 commit\(s\) since v1\.0\.0[\s\S]*Queue backlog threshold \(ivan\)[\s\S]*ops tuning/,
      );
      // Alerts (critical, warning) do not go to a route that takes only release summaries.
      assert.ok(hook.texts().every((t) => /release v\d/.test(t)));
    });

    it('a compare that fails with 502 is retried through the outbox, then shown', async () => {
      await sendGreenStaging(h.lanes.url, SHA3, '2026-04-01T09:30:00Z');
      h.setNow('2026-04-01T09:50:00.000Z');
      await h.settle();
      failNextCompare = true;
      const created = await h.api('hana', 'POST', '/api/v1/releases', { version: 'v3.0.0', sha: SHA3 });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.equal(compares().length, 2, 'the failed attempt');
      assert.equal((await summary('rel-v3.0.0')).status, 'pending');
      assert.equal(
        hook.texts().filter((t) => t.includes('release v3.0.0')).length,
        0,
        'not before the commits',
      );
      await h.advance(1); // past the first backoff
      assert.deepEqual(compares().slice(1), [
        { repo: 'nata-onl/ops', base: SHA1, head: SHA3 },
        { repo: 'nata-onl/ops', base: SHA1, head: SHA3 },
      ]);
      const c = await summary('rel-v3.0.0');
      assert.equal(c.status, 'fetched');
      assert.equal(c.totalCommits, 4);
      assert.equal(hook.texts().filter((t) => t.includes('release v3.0.0')).length, 1);
      assert.equal(c.commits.at(-1)?.message, 'Tune canary [31mhealth[0m', 'control characters removed');
      const tl = (await h.api('elena', 'GET', '/api/v1/releases/rel-v3.0.0/timeline'))
        .body as ReleaseTimeline;
      assert.ok(
        tl.entries.some((e) => e.kind === 'effect' && /^sent compare/.test(e.summary)),
        JSON.stringify(tl.entries),
      );
    });

    it('the timeline lists create, approvals, dispatches, runs and protection answers in order, with who', async () => {
      const res = await h.api('elena', 'GET', '/api/v1/releases/rel-v1.0.0/timeline');
      assert.equal(res.status, 200);
      const tl = res.body as ReleaseTimeline;
      const at = (pred: (e: ReleaseTimeline['entries'][number]) => boolean, what: string): number => {
        const i = tl.entries.findIndex(pred);
        assert.ok(i >= 0, `${what} missing from ${JSON.stringify(tl.entries, null, 1)}`);
        return i;
      };
      const created = at((e) => e.kind === 'decision' && e.summary.startsWith('release.created'), 'create');
      assert.match(tl.entries[created]?.who ?? '', /^hana/);
      const rg07 = at((e) => e.kind === 'approval' && e.summary.startsWith('approved RG-07'), 'RG-07');
      assert.equal(tl.entries[rg07]?.who, 'ivan');
      const rg08 = at((e) => e.kind === 'approval' && e.summary.startsWith('approved RG-08'), 'RG-08');
      assert.equal(tl.entries[rg08]?.who, 'dmitri');
      const opened = at(
        (e) => e.kind === 'effect' && e.summary === 'sent dispatch open-release-candidate.yml @ v1.0.0',
        'opening dispatch',
      );
      const opsDispatch = at(
        (e) => e.kind === 'effect' && e.summary === 'sent dispatch release-prod-ops.yml @ v1.0.0',
        'ops dispatch',
      );
      const opsRun = at((e) => e.kind === 'run' && /^PL-08 run \d+ started/.test(e.summary), 'ops run');
      const opsAnswer = at(
        (e) => e.kind === 'protection' && /^protection approved .*\(prod-ops\)/.test(e.summary),
        'ops answer',
      );
      const opsDone = at(
        (e) => e.kind === 'run' && /^PL-08 run \d+ completed: success/.test(e.summary),
        'ops done',
      );
      const rg09 = at((e) => e.kind === 'approval' && e.summary.startsWith('approved RG-09'), 'RG-09');
      assert.equal(tl.entries[rg09]?.who, 'jonas');
      const pulseAnswer = at(
        (e) => e.kind === 'protection' && /^protection approved .*\(prod-pulse\)/.test(e.summary),
        'pulse answer',
      );
      assert.equal(tl.entries[pulseAnswer]?.who, 'lanes');
      assert.ok(
        created < opened && opened < rg07 && rg07 < rg08 && rg08 <= opsDispatch,
        'create, approvals, dispatch',
      );
      assert.ok(opsDispatch < opsRun && opsRun < opsAnswer && opsAnswer <= opsDone, 'dispatch, run, answer');
      assert.ok(opsDone < rg09 && rg09 < pulseAnswer, 'ops, then the pulse approvals and answer');
      const times = tl.entries.map((e) => Date.parse(e.at));
      assert.deepEqual(
        times,
        [...times].sort((a, b) => a - b),
        'oldest first',
      );
      // Another release's decisions are not in this one's timeline.
      assert.ok(!tl.entries.some((e) => e.summary.includes('v2.0.0') || e.links.release !== 'rel-v1.0.0'));
      const missing = await h.api('elena', 'GET', '/api/v1/releases/rel-nope/timeline');
      assert.equal(missing.status, 404);
    });

    it(
      '`lanes release show` prints the header, lanes, gates, change summary and timeline',
      { skip: kind !== 'sqlite' && 'the CLI reads the API only: one store is enough' },
      async () => {
        assert.ok(existsSync(`${ROOT}dist/cli/main.js`), 'run `npm run build:server` first');
        const token = (
          await issueToken(h.lanes.store, { personId: 'elena', name: 'cli', scope: 'read', now: new Date() })
        ).token;
        const human = await lanesCli([
          'release',
          'show',
          'rel-v2.0.0',
          '--url',
          h.lanes.url,
          '--token',
          token,
        ]);
        assert.equal(human.code, 0, human.stderr);
        const text = human.stdout;
        assert.match(text, /^release rel-v2\.0\.0 \(v2\.0\.0\) c0ffee000000 /);
        assert.match(text, /created 2026-04-01 \d\d:\d\d UTC by hana/);
        assert.match(text, /\nLanes\n {2}ID +Name +Status/);
        assert.match(text, /\nGates\n {2}ID +Phase +Owner +State/);
        assert.match(text, /3 commit\(s\) since v1\.0\.0 \(c0ffee0\)/);
        assert.match(text, /c0ffee0 {2}Workspace isolation fix {2}\(giulia\)/);
        assert.match(text, /note: ops tuning/);
        assert.match(text, /\nTimeline\n {2}When +Kind +Who +What\n/);
        assert.match(text, /\n {2}2026-04-01 09:20 UTC +decision +hana \(tok_\w+\) +release\.created/);
        const v3 = await lanesCli(['release', 'show', 'rel-v3.0.0', '--url', h.lanes.url, '--token', token]);
        assert.ok(!v3.stdout.includes('\u001b'), 'escape sequences from GitHub are not printed');
        const json = await lanesCli([
          'release',
          'show',
          'rel-v2.0.0',
          '--json',
          '--url',
          h.lanes.url,
          '--token',
          token,
        ]);
        assert.equal(json.code, 0, json.stderr);
        const parsed = JSON.parse(json.stdout) as {
          release: { commits: ChangeSummaryView };
          timeline: ReleaseTimeline;
        };
        assert.equal(parsed.release.commits.commits.length, 3);
        assert.ok(parsed.timeline.entries.length > 0);
        const missing = await lanesCli([
          'release',
          'show',
          'rel-nope',
          '--url',
          h.lanes.url,
          '--token',
          token,
        ]);
        assert.equal(missing.code, 1);
      },
    );
  });
}
