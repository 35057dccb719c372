// What `lanes release promote` and `lanes release rollback` print is what Lanes did (the API's `answer`):
// dispatched which lane with which effect ids, or waiting for a rollback already dispatched — never the same
// line whatever happened (issue 11). The compiled CLI (bin/lanes.js) against a real server and store: the
// demo's failed v1.4.0 is rolled back twice (dispatched, then waiting), and a frozen release is promoted
// through its freeze (dispatched PL-08), then promoted again (refused: already dispatched, exit 1); and
// `release create` for a release already open says nothing was created.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { issueToken } from '../src/http/auth.ts';
import { demoClock, loadDemo, readDemoActions } from '../src/cli/demo-loader.ts';
import type { LanesProcess } from '../src/server.ts';
import { SECRET, startTestLanes } from './helpers/lanes-harness.ts';
import { sendGreenStaging, sendRun } from './helpers/github-events.ts';
import { releaseHarness, type ReleaseHarness } from './helpers/release-harness.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

function lanesCli(args: string[], url: string, token: string): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['bin/lanes.js', ...args],
      {
        cwd: ROOT,
        timeout: 60_000,
        env: { ...process.env, LANES_URL: url, LANES_TOKEN: token, NO_COLOR: '1' },
      },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe('lanes release rollback prints what Lanes did', () => {
  let lanes: LanesProcess;
  let elena: string;

  before(async () => {
    const clock = demoClock(readDemoActions().now);
    lanes = await startTestLanes('sqlite', { openReads: true }, { clock });
    const res = await loadDemo(lanes, SECRET, { clock });
    assert.equal(res.replay.failed.length, 0);
    elena = (
      await issueToken(lanes.store, { personId: 'elena', name: 'oncall', scope: 'operate', now: new Date() })
    ).token;
  });
  after(async () => {
    await lanes?.close();
  });

  it('the first rollback says it dispatched, with the effect ids; the second that it waits, sending nothing', async () => {
    const args = ['release', 'rollback', 'rel-v1.4.0', '--reason', 'pulse down', '--incident', 'INC-7'];
    const first = await lanesCli([...args, '--owner', 'elena'], lanes.url, elena);
    assert.equal(first.code, 0, first.stderr);
    const firstJson = await lanesCli([...args, '--owner', 'elena', '--json'], lanes.url, elena);
    const answer = (
      JSON.parse(firstJson.stdout) as { answer: { did: string; effects: string[]; detail: string } }
    ).answer;
    // The JSON call came second: it waits on what the first one dispatched.
    assert.equal(answer.did, 'waiting');
    const lines = first.stdout.trimEnd().split('\n');
    assert.match(lines[0] ?? '', /^rollback: dispatched .+ to roll back to v1\.3\.2$/);
    assert.equal(lines[1], `  effects sent: ${answer.effects.join(', ')}`);
    assert.match(lines[2] ?? '', /^ {2}release rel-v1\.4\.0 \(v1\.4\.0\) 6b398a8b63a1 rolling_back/);

    const second = await lanesCli([...args, '--owner', 'elena'], lanes.url, elena);
    assert.equal(second.code, 0, second.stderr);
    const again = second.stdout.trimEnd().split('\n');
    assert.equal(again[0], `rollback: waiting, nothing sent: ${answer.detail}`);
    assert.match(again[0] ?? '', /already dispatched/);
    assert.equal(again[1], `  effects under way: ${answer.effects.join(', ')}`);
    assert.notEqual(again[0], lines[0], 'two different outcomes, two different lines');
  });
});

describe('lanes release promote prints what Lanes did', () => {
  let h: ReleaseHarness;
  const SHA = 'c0ffee0000000000000000000000000000000031';

  before(async () => {
    h = await releaseHarness('sqlite', '2026-04-03T12:00:00.000Z');
    await sendGreenStaging(h.lanes.url, SHA, '2026-04-03T10:00:00Z');
    await sendRun(h.lanes.url, {
      file: 'open-release-candidate.yml',
      name: 'open-release-candidate',
      sha: SHA,
      at: '2026-04-03T11:00:00Z',
      branch: 'v2.1.0',
      jobs: ['change summary', 'freeze window', 'rollback target exists'].map((name) => ({ name })),
    });
    await h.settle();
    assert.equal(
      (await h.api('hana', 'POST', '/api/v1/releases', { version: 'v2.1.0', sha: SHA })).status,
      201,
    );
    h.setNow('2026-04-03T18:00:00.000Z'); // Friday evening: PL-08 frozen
    for (const [who, gate] of [
      ['ivan', 'RG-07'],
      ['dmitri', 'RG-08'],
    ] as const)
      assert.equal(
        (await h.api(who, 'POST', `/api/v1/gates/${gate}/approve`, { release: 'rel-v2.1.0' })).status,
        200,
      );
  });
  after(async () => {
    await h?.close();
  });

  it('promote through the freeze says it dispatched PL-08 with its effect id; again, the refusal says why', async () => {
    const admin = (
      await issueToken(h.lanes.store, { personId: 'ivan', name: 'cli', scope: 'admin', now: new Date() })
    ).token;
    const args = ['release', 'promote', 'rel-v2.1.0', '--override-reason', 'customer hotfix'];
    const r = await lanesCli(args, h.lanes.url, admin);
    assert.equal(r.code, 0, r.stderr);
    await h.settle();
    const dispatched = h.dispatches().filter((d) => d.file === 'release-prod-ops.yml');
    assert.equal(dispatched.length, 1);
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines[0], 'promote: dispatched PL-08');
    assert.equal(lines[1], `  effects sent: ${dispatched[0]?.inputs.effect_id ?? '?'}`);
    assert.match(lines[2] ?? '', /^ {2}release rel-v2\.1\.0 \(v2\.1\.0\) c0ffee000000 /);

    // Opening the same version on the same commit again answers the open release: nothing is created.
    const hana = (
      await issueToken(h.lanes.store, { personId: 'hana', name: 'cli', scope: 'operate', now: new Date() })
    ).token;
    const reopened = await lanesCli(
      ['release', 'create', '--version', 'v2.1.0', '--sha', SHA],
      h.lanes.url,
      hana,
    );
    assert.equal(reopened.code, 0, reopened.stderr);
    assert.match(reopened.stdout, /^already open, nothing created: release rel-v2\.1\.0 /);

    const again = await lanesCli(args, h.lanes.url, admin);
    assert.equal(again.code, 1, again.stdout);
    assert.match(
      again.stderr,
      /^lanes: conflict: PL-08 was already dispatched for v2\.1\.0 \(.+\); waiting for its run/,
    );
  });
});
