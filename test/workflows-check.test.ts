// The workflow contract: table-driven drift cases over sample workflow files (hand-written fixtures and the
// scaffolded examples, each case changing one thing), the input sets Lanes sends per lane, the scaffold
// satisfying the contract for every catalog workflow, and the CLI's exit codes (0 clean, 1 drift, 2 usage).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse as parseYaml } from 'yaml';
import { loadCatalogFile } from '../src/catalog/load-catalog.ts';
import type { Catalog } from '../src/catalog/catalog-schema.ts';
import {
  checkWorkflowContract,
  dispatchInputsFor,
  parseWorkflowFile,
  type ContractOptions,
  type DriftKind,
} from '../src/catalog/workflow-contract.ts';
import { scaffoldWorkflow } from '../src/catalog/workflow-scaffold.ts';
import { readWorkflowFiles } from '../src/cli/workflows-commands.ts';

const FIX = 'test/fixtures/workflows';
const HAND = join(FIX, 'handwritten');

function catalog(file: string): Catalog {
  const r = loadCatalogFile(file);
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('; '));
  return r.catalog;
}
const shop = catalog(join(FIX, 'lanes.yaml'));
const ops = catalog('examples/ops/lanes.yaml');

/** The fixture's files as text, by repository path. */
function filesOf(repoDir: string): Map<string, string> {
  const dir = join(repoDir, '.github/workflows');
  return new Map(
    readWorkflowFiles(repoDir).map((p) => {
      const file = p.ok ? p.workflow.file : p.file;
      return [file, readFileSync(join(dir, file.split('/').pop() ?? ''), 'utf8')];
    }),
  );
}

function kinds(c: Catalog, files: Map<string, string>, o: ContractOptions = {}): DriftKind[] {
  const parsed = [...files].map(([f, t]) => parseWorkflowFile(t, f));
  return checkWorkflowContract(c, parsed, o)
    .filter((d) => d.severity === 'error')
    .map((d) => d.kind)
    .sort();
}

type Edit = (files: Map<string, string>) => void;
const replace =
  (file: string, from: string | RegExp, to: string): Edit =>
  (files) => {
    const text = files.get(file);
    assert.ok(text !== undefined, file);
    const next = text.replace(from, to);
    assert.notEqual(next, text, `edit of ${file} changed nothing: ${String(from)}`);
    files.set(file, next);
  };
const remove =
  (file: string): Edit =>
  (files) => {
    assert.ok(files.delete(file));
  };

const DEPLOY = '.github/workflows/deploy.yaml';
const BUILD = '.github/workflows/build.yml';
const GATE: ContractOptions = { gateStepEnvironments: ['production'] };

const handCases: [string, Edit[], DriftKind[], ContractOptions?][] = [
  ['the fixtures as written', [], [], GATE],
  ['a workflow file removed', [remove(DEPLOY)], ['missing_workflow']],
  ['the lane input not declared', [replace(DEPLOY, '      lane: { type: string }\n', '')], ['missing_input']],
  [
    'no workflow_dispatch trigger',
    [replace(DEPLOY, /on:\n {2}workflow_dispatch:\n {4}inputs:\n(?: {6}.*\n)+/, 'on: [push]\n')],
    ['missing_trigger'],
  ],
  [
    'a required input Lanes never sends',
    [
      replace(
        DEPLOY,
        'dry_run: { type: boolean, required: false }',
        'ticket: { type: string, required: true }',
      ),
    ],
    ['unsent_required_input'],
  ],
  ['the bound job renamed', [replace(BUILD, 'name: Build and test', 'name: Build')], ['missing_job']],
  [
    'the environment renamed',
    [replace(DEPLOY, 'name: production', 'name: prod-eu')],
    ['missing_environment'],
  ],
  [
    'an expression environment is accepted as any',
    [replace(DEPLOY, 'name: production', 'name: ${{ inputs.env }}')],
    [],
  ],
  [
    'gate step missing in gate-step mode',
    [replace(DEPLOY, /      - uses: acme\/lanes.*\n.*\n/, '')],
    ['missing_gate_step'],
    GATE,
  ],
  [
    'gate step missing without gate-step mode',
    [replace(DEPLOY, /      - uses: acme\/lanes.*\n.*\n/, '')],
    [],
  ],
  [
    'gate step after the deploy step',
    [replace(DEPLOY, /( {6}- uses: acme\/lanes.*\n.*\n)( {6}- run: .*\n)/, '$2$1')],
    ['missing_gate_step'],
    GATE,
  ],
  ['a YAML syntax error', [replace(DEPLOY, 'jobs:', 'jobs: [')], ['unreadable_workflow']],
  ['too many inputs for older GHES', [], ['too_many_inputs'], { maxInputs: 4 }],
];

void describe('workflow contract: hand-written fixtures', () => {
  for (const [name, edits, expected, o] of handCases)
    void test(name, () => {
      const files = filesOf(HAND);
      for (const e of edits) e(files);
      assert.deepEqual(kinds(shop, files, o), expected);
    });

  void test('a typed input Lanes fills is a warning, not drift', () => {
    const files = filesOf(HAND);
    replace(DEPLOY, 'sha: { type: string }', 'sha: { type: number }')(files);
    const parsed = [...files].map(([f, t]) => parseWorkflowFile(t, f));
    const drifts = checkWorkflowContract(shop, parsed);
    assert.deepEqual(
      drifts.map((d) => [d.kind, d.severity]),
      [['typed_input', 'warning']],
    );
  });
});

const RELEASE_OPS = '.github/workflows/release-prod-ops.yml';
const ROLLBACK_OPS = '.github/workflows/rollback-prod-ops.yml';
const exampleCases: [string, Edit[], DriftKind[]][] = [
  ['the scaffolded examples as committed', [], []],
  [
    'a rollback input dropped',
    [replace(ROLLBACK_OPS, /      target_manifest:\n(?: {8}.*\n)+/, '')],
    ['missing_input'],
  ],
  [
    'the schedule trigger of the drill binding dropped',
    [replace(ROLLBACK_OPS, /  schedule:\n.*\n/, '')],
    ['missing_trigger'],
  ],
  [
    'the deploy-staging smoke job dropped',
    [replace('.github/workflows/deploy-staging.yml', /  smoke:\n[\s\S]*$/, '')],
    ['missing_job'],
  ],
  [
    'release-prod-ops deploys to another environment',
    [replace(RELEASE_OPS, 'environment: "prod-ops"', 'environment: "prod"')],
    ['missing_environment'],
  ],
];

void describe('workflow contract: the examples catalog and its scaffolded workflows', () => {
  for (const [name, edits, expected] of exampleCases)
    void test(name, () => {
      const files = filesOf('examples/workflows');
      assert.equal(files.size, ops.workflows.length);
      for (const e of edits) e(files);
      assert.deepEqual(kinds(ops, files, { gateStepEnvironments: ['prod-*'] }), expected);
    });

  void test('the rollback workflows (13 inputs) exceed older GHES (10) but not github.com (25)', () => {
    const files = filesOf('examples/workflows');
    const parsed = [...files].map(([f, t]) => parseWorkflowFile(t, f));
    const tooMany = (maxInputs?: number) =>
      checkWorkflowContract(ops, parsed, maxInputs === undefined ? {} : { maxInputs })
        .filter((d) => d.kind === 'too_many_inputs')
        .map((d) => [d.workflow, d.message.match(/declares (\d+)/)?.[1]]);
    assert.deepEqual(tooMany(10), [
      ['WF-10', '13'],
      ['WF-11', '13'],
    ]);
    assert.deepEqual(tooMany(), []);
  });

  void test('the committed examples are exactly what scaffold prints today', () => {
    const files = filesOf('examples/workflows');
    for (const wf of ops.workflows) assert.equal(files.get(wf.file), scaffoldWorkflow(ops, wf.id), wf.id);
  });
});

void describe('inputs Lanes sends per lane (mirrors the engine)', () => {
  const table: [string, string[]][] = [
    ['PL-03', []], // push: GitHub starts it
    ['PL-05', []], // after: GitHub starts it
    ['PL-06', ['release', 'version', 'sha', 'lane', 'effect_id']], // manual, promoted by hand
    ['PL-08', ['release', 'version', 'sha', 'lane', 'effect_id']], // approval
    ['PL-09', ['release', 'version', 'sha', 'lane', 'effect_id']], // hold
    ['PL-12', []], // scheduled drill
  ];
  for (const [id, inputs] of table)
    void test(id, () => {
      const lane = ops.lanes.find((l) => l.id === id);
      assert.ok(lane);
      assert.deepEqual(dispatchInputsFor(ops, lane), inputs);
    });
  void test('PL-11 (rollback) gets the thirteen rollback inputs', () => {
    const lane = ops.lanes.find((l) => l.id === 'PL-11');
    assert.ok(lane);
    const inputs = dispatchInputsFor(ops, lane);
    assert.equal(inputs.length, 13);
    for (const i of ['effect_id', 'target_release', 'target_manifest', 'incident', 'owner', 'reason'])
      assert.ok(inputs.includes(i));
  });
});

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}
function lanes(...args: string[]): Promise<Ran> {
  return new Promise((resolve) => {
    const env = { ...process.env };
    delete env.LANES_CATALOG;
    execFile(process.execPath, ['bin/lanes.js', ...args], { env, timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
    );
  });
}

void describe('lanes workflows (CLI)', () => {
  void test('check: 0 on the examples, JSON lists nothing', async () => {
    const r = await lanes(
      'workflows',
      'check',
      '--repo-dir',
      'examples/workflows',
      '--catalog',
      'examples/ops/lanes.yaml',
      '--json',
    );
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { ok: boolean; drifts: unknown[] };
    assert.deepEqual(out, { ok: true, catalog: 'examples/ops/lanes.yaml', drifts: [] });
  });
  void test('check: 1 on drift (a repository without the workflow files)', async () => {
    const r = await lanes('workflows', 'check', '--repo-dir', HAND, '--catalog', 'examples/ops/lanes.yaml');
    assert.equal(r.code, 1);
    assert.match(r.stdout, /WF-07 missing_workflow: WF-07 names \.github\/workflows\/release-prod-ops\.yml/);
    assert.match(r.stdout, /11 drift errors/);
  });
  void test('check: 2 on usage errors', async () => {
    assert.equal((await lanes('workflows', 'check', '--repo-dir', 'no/such/dir')).code, 2);
    const bad = await lanes('workflows', 'check', '--repo-dir', HAND, '--catalog', 'no-such.yaml');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /cannot read catalog/);
    assert.equal((await lanes('workflows', 'check', '--repo-dir', HAND, '--max-inputs', 'x')).code, 2);
  });
  void test('scaffold prints a workflow that parses; unknown id exits 2', async () => {
    const r = await lanes('workflows', 'scaffold', 'WF-07', '--catalog', 'examples/ops/lanes.yaml');
    assert.equal(r.code, 0, r.stderr);
    const p = parseWorkflowFile(r.stdout, RELEASE_OPS);
    assert.ok(p.ok);
    assert.ok(p.workflow.events.includes('workflow_dispatch'));
    assert.match(r.stdout, /id-token: write/);
    assert.match(r.stdout, /lanes-gate/);
    const missing = await lanes('workflows', 'scaffold', 'WF-99', '--catalog', 'examples/ops/lanes.yaml');
    assert.equal(missing.code, 2);
  });
});

/** The composite action's `run:` script and its env, with `${{ inputs.x }}` / `${{ github.x }}` filled in. */
function actionScript(file: string, inputs: Record<string, string>, github: Record<string, string>) {
  const doc = parseYaml(readFileSync(file, 'utf8')) as {
    runs: { steps: { run: string; env: Record<string, string> }[] };
  };
  const step = doc.runs.steps[0];
  assert.ok(step);
  const fill = (v: string) =>
    v.replace(/\$\{\{\s*(inputs|github)\.([\w-]+)\s*\}\}/g, (_m, ns: string, k: string) =>
      ns === 'inputs' ? (inputs[k] ?? '') : (github[k] ?? ''),
    );
  return { run: step.run, env: Object.fromEntries(Object.entries(step.env).map(([k, v]) => [k, fill(v)])) };
}

void describe('examples/actions/lanes-evidence (its shell step, run locally)', () => {
  void test('fetches an OIDC token for the audience and posts the evidence with it', async () => {
    const seen: { path: string; auth: string | undefined; body: string }[] = [];
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        seen.push({ path: req.url ?? '', auth: req.headers.authorization, body });
        if (req.url?.startsWith('/token')) {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ value: 'oidc.jwt.for-test' }));
        } else {
          res.writeHead(201, { 'content-type': 'application/json' });
          res.end('{"ok":true}');
        }
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const { run, env } = actionScript(
        'examples/actions/lanes-evidence/action.yml',
        {
          'lanes-url': `${base}/`,
          check: 'deploy-pack',
          outcome: 'passed',
          lane: 'PL-08',
          details: '',
          audience: 'lanes',
        },
        { server_url: 'https://github.com', repository: 'acme/shop', run_id: '991' },
      );
      const r = await new Promise<Ran>((resolve) =>
        execFile(
          'bash',
          ['-c', run],
          {
            env: {
              PATH: process.env.PATH ?? '/usr/bin:/bin',
              ...env,
              ACTIONS_ID_TOKEN_REQUEST_URL: `${base}/token?api-version=2.0`,
              ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'runtime-token',
              GITHUB_SHA: 'a'.repeat(40),
              GITHUB_RUN_ID: '991',
            },
            timeout: 30_000,
          },
          (err, stdout, stderr) =>
            resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
        ),
      );
      assert.equal(r.code, 0, r.stderr);
      assert.equal(seen[0]?.path, '/token?api-version=2.0&audience=lanes');
      assert.equal(seen[0]?.auth, 'bearer runtime-token');
      assert.equal(seen[1]?.path, '/api/v1/evidence');
      assert.equal(seen[1]?.auth, 'Bearer oidc.jwt.for-test');
      assert.deepEqual(JSON.parse(seen[1]?.body ?? ''), {
        check: 'deploy-pack',
        outcome: 'passed',
        sha: 'a'.repeat(40),
        runId: 991,
        url: 'https://github.com/acme/shop/actions/runs/991',
        lane: 'PL-08',
      });
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  void test('fails with a clear message when the job has no id-token permission', async () => {
    const { run, env } = actionScript(
      'examples/actions/lanes-evidence/action.yml',
      { 'lanes-url': 'http://127.0.0.1:9', check: 'x', outcome: 'passed' },
      {},
    );
    const r = await new Promise<Ran>((resolve) =>
      execFile(
        'bash',
        ['-c', run],
        { env: { PATH: process.env.PATH ?? '', ...env } },
        (err, stdout, stderr) =>
          resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
      ),
    );
    assert.equal(r.code, 1);
    assert.match(r.stdout, /id-token: write/);
  });
});
