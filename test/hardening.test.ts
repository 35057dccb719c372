// Hardening on both stores (issue 13): security headers on every kind of response, API bodies refused
// at 413 before parsing (and before authentication), the webhook's budget of unverified body bytes, the
// cap on live clients, http(s)-only evidence links, a store that is down answering 503 without its error
// text, /readyz probing a write, owner-only data files, a clear message when the port is taken, and the
// CLI's sanitising of terminal output.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import pino from 'pino';
import { issueToken } from '../src/http/auth.ts';
import { SECURITY_HEADERS } from '../src/http/security-headers.ts';
import { DEFAULT_LIMITS, type ResourceLimits } from '../src/resource-limits.ts';
import { startLanes } from '../src/server.ts';
import { SqliteStore, SQLITE_FILE } from '../src/store/sqlite-store.ts';
import { sanitiseText, terminalLine } from '../src/cli/terminal-text.ts';
import { signBody } from '../src/cli/replay.ts';
import { SECRET, STORE_KINDS, sendDelivery, startTestLanes, testConfig } from './helpers/lanes-harness.ts';
import { freshPostgresDatabase, getTestPostgresUrl } from './helpers/test-database.ts';

const limitsWith = (over: Partial<ResourceLimits>): ResourceLimits => ({ ...DEFAULT_LIMITS, ...over });

function assertSecurityHeaders(res: Response, what: string): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS))
    assert.equal(res.headers.get(name), value, `${what}: ${name}`);
  assert.match(res.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
  assert.doesNotMatch(res.headers.get('content-security-policy') ?? '', /unsafe-inline|unsafe-eval/);
}

for (const kind of STORE_KINDS) {
  describe(`hardening (${kind})`, () => {
    it('sends the security headers on every kind of response', async () => {
      const lanes = await startTestLanes(kind, { openReads: true });
      try {
        const cases: [string, RequestInit | undefined, number][] = [
          ['/healthz', undefined, 200],
          ['/readyz', undefined, 200],
          ['/api/v1/overview', undefined, 200],
          ['/api/v1/nothing-here', undefined, 404],
          ['/api/v1/releases', { method: 'POST' }, 401],
          ['/webhooks/github', { method: 'POST' }, 400],
          ['/', undefined, 200],
          ['/lanes/PL-01', undefined, 200],
        ];
        for (const [p, init, status] of cases) {
          const res = await fetch(`${lanes.url}${p}`, init);
          await res.arrayBuffer();
          assert.equal(res.status, status, p);
          assertSecurityHeaders(res, p);
        }
      } finally {
        await lanes.close();
      }
    });

    it('refuses API bodies over the limit with 413 before authentication, declared or streamed', async () => {
      const lanes = await startTestLanes(kind, { limits: limitsWith({ apiBodyBytes: 1024 }) });
      try {
        const big = JSON.stringify({ check: 'x'.repeat(2048), outcome: 'passed', sha: 'a'.repeat(40) });
        const declared = await fetch(`${lanes.url}/api/v1/evidence`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: big,
        });
        assert.equal(declared.status, 413);
        assert.equal(
          ((await declared.json()) as { error: { code: string } }).error.code,
          'payload_too_large',
        );
        // No Content-Length (chunked): counted as it streams, refused once past the limit.
        const chunks = [big.slice(0, 1000), big.slice(1000)];
        const streamed = await fetch(`${lanes.url}/api/v1/evidence`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: new ReadableStream({
            pull(c) {
              const next = chunks.shift();
              if (next === undefined) c.close();
              else c.enqueue(new TextEncoder().encode(next));
            },
          }),
          duplex: 'half',
        } as RequestInit);
        assert.equal(streamed.status, 413);
        // Under the limit the request goes on to authentication as before.
        const small = await fetch(`${lanes.url}/api/v1/evidence`, { method: 'POST', body: '{}' });
        assert.equal(small.status, 401);
      } finally {
        await lanes.close();
      }
    });

    it('stores only http(s) evidence links (422 otherwise)', async () => {
      const lanes = await startTestLanes(kind);
      try {
        // hana (SEAT-RELEASE) is a source the example catalog allows for `report success`.
        const { token } = await issueToken(lanes.store, {
          personId: 'hana',
          name: 'ci',
          scope: 'operate',
          now: new Date(),
        });
        const post = (url: string) =>
          fetch(`${lanes.url}/api/v1/evidence`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: JSON.stringify({ check: 'report success', outcome: 'passed', sha: 'b'.repeat(40), url }),
          });
        for (const bad of [
          'javascript:alert(1)',
          'data:text/html,<script>1</script>',
          'file:///etc/passwd',
          'ftp://x.example/a',
        ]) {
          const res = await post(bad);
          assert.equal(res.status, 422, bad);
          const body = (await res.json()) as { error: { code: string } };
          assert.equal(body.error.code, 'validation_failed', bad);
        }
        const ok = await post('https://ci.example.com/runs/1');
        assert.ok(ok.status < 300, `https accepted (${ok.status})`);
      } finally {
        await lanes.close();
      }
    });

    it('refuses unverified webhook bodies past the in-flight budget with 503, and keeps serving', async () => {
      const lanes = await startTestLanes(kind, { limits: limitsWith({ webhookInflightBytes: 4096 }) });
      try {
        const body = JSON.stringify({ action: 'completed', pad: 'x'.repeat(8000) });
        const res = await fetch(`${lanes.url}/webhooks/github`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-github-event': 'ping',
            'x-github-delivery': 'over-budget-1',
            'x-hub-signature-256': signBody(SECRET, body),
          },
          body,
        });
        assert.equal(res.status, 503);
        assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'overloaded');
        // The budget was given back: a delivery that fits is stored.
        const small = await sendDelivery(lanes.url, 'ping', { zen: 'ok' });
        assert.equal(small.status, 202);
        const again = await sendDelivery(lanes.url, 'ping', { zen: 'ok again' });
        assert.equal(again.status, 202);
      } finally {
        await lanes.close();
      }
    });

    it('caps live clients: past the cap a stream is refused with 503', async () => {
      const lanes = await startTestLanes(kind, { openReads: true, limits: limitsWith({ sseMaxClients: 2 }) });
      const aborts: AbortController[] = [];
      try {
        const open = async () => {
          const ac = new AbortController();
          aborts.push(ac);
          return fetch(`${lanes.url}/api/v1/events`, { signal: ac.signal });
        };
        const a = await open();
        const b = await open();
        assert.equal(a.status, 200);
        assert.equal(b.status, 200);
        const c = await open();
        assert.equal(c.status, 503);
        assertSecurityHeaders(c, 'refused stream');
      } finally {
        for (const ac of aborts) ac.abort();
        await lanes.close();
      }
    });

    it('says in one sentence that the port is in use', async () => {
      const blocker = net.createServer();
      await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
      const address = blocker.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      try {
        const config = await testConfig(kind, { port });
        await assert.rejects(
          startLanes(config, { log: pino({ level: 'silent' }) }),
          (e: Error) =>
            e.message ===
            `port ${port} is already in use on 127.0.0.1 (stop the other process or pass --port / PORT)`,
        );
      } finally {
        blocker.close();
      }
    });
  });
}

describe('store down or unable to write', () => {
  it('PostgreSQL unreachable: the API answers 503 and /readyz false, with no database text', async () => {
    // Lanes reaches PostgreSQL through a TCP relay this test can cut, as a network partition would.
    const target = new URL(await freshPostgresDatabase());
    const upstream = new URL(await getTestPostgresUrl());
    const sockets = new Set<net.Socket>();
    const relay = net.createServer((client) => {
      const server = net.connect(Number(upstream.port || 5432), upstream.hostname);
      sockets.add(client).add(server);
      client.pipe(server).pipe(client);
      const drop = () => {
        client.destroy();
        server.destroy();
      };
      client.on('error', drop).on('close', drop);
      server.on('error', drop).on('close', drop);
    });
    await new Promise<void>((r) => relay.listen(0, '127.0.0.1', r));
    const relayAddress = relay.address();
    target.host = `127.0.0.1:${typeof relayAddress === 'object' && relayAddress ? relayAddress.port : 0}`;
    const lanes = await startTestLanes('postgres', { databaseUrl: target.toString(), openReads: true });
    try {
      assert.equal((await fetch(`${lanes.url}/readyz`)).status, 200);
      relay.close();
      for (const s of sockets) s.destroy();
      await new Promise((r) => setTimeout(r, 200));
      for (const p of ['/api/v1/releases', '/api/v1/audit']) {
        const res = await fetch(`${lanes.url}${p}`);
        const text = await res.text();
        assert.equal(res.status, 503, `${p}: ${text}`);
        assert.equal((JSON.parse(text) as { error: { code: string } }).error.code, 'store_unavailable');
        assert.doesNotMatch(text, /ECONN|127\.0\.0\.1|postgres|terminated|lanes_t_/i, p);
      }
      const ready = await fetch(`${lanes.url}/readyz`);
      const text = await ready.text();
      assert.equal(ready.status, 503);
      assert.equal((JSON.parse(text) as { ready: boolean }).ready, false);
      assert.doesNotMatch(text, /ECONN|127\.0\.0\.1|terminated|lanes_t_/i);
      assert.equal((await fetch(`${lanes.url}/healthz`)).status, 200);
    } finally {
      await lanes.close().catch(() => undefined);
    }
  });

  it('SQLite full (max_page_count): /readyz false, webhooks 503, nothing internal shown', async () => {
    const lanes = await startTestLanes('sqlite');
    try {
      assert.equal((await fetch(`${lanes.url}/readyz`)).status, 200);
      assert.ok(lanes.store instanceof SqliteStore);
      const pages = Number(lanes.store.pragma('page_count'));
      lanes.store.pragma(`max_page_count = ${pages}`);
      const ready = await fetch(`${lanes.url}/readyz`);
      const text = await ready.text();
      assert.equal(ready.status, 503, text);
      assert.doesNotMatch(text, /SQLITE_|database or disk|lanes\.db/i);
      const big = await sendDelivery(lanes.url, 'ping', { zen: 'x'.repeat(64 * 1024) });
      assert.equal(big.status, 503);
      assert.doesNotMatch(JSON.stringify(big.body), /SQLITE_|database or disk|lanes\.db/i);
      lanes.store.pragma(`max_page_count = 1073741823`);
      await new Promise((r) => setTimeout(r, 1100)); // past the ingest writer's fail-fast window
      assert.equal((await sendDelivery(lanes.url, 'ping', { zen: 'room again' })).status, 202);
      assert.equal((await fetch(`${lanes.url}/readyz`)).status, 200);
    } finally {
      await lanes.close();
    }
  });

  it('keeps the SQLite data directory owner-only (0700) and its files 0600', async () => {
    const lanes = await startTestLanes('sqlite');
    try {
      await sendDelivery(lanes.url, 'ping', { zen: 'files' });
      const dir = lanes.config.dataDir;
      assert.equal(fs.statSync(dir).mode & 0o777, 0o700);
      for (const f of fs.readdirSync(dir).filter((n) => n.startsWith(SQLITE_FILE)))
        assert.equal(fs.statSync(path.join(dir, f)).mode & 0o777, 0o600, f);
    } finally {
      await lanes.close();
    }
  });
});

describe('terminal output', () => {
  const cases: [string, string, string][] = [
    ['clear screen', 'ok\u001b[2J\u001b[Hdone', 'okdone'],
    ['window title (OSC)', 'a\u001b]0;pwned\u0007b', 'ab'],
    ['clipboard (OSC 52, ST)', 'a\u001b]52;c;ZXZpbA==\u001b\\b', 'ab'],
    ['hyperlink', '\u001b]8;;https://evil.example\u001b\\click\u001b]8;;\u001b\\', 'click'],
    ['carriage return overwrite', 'rm -rf /\rsafe', 'rm -rf /safe'],
    ['C1 CSI', 'a\u009b2Jb', 'a2Jb'],
    ['backspaces and bell', 'ab\b\b\u0007cd', 'abcd'],
    ['plain text, tabs and newlines kept', 'line 1\n\tline 2 — ok', 'line 1\n\tline 2 — ok'],
  ];
  for (const [what, input, expected] of cases)
    it(`strips ${what}`, () => assert.equal(sanitiseText(input), expected));

  it('keeps only colour codes in a printed line', () => {
    assert.equal(terminalLine('\u001b[32mok\u001b[0m \u001b[2J\u0000x'), '\u001b[32mok\u001b[0m x');
  });
});
