// docs/operations.md's commands, run as written against a real `lanes up` (the compiled CLI, the example
// catalog, a fresh SQLite store): the CI step reports its check with a service token the catalog grants the
// check to (`lint` ← `{ service: ci-bot }`), where a person's token is refused for a check no seat of theirs
// is granted; and `lanes backup` copies the live store without a sqlite3 binary (the runtime image has none).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { freshSqliteDir } from './helpers/test-database.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CATALOG = 'examples/ops/lanes.yaml';
const DOC = readFileSync(path.join(ROOT, 'docs/operations.md'), 'utf8');
const SHA = 'abc0000000000000000000000000000000000042';

interface CliResult {
  code: number;
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
        env: { ...process.env, LANES_URL: '', LANES_TOKEN: '', DATABASE_URL: '', NO_COLOR: '1', ...env },
      },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** The `lanes evidence report …` arguments of the documented CI step, with the runner's values filled in. */
function documentedReportArgs(): string[] {
  const step = /\n {4}(lanes evidence report [^\n]*\\\n(?: {6}[^\n]*\\\n)* {6}[^\n]*)\n/.exec(DOC);
  assert.ok(step?.[1], 'docs/operations.md has the evidence report step');
  const line = step[1]
    .replace(/\\\n\s*/g, ' ')
    .replace("${{ job.status == 'success' && 'passed' || 'failed' }}", 'passed')
    .replace('${{ github.sha }}', SHA)
    .replace(/\$\{\{ github\.run_id \}\}/g, '4242')
    .replace('${{ github.server_url }}/${{ github.repository }}', 'https://github.com/nata-onl/ops');
  assert.doesNotMatch(line, /\$\{\{/, line);
  return line.split(/\s+/).slice(1);
}

describe('docs/operations.md against a real `lanes up`', () => {
  let child: ChildProcess;
  let url = '';
  let data = '';

  before(async () => {
    data = await freshSqliteDir();
    child = spawn(
      process.execPath,
      ['bin/lanes.js', 'up', '--port', '0', '--host', '127.0.0.1', '--catalog', CATALOG, '--data', data],
      {
        cwd: ROOT,
        env: { ...process.env, LANES_WEBHOOK_SECRET: 'ops-doc-test-secret', DATABASE_URL: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let log = '';
    url = await new Promise<string>((resolve, reject) => {
      child.stdout?.on('data', (b: Buffer) => {
        log += b.toString();
        const m = /Lanes is serving (http:\/\/[^\s"]+)/.exec(log);
        if (m?.[1]) resolve(m[1]);
      });
      child.once('exit', (code) => reject(new Error(`lanes up exited (${code}): ${log}`)));
    });
  });
  after(async () => {
    if (child.exitCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    }
  });

  it('the CI step reports its check with the documented service token; a person’s token is refused', async () => {
    assert.match(DOC, /lanes token create --service ci-bot --scope operate/);
    const created = await lanesCli([
      'token',
      'create',
      '--service',
      'ci-bot',
      '--scope',
      'operate',
      '--name',
      'ci',
      '--catalog',
      CATALOG,
      '--data',
      data,
    ]);
    assert.equal(created.code, 0, created.stderr);
    const ci = created.stdout.trim();

    const args = documentedReportArgs();
    const r = await lanesCli(args, { LANES_URL: url, LANES_TOKEN: ci });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^evidence recorded: lint passed for abc000000000 on PL-01/);

    // What the doc said before: an operate token for a person, reporting a check no seat is granted.
    const person = await lanesCli(
      ['token', 'create', '--person', 'hana', '--scope', 'operate', '--catalog', CATALOG, '--data', data],
      {},
    );
    assert.equal(person.code, 0, person.stderr);
    const refused = await lanesCli(args, { LANES_URL: url, LANES_TOKEN: person.stdout.trim() });
    assert.equal(refused.code, 1, refused.stdout);
    assert.match(refused.stderr, /^lanes: evidence_source_not_allowed: /);
  });

  it('`lanes backup` copies the live store: a complete database with what the server wrote', async () => {
    assert.match(DOC, /lanes backup \/data\/lanes-backup\.db/);
    const file = path.join(data, 'lanes-backup.db');
    const r = await lanesCli(['backup', file, '--data', data]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^backed up .+lanes\.db to .+lanes-backup\.db \(\d+ pages\)\n$/);
    const copy = new Database(file, { readonly: true });
    try {
      assert.equal(copy.pragma('integrity_check', { simple: true }) as string, 'ok');
      const tokens = copy.prepare('select count(*) as n from tokens').get() as { n: number };
      assert.ok(tokens.n >= 2, 'the tokens created above are in the copy');
      const evidence = copy.prepare('select count(*) as n from evidence').get() as { n: number };
      assert.ok(evidence.n >= 1, 'the evidence reported above is in the copy');
    } finally {
      copy.close();
    }
    const again = await lanesCli(['backup', file, '--data', data]);
    assert.equal(again.code, 2, 'an existing file is not overwritten without --force');
    assert.match(again.stderr, /exists; pass --force/);
  });
});
