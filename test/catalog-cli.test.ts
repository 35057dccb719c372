// The offline catalog commands, spawned as a user runs them: `node bin/lanes.js catalog …`.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { Ajv2020 } from 'ajv/dist/2020.js';

const EXAMPLE = 'examples/ops/lanes.yaml';
const FIXTURES = 'test/fixtures/catalogs';

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[]): Promise<Ran> {
  return new Promise((resolve) => {
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.LANES_CATALOG;
    execFile(cmd, args, { env, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const lanes = (...args: string[]) => run(process.execPath, ['bin/lanes.js', ...args]);

function assertNoStackTrace(r: Ran): void {
  assert.doesNotMatch(r.stderr + r.stdout, /^\s+at .+[:(]\d+/m, 'no stack trace');
  assert.doesNotMatch(r.stderr, /Error:|TypeError|ReferenceError/);
}

void describe('lanes catalog summary', () => {
  void test('node bin/lanes.js catalog summary <example> --json prints the reference cards', async () => {
    const r = await lanes('catalog', 'summary', EXAMPLE, '--json');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '{"automated":9,"manual":5,"prod":5,"rollback":2}\n');
  });

  void test('the documented npm form prints the same', async () => {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const r = await run(npm, ['run', '--silent', 'lanes', '--', 'catalog', 'summary', EXAMPLE, '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { automated: 9, manual: 5, prod: 5, rollback: 2 });
  });

  void test('on an invalid catalog it exits 1 with the errors, not a summary', async () => {
    const r = await lanes('catalog', 'summary', join(FIXTURES, 'lane-cycle.yaml'), '--json');
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /lane-cycle\.yaml:18:14: lanes\[0\]\.trigger: lane ordering has a cycle/);
  });
});

void describe('lanes catalog validate', () => {
  void test('the example is valid (exit 0)', async () => {
    const r = await lanes('catalog', 'validate', EXAMPLE);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /ok \(12 lanes, 11 workflows, 13 gates, 6 seats\)/);
  });

  void test('several errors: exit 1, every error printed as file:line:column: path: message', async () => {
    const file = join(FIXTURES, 'several-reference-errors.yaml');
    const r = await lanes('catalog', 'validate', file);
    assert.equal(r.code, 1);
    assertNoStackTrace(r);
    assert.deepEqual(r.stderr.trimEnd().split('\n'), [
      `${file}:19:26: lanes[0].run_by[0].workflow: unknown workflow WF-09`,
      `${file}:22:33: lanes[1].trigger.lane: unknown lane PL-07`,
      `${file}:27:36: lanes[2].trigger.cron: invalid cron "0 25 * * *": CronPattern: Invalid value for hour: 25`,
      `${file}:30:42: gates[0].owner: gate RG-01 is owned by undefined seat SEAT-OPS`,
      `4 errors in ${file}`,
    ]);
  });

  void test('YAML syntax and unresolved aliases are reported, never thrown', async () => {
    for (const [name, line] of [
      ['yaml-syntax-error', ':18:55: Flow sequence'],
      ['unknown-alias', ':23:18: unknown alias *prod-envs'],
    ] as const) {
      const file = join(FIXTURES, `${name}.yaml`);
      const r = await lanes('catalog', 'validate', file);
      assert.equal(r.code, 1, name);
      assertNoStackTrace(r);
      assert.ok(r.stderr.startsWith(`${file}${line}`), r.stderr);
    }
  });

  void test('a missing file is a clean error', async () => {
    const r = await lanes('catalog', 'validate', 'no/such/lanes.yaml');
    assert.equal(r.code, 1);
    assertNoStackTrace(r);
    assert.equal(
      r.stderr,
      'no/such/lanes.yaml:1:1: cannot read catalog: no such file\n1 error in no/such/lanes.yaml\n',
    );
  });

  void test('--json reports the errors as data', async () => {
    const file = join(FIXTURES, 'bad-lane-id.yaml');
    const r = await lanes('catalog', 'validate', file, '--json');
    assert.equal(r.code, 1);
    assert.deepEqual(JSON.parse(r.stdout), {
      ok: false,
      errors: [{ file, line: 24, column: 9, path: 'lanes[2].id', message: 'must look like PL-xx' }],
    });
  });
});

void describe('lanes catalog schema', () => {
  void test('prints exactly lanes.schema.json, which a 2020-12 validator uses to accept the example and reject a bad one', async () => {
    const r = await lanes('catalog', 'schema');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      readFileSync('lanes.schema.json', 'utf8'),
      'lanes.schema.json drifted: regenerate it',
    );
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    ajv.addFormat('date-time', (s: string) => !Number.isNaN(Date.parse(s)) && /T/.test(s));
    ajv.addFormat('uri', (s: string) => URL.canParse(s));
    const validate = ajv.compile(JSON.parse(r.stdout) as Record<string, unknown>);
    assert.equal(validate(parseYaml(readFileSync(EXAMPLE, 'utf8'))), true, JSON.stringify(validate.errors));
    assert.equal(
      validate(parseYaml(readFileSync(join(FIXTURES, 'unknown-top-level-key.yaml'), 'utf8'))),
      false,
    );
    assert.ok(validate.errors?.some((e) => e.keyword === 'additionalProperties'));
  });
});

void describe('lanes catalog explain --json', () => {
  interface Out {
    event: string;
    lanes: string[];
    steps: { kind: string; lane?: string; gates?: string[]; blocks?: string }[];
  }
  const explain = async (...args: string[]): Promise<Out> => {
    const r = await lanes('catalog', 'explain', ...args, '-f', EXAMPLE, '--json');
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as Out;
  };

  void test('feature/x with no contract change → PL-01 only', async () => {
    const e = await explain('feature/x', '--changed', 'src/index.ts');
    assert.equal(e.event, 'pull_request');
    assert.deepEqual(e.lanes, ['PL-01']);
  });

  void test('fix/y touching migrations/001.sql → PL-01, PL-02', async () => {
    assert.deepEqual((await explain('fix/y', '--changed', 'migrations/001.sql')).lanes, ['PL-01', 'PL-02']);
  });

  void test('push to main → PL-03, PL-04, PL-05', async () => {
    const e = await explain('main');
    assert.equal(e.event, 'push');
    assert.deepEqual(e.lanes, ['PL-03', 'PL-04', 'PL-05']);
  });

  void test('tag v1.4.0: PL-07 only with --migrations; RG-07..RG-10 before PL-08, then PL-08, PL-09, PL-10', async () => {
    const plain = await explain('v1.4.0');
    assert.deepEqual(plain.lanes, ['PL-06', 'PL-08', 'PL-09', 'PL-10']);
    const withMigrations = await explain('v1.4.0', '--migrations');
    assert.equal(withMigrations.event, 'tag');
    assert.deepEqual(withMigrations.lanes, ['PL-06', 'PL-07', 'PL-08', 'PL-09', 'PL-10']);
    // Every Pre-Prod gate (RG-07..RG-10) sits after the preflight and right before the lane it blocks.
    const ids = withMigrations.steps.map((s) => (s.kind === 'lane' ? s.lane : s.kind));
    const gateSteps = withMigrations.steps
      .map((s, i) => ({ s, i }))
      .filter(({ s }) => s.kind === 'gates' && (s.gates ?? []).some((g) => /^RG-(07|08|09|10)$/.test(g)));
    assert.deepEqual(
      gateSteps.flatMap(({ s }) => s.gates),
      ['RG-07', 'RG-08', 'RG-09', 'RG-10'],
    );
    for (const { s, i } of gateSteps) {
      assert.ok(i > ids.indexOf('PL-07'), `${s.gates?.join(',')} after PL-07`);
      assert.ok(['PL-08', 'PL-09'].includes(s.blocks ?? ''), `${s.gates?.join(',')} blocks ${s.blocks}`);
      assert.ok(i < ids.indexOf(s.blocks ?? ''), `${s.gates?.join(',')} before ${s.blocks}`);
    }
    assert.equal(gateSteps[0]?.s.blocks, 'PL-08', 'the first Pre-Prod gates block PL-08');
  });

  void test('a bad --event is a usage error (exit 2)', async () => {
    const r = await lanes('catalog', 'explain', 'main', '-f', EXAMPLE, '--event', 'merge');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--event must be pull_request, push or tag/);
  });
});
