// Bad and hostile input on the webhook endpoint of the real `lanes up` process: malformed, truncated and
// pathological JSON, bad or missing signatures, bodies over 25 MB, and hostile-but-valid names (CR/LF,
// ANSI escapes, <script>, ../, $(id)). Each is refused with a 4xx or stored and ignored; the process does
// not crash, state does not change, and every line the server logs stays one JSON line (encoded).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { openStore } from '../../src/store/open-store.ts';
import type { Store } from '../../src/store/store.ts';
import { signBody } from '../../src/cli/replay.ts';
import { SECRET, sendDelivery, waitFor, workflowRunPayload } from '../helpers/lanes-harness.ts';
import { freshSqliteDir } from '../helpers/test-database.ts';
import { countRunTransitions, runStates, startLanesChild, type LanesChild } from './reliability-helpers.ts';
import { storedDelivery } from '../helpers/store-rows.ts';

const PRINTABLE =
  'feature/<script>alert(1)</script>/../../etc/passwd/$(id)/`id`/"quoted"/\'single\'/%0d%0a/ünïcødé';
const CONTROL = 'main\r\nX-Injected: 1\u001b[31;1mRED\u001b[0m<script>alert(1)</script>$(id)';

function validRun(runId: number, extra: { branch?: string; name?: string } = {}): Record<string, unknown> {
  const t = '2026-03-04T10:00:00.000Z';
  return workflowRunPayload({
    runId,
    workflowFile: 'deploy-staging.yml',
    workflowName: extra.name ?? 'deploy-staging',
    status: 'completed',
    conclusion: 'success',
    startedAt: t,
    updatedAt: t,
    ...(extra.branch !== undefined ? { branch: extra.branch } : {}),
  });
}

/** POST a raw body (string or bytes) signed or not; streams with chunked encoding when `chunked`. */
function rawPost(
  url: string,
  body: Buffer,
  headers: Record<string, string>,
  chunked = false,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const u = new URL(`${url}/webhooks/github`);
    const req = request(
      {
        host: u.hostname,
        port: u.port,
        path: u.pathname,
        method: 'POST',
        headers: chunked ? headers : { ...headers, 'content-length': String(body.length) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', (e: NodeJS.ErrnoException) => {
      // The server may close the connection after answering 413 while we are still writing.
      if (e.code === 'EPIPE' || e.code === 'ECONNRESET') resolve(-1);
      else reject(e);
    });
    if (chunked) {
      const step = 1024 * 1024;
      for (let at = 0; at < body.length; at += step) req.write(body.subarray(at, at + step));
      req.end();
    } else req.end(body);
  });
}

describe('hostile input on the webhook endpoint', () => {
  let lanes: LanesChild;
  let store: Store;
  let dataDir: string;

  before(async () => {
    dataDir = await freshSqliteDir();
    lanes = await startLanesChild({ LANES_DATA_DIR: dataDir, LANES_LOG_LEVEL: 'debug' });
    store = await openStore({ dataDir });
    // A baseline run, so "no state change" has something to compare.
    assert.equal((await sendDelivery(lanes.url, 'workflow_run', validRun(700_001))).status, 202);
    await waitFor(async () => (await store.inboxStats()).pending === 0, 'baseline processed');
  });

  after(async () => {
    await store.close();
    await lanes.stop();
  });

  async function unchanged(fn: () => Promise<void>): Promise<void> {
    const states = await runStates(store);
    const transitions = await countRunTransitions(store);
    await fn();
    await waitFor(async () => (await store.inboxStats()).pending === 0, 'inbox drained', 60_000);
    assert.deepEqual(await runStates(store), states, 'run states unchanged');
    assert.equal(await countRunTransitions(store), transitions, 'no run transitions');
    assert.ok(lanes.alive(), 'the server is still running');
    assert.equal((await fetch(`${lanes.url}/healthz`)).status, 200);
  }

  it('refuses malformed and truncated JSON with 400 (signed correctly)', async () => {
    await unchanged(async () => {
      const full = JSON.stringify(validRun(700_002));
      for (const body of [
        '{',
        'not json',
        full.slice(0, full.length / 2),
        '{"action": "completed",}',
        '\u0000\u0001',
        '',
        '[1,2,3]',
        '"text"',
        'null',
        '\uFEFF{}x',
      ]) {
        const r = await sendDelivery(lanes.url, 'workflow_run', body);
        assert.equal(r.status, 400, `body ${JSON.stringify(body.slice(0, 40))}: ${r.status}`);
        assert.equal(await storedDelivery(store, r.guid), undefined, 'nothing stored');
      }
    });
  });

  it('stores and ignores pathological but valid JSON: deep nesting, huge arrays, 20 MB strings', async () => {
    await unchanged(async () => {
      const depth = 100_000;
      const deepObject = `{"action":"completed","workflow_run":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`;
      const deepArray = `${'['.repeat(depth)}${']'.repeat(depth)}`;
      const hugeArray = JSON.stringify({
        action: 'completed',
        workflow_run: { id: 1, pull_requests: new Array(1_000_000).fill(0) },
      });
      const bigString = JSON.stringify({
        action: 'completed',
        workflow_run: { id: 2, name: 'x'.repeat(20 * 1024 * 1024) },
      });
      const deepRun = validRun(700_003);
      (deepRun.workflow_run as Record<string, unknown>).pull_requests = JSON.parse(
        `${'['.repeat(5000)}${']'.repeat(5000)}`,
      );
      const cases: [string, string, number[]][] = [
        ['deep object', deepObject, [202]],
        ['deep array (not an object)', deepArray, [400]],
        ['huge array', hugeArray, [202]],
        ['20 MB string', bigString, [202]],
      ];
      for (const [what, body, expected] of cases) {
        for (const event of ['workflow_run', 'workflow_job', 'deployment_status', 'ping']) {
          const r = await sendDelivery(lanes.url, event, body);
          assert.ok(expected.includes(r.status), `${what} as ${event}: ${r.status}`);
          if (r.status === 202) {
            const d = await waitFor(
              async () => {
                const x = await storedDelivery(store, r.guid);
                return x && x.status !== 'pending' ? x : undefined;
              },
              `${what} processed`,
              60_000,
            );
            assert.ok(['ignored', 'processed', 'failed'].includes(d.status), `${what}: ${d.status}`);
          }
        }
      }
    });
  });

  it('refuses bad, missing and malformed signatures with 401 and stores nothing', async () => {
    await unchanged(async () => {
      const body = JSON.stringify(validRun(700_004));
      const sigs: (string | null)[] = [
        null,
        '',
        'sha256=',
        'sha256=zz',
        `sha256=${'0'.repeat(64)}`,
        signBody('another-secret-123', body),
        signBody(SECRET, body).replace('sha256=', 'sha1='),
        signBody(SECRET, `${body} `),
        `${signBody(SECRET, body)}0`,
      ];
      for (const signature of sigs) {
        const r = await sendDelivery(lanes.url, 'workflow_run', body, { signature });
        assert.equal(r.status, 401, `signature ${String(signature)}: ${r.status}`);
        assert.equal(await storedDelivery(store, r.guid), undefined);
      }
    });
  });

  it('refuses missing or malformed delivery headers with 400', async () => {
    await unchanged(async () => {
      const body = JSON.stringify(validRun(700_005));
      const sig = signBody(SECRET, body);
      const base = { 'content-type': 'application/json', 'x-hub-signature-256': sig };
      const cases: Record<string, string>[] = [
        { ...base, 'x-github-event': 'workflow_run' },
        { ...base, 'x-github-delivery': 'g-1' },
        { ...base, 'x-github-event': 'workflow_run', 'x-github-delivery': '../../etc/passwd' },
        { ...base, 'x-github-event': 'workflow_run; rm -rf /', 'x-github-delivery': 'g-2' },
        { ...base, 'x-github-event': 'workflow_run', 'x-github-delivery': 'x'.repeat(200) },
      ];
      for (const headers of cases) {
        const status = await rawPost(lanes.url, Buffer.from(body), headers);
        assert.equal(status, 400, JSON.stringify(headers));
      }
    });
  });

  it('refuses bodies over 25 MB with 413, with and without a content-length', async () => {
    await unchanged(async () => {
      const big = Buffer.alloc(26 * 1024 * 1024, 0x61);
      const headers = {
        'content-type': 'application/json',
        'x-github-event': 'workflow_run',
        'x-github-delivery': 'too-big-1',
        'x-hub-signature-256': signBody(SECRET, big.toString('latin1')),
      };
      const a = await rawPost(lanes.url, big, headers);
      assert.ok(a === 413 || a === -1, `declared length: ${a}`);
      const b = await rawPost(lanes.url, big, { ...headers, 'x-github-delivery': 'too-big-2' }, true);
      assert.ok(b === 413 || b === -1, `chunked: ${b}`);
      assert.equal(await storedDelivery(store, 'too-big-1'), undefined);
      assert.equal(await storedDelivery(store, 'too-big-2'), undefined);
    });
  });

  it('stores printable hostile names verbatim; control characters are stored and ignored; the API stays encoded', async () => {
    // Printable but hostile: HTML, path traversal, shell substitution, quotes. Git refs may hold all of these.
    const cases: { runId: number; branch?: string; name?: string }[] = [
      { runId: 700_010, branch: PRINTABLE },
      { runId: 700_011, name: PRINTABLE },
      { runId: 700_012, branch: PRINTABLE, name: PRINTABLE },
    ];
    for (const c of cases) {
      const r = await sendDelivery(lanes.url, 'workflow_run', validRun(c.runId, c));
      assert.equal(r.status, 202);
    }
    // With control characters (CR/LF, ESC): not a valid Git ref; GitHub never sends them in a branch.
    // Stored (202, auditable in the inbox) and then either applied verbatim or ignored — never a crash.
    const controlGuids: string[] = [];
    for (const [i, c] of [{ branch: CONTROL }, { name: CONTROL }].entries()) {
      const r = await sendDelivery(lanes.url, 'workflow_run', validRun(700_020 + i, c));
      assert.equal(r.status, 202);
      controlGuids.push(r.guid);
    }
    await waitFor(async () => (await store.inboxStats()).pending === 0, 'processed', 60_000);
    for (const c of cases) {
      const run = await store.getRun(c.runId);
      assert.ok(run, `run ${c.runId} stored`);
      if (c.branch !== undefined) assert.equal(run.headBranch, c.branch, 'branch stored verbatim');
      if (c.name !== undefined) assert.equal(run.workflowName, c.name, 'workflow name stored verbatim');
    }
    for (const [i, guid] of controlGuids.entries()) {
      const d = await storedDelivery(store, guid);
      assert.ok(
        d && (d.status === 'ignored' || d.status === 'processed'),
        `control-character delivery ${guid}: ${d?.status}`,
      );
      const run = await store.getRun(700_020 + i);
      if (d.status === 'ignored') assert.equal(run, undefined, 'an ignored delivery made no run');
      else assert.ok(run?.headBranch === CONTROL || run?.workflowName === CONTROL, 'applied verbatim');
    }
    // The API returns them JSON-encoded: no raw ESC or CR on the wire.
    const res = await fetch(`${lanes.url}/api/v1/workflows/WF-04?limit=50`);
    assert.equal(res.status, 200);
    const text = await res.text();
    assert.ok(
      text.includes('\\u003cscript') || text.includes('<script>'),
      'the hostile name is served (encoded as JSON)',
    );
    assert.ok(!text.includes('\u001b') && !text.includes('\r'), 'API body has no raw ESC or CR');
    assert.ok(lanes.alive());
  });

  it('every log line the server wrote is one JSON object without raw ESC or CR', async () => {
    // Runs last: the lines of every case above are in the captured stdout.
    await new Promise((r) => setTimeout(r, 200));
    const lines = lanes.stdoutLines();
    assert.ok(lines.length > 0, 'the server logged something');
    for (const line of lines) {
      assert.ok(!line.includes('\u001b'), `raw ESC in a log line: ${line.slice(0, 200)}`);
      assert.ok(!line.includes('\r'), `raw CR in a log line: ${line.slice(0, 200)}`);
      let parsed: unknown;
      assert.doesNotThrow(() => (parsed = JSON.parse(line)), `log line is JSON: ${line.slice(0, 200)}`);
      assert.equal(typeof parsed, 'object');
    }
  });
});
