// The exit codes of the compiled CLI (bin/lanes.js, after `npm run build:server`), as the README states
// them: 0 done, 1 refused (by the API, or by the CLI's own check, e.g. a token for a person in no seat; or
// the server could not start), 2 a usage error (a value outside the choices included) or no server to talk
// to. A usage error is one short message, never a stack trace. And the server process (`lanes up`)
// writes one log, JSON lines on stdout, also when it cannot start (a port in use).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import type { LanesProcess } from '../src/server.ts';
import { startTestLanes } from './helpers/lanes-harness.ts';
import { freshSqliteDir } from './helpers/test-database.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CATALOG = 'examples/ops/lanes.yaml';

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

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
        const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const STACK_FRAME = /^\s+at .+[:(]/m;

/** A loopback port nobody listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const address = s.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

function jsonLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      let parsed: unknown;
      assert.doesNotThrow(() => (parsed = JSON.parse(l)), `a JSON log line: ${l.slice(0, 200)}`);
      assert.equal(typeof parsed, 'object', l);
      return parsed as Record<string, unknown>;
    });
}

describe('lanes exit codes', () => {
  let lanes: LanesProcess;

  before(async () => {
    lanes = await startTestLanes('sqlite', { openReads: true });
  });
  after(async () => {
    await lanes?.close();
  });

  const usage: [string, string[], RegExp][] = [
    ['a misspelt command', ['stauts'], /unknown command 'stauts'/],
    ['a misspelt subcommand', ['catalog', 'valdate'], /unknown command 'valdate'/],
    ['an unknown global option', ['--jsonn'], /unknown option '--jsonn'/],
    ['an unknown command option', ['status', '--jsonn'], /unknown option '--jsonn'/],
    ['a missing argument', ['catalog', 'explain'], /missing required argument 'ref'/],
    ['a command group without its subcommand', ['catalog'], /Usage: lanes catalog/],
    ['a missing required option', ['evidence', 'report', '--check', 'lint', '--sha', 'abc1234'], /--outcome/],
    [
      'a value outside the choices',
      ['evidence', 'report', '--check', 'x', '--sha', 'abc1234', '--outcome', 'ok'],
      /--outcome/,
    ],
    // Checked before the server is asked (it would refuse them with exit 1 as the API's refusal).
    [
      'a delivery status outside the choices',
      ['deliveries', '--status', 'weird'],
      /Allowed choices are pending, processed, ignored, failed/,
    ],
    ['an effect state outside the choices', ['effects', '--state', 'weird'], /Allowed choices are pending/],
    ['a --limit above the API’s maximum', ['audit', '--limit', '5000'], /--limit must be at most 1000/],
    ['a --limit that is no number', ['deliveries', '--limit', 'lots'], /--limit must be a positive integer/],
  ];
  for (const [what, args, message] of usage) {
    it(`exits 2 on ${what} (lanes ${args.join(' ')}), with a message and no stack trace`, async () => {
      const r = await lanesCli(args);
      assert.equal(r.code, 2, `${r.stdout}${r.stderr}`);
      assert.match(r.stderr, message);
      assert.doesNotMatch(r.stderr, STACK_FRAME);
    });
  }

  it('exits 0 when a command succeeds (offline, help, and against a server)', async () => {
    const results = await Promise.all([
      lanesCli(['catalog', 'validate', CATALOG]),
      lanesCli(['--help']),
      lanesCli(['status', '--url', lanes.url]),
    ]);
    for (const r of results) assert.equal(r.code, 0, r.stderr);
    assert.match(results[2]?.stdout ?? '', /PL-01/);
  });

  it('exits 1 when the API refuses the call, with the refusal code on one line', async () => {
    // open reads, but an approval needs a token: 401
    const r = await lanesCli(['approve', 'RG-09', '--url', lanes.url]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /^lanes: unauthorized: /);
    assert.doesNotMatch(r.stderr, STACK_FRAME);
  });

  it('exits 1 when Lanes refuses to create a token for a person in no seat (a refusal, like the API’s)', async () => {
    const data = await freshSqliteDir();
    const r = await lanesCli(['token', 'create', '--person', 'nobody', '--catalog', CATALOG, '--data', data]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /refused: nobody is not a member of any seat/);
    assert.equal(r.stdout, '', 'no secret printed');
    assert.doesNotMatch(r.stderr, STACK_FRAME);
  });

  it('exits 2 when no server answers at --url', async () => {
    const r = await lanesCli(['status', '--url', `http://127.0.0.1:${await closedPort()}`]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^lanes: cannot reach http:\/\/127\.0\.0\.1:\d+/);
  });
});

describe('lanes up: one JSON log, also when it cannot start', () => {
  const env = { LANES_WEBHOOK_SECRET: 'exit-code-test-secret', LANES_LOG_LEVEL: 'info', DATABASE_URL: '' };

  it('a port in use: one fatal JSON line that says so, no stack trace, exit 1', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const address = blocker.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const data = await freshSqliteDir();
      const r = await lanesCli(
        ['up', '--port', String(port), '--host', '127.0.0.1', '--catalog', CATALOG, '--data', data],
        env,
      );
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.equal(r.stderr, '', 'nothing outside the JSON log');
      const lines = jsonLines(r.stdout);
      const fatal = lines.filter((l) => l.level === 60);
      assert.equal(fatal.length, 1, r.stdout);
      assert.equal(
        fatal[0]?.msg,
        `cannot start: port ${port} is already in use on 127.0.0.1 (stop the other process or pass --port / PORT)`,
      );
      assert.doesNotMatch(r.stdout, /EADDRINUSE|\\n\s+at /);
    } finally {
      blocker.close();
    }
  });

  it('a configuration error: JSON too, exit 2', async () => {
    const r = await lanesCli(['up', '--port', 'eighty', '--catalog', CATALOG], env);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.equal(r.stderr, '');
    const lines = jsonLines(r.stdout);
    assert.ok(lines.length >= 1 && lines.every((l) => l.level === 60), r.stdout);
    assert.match(String(lines[0]?.msg), /^configuration error: /);
  });

  it('serving and shutting down: every line on stdout is JSON, nothing on stderr', async () => {
    const data = await freshSqliteDir();
    const child = spawn(
      process.execPath,
      ['bin/lanes.js', 'up', '--port', '0', '--host', '127.0.0.1', '--catalog', CATALOG, '--data', data],
      { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    const exited = once(child, 'exit');
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const onData = () => {
          const m = /Lanes is serving (http:\/\/[^\s"]+)/.exec(out);
          if (m?.[1]) resolve(m[1]);
        };
        child.stdout.on('data', onData);
        child.once('exit', (code) => reject(new Error(`lanes up exited (${code}): ${out}${err}`)));
      });
      assert.equal((await fetch(`${url}/healthz`)).status, 200);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
    assert.equal(err, '', 'nothing outside the JSON log');
    const msgs = jsonLines(out).map((l) => String(l.msg));
    assert.ok(msgs.some((m) => m.startsWith('Lanes is serving http://127.0.0.1:')));
    assert.ok(msgs.includes('SIGTERM: shutting down'), msgs.join('\n'));
  });
});
