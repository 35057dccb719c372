// The catalog capability, in process: loading with positions, every invalid fixture rejected at the right
// file:line:column, the summary cards, the JSON Schema export, and the branch-policy explanation.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { Ajv2020 } from 'ajv/dist/2020.js';
import {
  loadCatalogFile,
  parseCatalog,
  formatCatalogError,
  type CatalogError,
} from '../src/catalog/load-catalog.ts';
import { catalogSchema, catalogJsonSchema, type Catalog } from '../src/catalog/catalog-schema.ts';
import { summarizeCatalog, isAutomated, isManual } from '../src/core/catalog-summary.ts';
import { explainRef, type ExplainStep } from '../src/core/branch-policy.ts';

const EXAMPLE = 'examples/ops/lanes.yaml';
const FIXTURES = 'test/fixtures/catalogs';

function loadExample(): Catalog {
  const r = loadCatalogFile(EXAMPLE);
  assert.ok(r.ok, r.ok ? '' : r.errors.map(formatCatalogError).join('\n'));
  return r.catalog;
}

void describe('the example catalog', () => {
  void test('validates', () => {
    const c = loadExample();
    assert.equal(c.lanes.length, 12);
    assert.equal(c.workflows.length, 11);
    assert.equal(c.gates.length, 13);
  });

  void test('yields the reference screen cards 9 / 5 / 5 / 2', () => {
    assert.deepEqual(summarizeCatalog(loadExample()), { automated: 9, manual: 5, prod: 5, rollback: 2 });
  });

  void test('the small fixture base validates too (so every invalid fixture differs from a valid file)', () => {
    const r = loadCatalogFile(join(FIXTURES, 'valid-minimal.yaml'));
    assert.ok(r.ok, r.ok ? '' : r.errors.map(formatCatalogError).join('\n'));
  });
});

// ---------------------------------------------------------------------------------------------------
// Invalid catalogs: each fixture has its own defect; we assert every reported error exactly.

interface Expected {
  line: number;
  column: number;
  path: string;
  message: RegExp;
}

const invalid: Record<string, Expected[]> = {
  'yaml-syntax-error': [
    { line: 18, column: 55, path: '', message: /^Flow sequence .* end with a \]/ },
    { line: 19, column: 5, path: '', message: /^Flow map .* end with a \}/ },
  ],
  'duplicate-key': [{ line: 22, column: 5, path: '', message: /^duplicate key "name"$/ }],
  'unknown-top-level-key': [{ line: 34, column: 1, path: 'pipelines', message: /^unknown key "pipelines"$/ }],
  'missing-required-field': [
    { line: 20, column: 5, path: 'lanes[1].name', message: /^missing required key "name"$/ },
  ],
  'wrong-type': [
    { line: 30, column: 63, path: 'gates[0].approvals', message: /expected number, received string/ },
  ],
  'bad-lane-id': [{ line: 24, column: 9, path: 'lanes[2].id', message: /^must look like PL-xx$/ }],
  'duplicate-lane-id': [
    {
      line: 24,
      column: 9,
      path: 'lanes[2].id',
      message: /^duplicate id PL-02 \(first defined at lanes\[1\]\)$/,
    },
  ],
  'unknown-workflow': [
    { line: 19, column: 26, path: 'lanes[0].run_by[0].workflow', message: /^unknown workflow WF-09$/ },
  ],
  'unknown-environment': [
    { line: 23, column: 19, path: 'lanes[1].environment[0]', message: /^unknown environment production$/ },
  ],
  'trigger-after-unknown-lane': [
    { line: 22, column: 33, path: 'lanes[1].trigger.lane', message: /^unknown lane PL-07$/ },
  ],
  'lane-cycle': [
    {
      line: 18,
      column: 14,
      path: 'lanes[0].trigger',
      message: /^lane ordering has a cycle: PL-01 → PL-02 → PL-01$/,
    },
  ],
  'invalid-glob-branches': [
    {
      line: 18,
      column: 45,
      path: 'lanes[0].trigger.branches[0]',
      message: /^invalid glob "feature\/\[abc": .*closing/,
    },
  ],
  'invalid-glob-paths': [
    {
      line: 18,
      column: 65,
      path: 'lanes[0].trigger.paths[0]',
      message: /^invalid glob "api\/\{v1,v2": .*closing/,
    },
  ],
  'invalid-cron': [
    {
      line: 27,
      column: 36,
      path: 'lanes[2].trigger.cron',
      message: /^invalid cron "61 \* \* \* \*": .*minute/,
    },
  ],
  'gate-undefined-seat': [
    {
      line: 30,
      column: 42,
      path: 'gates[0].owner',
      message: /^gate RG-01 is owned by undefined seat SEAT-OPS$/,
    },
  ],
  'promotion-flow-rollback-lane': [
    { line: 32, column: 24, path: 'promotion.flow[2]', message: /^promotion flow names rollback lane PL-03/ },
  ],
  'unknown-trigger-on': [
    {
      line: 27,
      column: 20,
      path: 'lanes[2].trigger.on',
      message: /^unknown trigger "webhook": "on" must be one of /,
    },
  ],
  'missing-trigger-on': [
    { line: 27, column: 14, path: 'lanes[2].trigger.on', message: /^missing required key "on"/ },
  ],
  'bad-duration': [
    {
      line: 22,
      column: 45,
      path: 'lanes[1].trigger.hold',
      message: /^must be a duration like 15m, 24h or 7d$/,
    },
  ],
  'freeze-without-cron-or-from': [
    { line: 35, column: 5, path: 'freeze_windows[0]', message: /needs cron \+ duration or from \+ until/ },
  ],
  'approvals-exceed-seat': [
    {
      line: 30,
      column: 63,
      path: 'gates[0].approvals',
      message: /^gate RG-01 needs 2 approvals but seat SEAT-REL has only 1 member$/,
    },
  ],
  'unknown-alias': [{ line: 23, column: 18, path: '', message: /^unknown alias \*prod-envs/ }],
  empty: [{ line: 1, column: 1, path: '', message: /^catalog is empty$/ }],
  'several-schema-errors': [
    { line: 24, column: 9, path: 'lanes[2].id', message: /^must look like PL-xx$/ },
    { line: 30, column: 63, path: 'gates[0].approvals', message: /expected number, received string/ },
    { line: 34, column: 1, path: 'pipelines', message: /^unknown key "pipelines"$/ },
  ],
  'several-reference-errors': [
    { line: 19, column: 26, path: 'lanes[0].run_by[0].workflow', message: /^unknown workflow WF-09$/ },
    { line: 22, column: 33, path: 'lanes[1].trigger.lane', message: /^unknown lane PL-07$/ },
    { line: 27, column: 36, path: 'lanes[2].trigger.cron', message: /^invalid cron "0 25 \* \* \*": .*hour/ },
    {
      line: 30,
      column: 42,
      path: 'gates[0].owner',
      message: /^gate RG-01 is owned by undefined seat SEAT-OPS$/,
    },
  ],
};

void describe('invalid catalogs are rejected at file:line:column', () => {
  void test('there are at least 15 distinct invalid fixtures', () => {
    assert.ok(Object.keys(invalid).length >= 15);
  });

  for (const [name, expected] of Object.entries(invalid)) {
    void test(name, () => {
      const file = join(FIXTURES, `${name}.yaml`);
      const r = loadCatalogFile(file);
      assert.equal(r.ok, false, `${file} should be rejected`);
      if (r.ok) return;
      const shown = r.errors.map(formatCatalogError).join('\n');
      assert.equal(r.errors.length, expected.length, `errors were:\n${shown}`);
      r.errors.forEach((e: CatalogError, i) => {
        const x = expected[i] as Expected;
        assert.equal(e.file, file);
        assert.deepEqual(
          { line: e.line, column: e.column, path: e.path },
          { line: x.line, column: x.column, path: x.path },
          shown,
        );
        assert.match(e.message, x.message);
      });
    });
  }

  void test('the reported position is where the defect is in the source', () => {
    // Independent check of the column arithmetic: the text at line:column is the offending token.
    const cases: [string, string][] = [
      ['bad-lane-id', 'pl_03'],
      ['unknown-workflow', 'WF-09'],
      ['duplicate-key', 'name: deploy-again'],
      ['unknown-top-level-key', 'pipelines'],
      ['gate-undefined-seat', 'SEAT-OPS'],
      ['unknown-trigger-on', 'webhook'],
      ['invalid-cron', "'61 * * * *'"],
    ];
    for (const [name, token] of cases) {
      const file = join(FIXTURES, `${name}.yaml`);
      const r = loadCatalogFile(file);
      assert.ok(!r.ok);
      const e = r.errors[0] as CatalogError;
      const line = readFileSync(file, 'utf8').split('\n')[e.line - 1] ?? '';
      assert.ok(line.slice(e.column - 1).startsWith(token), `${name}: "${line}" at column ${e.column}`);
    }
  });

  void test('a missing file is one clean error, not an exception', () => {
    const r = loadCatalogFile(join(FIXTURES, 'does-not-exist.yaml'));
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.deepEqual(r.errors.map(formatCatalogError), [
      `${join(FIXTURES, 'does-not-exist.yaml')}:1:1: cannot read catalog: no such file`,
    ]);
  });

  void test('a directory, a scalar document and a second document are clean errors', () => {
    const dir = loadCatalogFile(FIXTURES);
    assert.ok(!dir.ok && /is a directory/.test(dir.errors[0]?.message ?? ''));
    const scalar = parseCatalog('hello\n', 'x.yaml');
    assert.ok(!scalar.ok && /expected object, received string/.test(scalar.errors[0]?.message ?? ''));
    const two = parseCatalog(
      `${readFileSync(join(FIXTURES, 'valid-minimal.yaml'), 'utf8')}---\nversion: 1\n`,
      'x.yaml',
    );
    assert.ok(!two.ok);
    assert.match(two.errors[0]?.message ?? '', /single YAML document/);
  });

  void test('an alias bomb is refused without an exception', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i <= 6; i++)
      lines.push(
        `${'b'.repeat(i)}: &${'b'.repeat(i)} [${Array(10)
          .fill(i === 1 ? '*a' : `*${'b'.repeat(i - 1)}`)
          .join(', ')}]`,
      );
    const r = parseCatalog(`${lines.join('\n')}\n`, 'bomb.yaml');
    assert.ok(!r.ok);
    assert.match(r.errors[0]?.message ?? '', /alias count/i);
  });
});

void describe('hostile YAML never throws', () => {
  void test('a mapping used as a key is an error at its position', () => {
    const r = parseCatalog('version: 1\n? [a, b]\n: x\n', 'k.yaml');
    assert.ok(!r.ok);
    assert.deepEqual(
      r.errors.map((e) => `${e.line}:${e.column} ${e.message}`),
      ['2:3 keys must be plain strings, not mappings or sequences'],
    );
  });

  void test('150 seeded random mutations of the example: errors or a catalog, never an exception or warning', async () => {
    const src = readFileSync(EXAMPLE, 'utf8');
    const tokens = [
      '',
      ' ',
      ':',
      '- ',
      '[',
      ']',
      '{',
      '}',
      '*a',
      '&a ',
      '"',
      "'",
      '\t',
      '\n',
      '#',
      'PL-99',
      '~',
    ];
    const more = ['!!binary ', '? ', '|', '>', '%', '@', '0', 'true', '[[[[', '<<: *a', '---\n'];
    const pool = [...tokens, ...more];
    let seed = 20260312;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on('warning', onWarning);
    let rejected = 0;
    try {
      for (let i = 0; i < 150; i++) {
        let text = src;
        for (let j = 0, k = 1 + rnd(3); j < k; j++) {
          const at = rnd(text.length);
          text = text.slice(0, at) + (pool[rnd(pool.length)] ?? '') + text.slice(at + rnd(6));
        }
        const r = parseCatalog(text, 'mutated.yaml');
        if (r.ok) continue;
        rejected++;
        const lines = text.split('\n').length;
        for (const e of r.errors) {
          assert.ok(
            e.line >= 1 && e.line <= lines && e.column >= 1,
            `${formatCatalogError(e)} (of ${lines} lines)`,
          );
          assert.ok(e.message.length > 0);
        }
      }
      await new Promise((r) => setImmediate(r)); // process warnings are emitted on a later tick
    } finally {
      process.off('warning', onWarning);
    }
    assert.ok(rejected > 75, `most mutations should be rejected (${rejected})`);
    assert.deepEqual(warnings, []);
  });
});

// ---------------------------------------------------------------------------------------------------
// The README's catalog example must stay valid.

function readmeCatalog(): Catalog {
  const readme = readFileSync('README.md', 'utf8');
  const marker = readme.indexOf('<!-- catalog-example');
  assert.ok(marker >= 0, 'README.md lost its catalog-example marker');
  const start = readme.indexOf('```yaml\n', marker) + '```yaml\n'.length;
  const r = parseCatalog(readme.slice(start, readme.indexOf('```', start)), 'README.md');
  assert.ok(r.ok, r.ok ? '' : r.errors.map(formatCatalogError).join('\n'));
  return r.catalog;
}

void test('the catalog example in README.md validates (3 automated, 2 manual, 2 prod, 1 rollback)', () => {
  assert.deepEqual(summarizeCatalog(readmeCatalog()), { automated: 3, manual: 2, prod: 2, rollback: 1 });
});

// ---------------------------------------------------------------------------------------------------
// The summary, on hand-built catalogs.

function catalogOf(lanes: unknown[], environments: unknown[] = []): Catalog {
  return catalogSchema.parse({
    version: 1,
    zone: { id: 't', name: 'T', title: 'T' },
    repository: 'acme/t',
    environments,
    lanes,
  });
}

void describe('summarizeCatalog', () => {
  const envs = [{ id: 'staging' }, { id: 'prod', production: true }, { id: 'prod-like' }];

  void test('an approval-gated automated lane counts as both automated and manual', () => {
    const c = catalogOf([
      { id: 'PL-01', name: 'a', trigger: { on: 'after', lane: 'PL-02' }, requires_approval: true },
      { id: 'PL-02', name: 'b', trigger: { on: 'push', branches: ['main'] } },
    ]);
    assert.deepEqual(summarizeCatalog(c), { automated: 2, manual: 1, prod: 0, rollback: 0 });
    assert.ok(
      isAutomated(c.lanes[0] as Catalog['lanes'][number]) && isManual(c.lanes[0] as Catalog['lanes'][number]),
    );
  });

  void test('a manual trigger is manual only, even after other lanes', () => {
    const c = catalogOf([
      { id: 'PL-01', name: 'a', trigger: { on: 'push', branches: ['main'] } },
      { id: 'PL-02', name: 'b', trigger: { on: 'manual', after: ['PL-01'] } },
    ]);
    assert.deepEqual(summarizeCatalog(c), { automated: 1, manual: 1, prod: 0, rollback: 0 });
  });

  void test('an approval trigger without requires_approval is automated, not manual', () => {
    const c = catalogOf([
      { id: 'PL-01', name: 'a', trigger: { on: 'push', branches: ['main'] } },
      { id: 'PL-02', name: 'b', trigger: { on: 'approval', after: ['PL-01'] } },
    ]);
    assert.deepEqual(summarizeCatalog(c), { automated: 2, manual: 0, prod: 0, rollback: 0 });
  });

  void test('prod counts environments flagged production, once per lane, not by name', () => {
    const c = catalogOf(
      [
        { id: 'PL-01', name: 'a', trigger: { on: 'manual' }, environment: ['staging', 'prod'] },
        { id: 'PL-02', name: 'b', trigger: { on: 'manual' }, environment: ['prod-like'] },
        { id: 'PL-03', name: 'c', trigger: { on: 'manual' } },
      ],
      envs,
    );
    assert.deepEqual(summarizeCatalog(c), { automated: 0, manual: 3, prod: 1, rollback: 0 });
  });

  void test('rollback and rollback-drill lanes count as rollback; delivery lanes do not', () => {
    const c = catalogOf([
      { id: 'PL-01', name: 'a', kind: 'rollback', trigger: { on: 'manual' } },
      { id: 'PL-02', name: 'b', kind: 'rollback-drill', trigger: { on: 'schedule', cron: '0 4 * * 1' } },
      { id: 'PL-03', name: 'c', kind: 'delivery', trigger: { on: 'manual' } },
    ]);
    assert.deepEqual(summarizeCatalog(c), { automated: 1, manual: 2, prod: 0, rollback: 2 });
  });
});

// ---------------------------------------------------------------------------------------------------
// JSON Schema export.

function ajvFor(schema: Record<string, unknown>) {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  // ajv ships no format validators; declare the two the schema uses with real checks.
  ajv.addFormat('date-time', (s: string) => !Number.isNaN(Date.parse(s)) && /T/.test(s));
  ajv.addFormat('uri', (s: string) => URL.canParse(s));
  return ajv.compile(schema);
}

void describe('catalogJsonSchema', () => {
  void test('is draft 2020-12, accepts the example and rejects an invalid catalog', () => {
    const schema = catalogJsonSchema();
    assert.equal(schema.$schema, 'https://json-schema.org/draft/2020-12/schema');
    const validate = ajvFor(schema);
    const example: unknown = parseYaml(readFileSync(EXAMPLE, 'utf8'));
    assert.equal(validate(example), true, JSON.stringify(validate.errors));
    for (const name of [
      'unknown-top-level-key',
      'bad-lane-id',
      'wrong-type',
      'unknown-trigger-on',
      'bad-duration',
    ]) {
      const doc: unknown = parseYaml(readFileSync(join(FIXTURES, `${name}.yaml`), 'utf8'));
      assert.equal(validate(doc), false, `${name} should be rejected by the JSON Schema`);
    }
  });

  void test('lanes.schema.json at the repository root equals the export', () => {
    assert.deepEqual(JSON.parse(readFileSync('lanes.schema.json', 'utf8')), catalogJsonSchema());
  });
});

// ---------------------------------------------------------------------------------------------------
// Branch policy explanation.

function stepText(s: ExplainStep): string {
  switch (s.kind) {
    case 'lane':
      return s.lane;
    case 'hold':
      return `hold ${s.duration} ${s.after}→${s.before}`;
    case 'gates':
      return `gates ${s.gates.join(',')} before ${s.blocks}`;
  }
}

void describe('explainRef', () => {
  const c = loadExample();

  void test('feature/x pull request without contract changes → PL-01 only', () => {
    const e = explainRef(c, { ref: 'feature/x', changed: ['src/app.ts'] });
    assert.equal(e.event, 'pull_request');
    assert.deepEqual(e.rules, ['pull-requests']);
    assert.deepEqual(e.lanes, ['PL-01']);
    assert.deepEqual(
      e.skipped.map((s) => s.lane),
      ['PL-02'],
    );
    assert.deepEqual(e.steps.map(stepText), ['PL-01', 'gates RG-01,RG-02 before merge']);
  });

  void test('fix/y touching migrations/001.sql → PL-01 and PL-02', () => {
    const e = explainRef(c, { ref: 'fix/y', changed: ['migrations/001.sql'] });
    assert.deepEqual(e.lanes, ['PL-01', 'PL-02']);
    assert.deepEqual(e.skipped, []);
    assert.deepEqual(
      e.gates.map((g) => g.id),
      ['RG-01', 'RG-02', 'RG-03'],
    );
  });

  void test('push to main → PL-03, PL-04, PL-05 in order, then the Staging gates', () => {
    const e = explainRef(c, { ref: 'refs/heads/main' });
    assert.equal(e.event, 'push');
    assert.deepEqual(e.lanes, ['PL-03', 'PL-04', 'PL-05']);
    assert.deepEqual(e.steps.map(stepText), [
      'PL-03',
      'PL-04',
      'PL-05',
      'gates RG-04,RG-05,RG-06 before release candidate',
    ]);
  });

  // The Pre-Prod gates RG-07..RG-10 must all hold before production; each is placed right before the lane
  // the catalog says it blocks (PL-08, or PL-09 for the pulse deploy), never after it.
  const gatesBefore = (lane: string): string[] => {
    const ids = c.gates.filter((g) => g.phase === 'Pre-Prod' && g.blocks.includes(lane)).map((g) => g.id);
    return ids.length === 0 ? [] : [`gates ${ids.join(',')} before ${lane}`];
  };

  void test('the example declares RG-07..RG-10 as the Pre-Prod gates, blocking PL-08 at the latest PL-09', () => {
    const preProd = c.gates.filter((g) => g.phase === 'Pre-Prod');
    assert.deepEqual(
      preProd.map((g) => g.id),
      ['RG-07', 'RG-08', 'RG-09', 'RG-10'],
    );
    assert.ok(preProd.some((g) => g.blocks.includes('PL-08')));
    assert.ok(preProd.every((g) => g.blocks.includes('PL-08') || g.blocks.includes('PL-09')));
  });

  void test('tag v1.4.0 → PL-06, Pre-Prod gates RG-07..RG-10, PL-08, PL-09, PL-10; PL-07 skipped', () => {
    const e = explainRef(c, { ref: 'v1.4.0' });
    assert.equal(e.event, 'tag');
    assert.deepEqual(e.lanes, ['PL-06', 'PL-08', 'PL-09', 'PL-10']);
    assert.deepEqual(e.skipped, [{ lane: 'PL-07', why: 'only when the release includes migrations' }]);
    assert.deepEqual(e.steps.map(stepText), [
      'PL-06',
      ...gatesBefore('PL-08'),
      'PL-08',
      ...gatesBefore('PL-09'),
      'hold 15m PL-08→PL-09',
      'PL-09',
      'PL-10',
      'gates RG-11,RG-12 before release completion',
      'gates RG-13 before release completion',
    ]);
    const preProd = e.gates.filter((g) => g.phase === 'Pre-Prod').map((g) => g.id);
    assert.deepEqual(preProd, ['RG-07', 'RG-08', 'RG-09', 'RG-10']);
  });

  void test('tag v1.4.0 with migrations → PL-07 after PL-06 and before the Pre-Prod gates', () => {
    const e = explainRef(c, { ref: 'refs/tags/v1.4.0', migrations: true });
    assert.deepEqual(e.lanes, ['PL-06', 'PL-07', 'PL-08', 'PL-09', 'PL-10']);
    assert.deepEqual(e.skipped, []);
    assert.deepEqual(e.steps.map(stepText).slice(0, 3 + gatesBefore('PL-08').length), [
      'PL-06',
      'PL-07',
      ...gatesBefore('PL-08'),
      'PL-08',
    ]);
  });

  void test('a gate of another phase that explicitly blocks an entered lane is shown before it', () => {
    // The README's short catalog: a Pre-Prod gate blocks the prod deploy that a push to main reaches.
    const readme = readmeCatalog();
    const e = explainRef(readme, { ref: 'main' });
    assert.deepEqual(e.steps.map(stepText), ['PL-02', 'gates RG-01 before PL-03', 'PL-03']);
  });

  void test('a ref no rule covers enters no lane and no gate', () => {
    const e = explainRef(c, { ref: 'develop' });
    assert.deepEqual(
      { rules: e.rules, lanes: e.lanes, gates: e.gates, steps: e.steps },
      { rules: [], lanes: [], gates: [], steps: [] },
    );
  });

  void test('an explicit event wins over inference: main as a pull request base matches no PR rule', () => {
    const e = explainRef(c, { ref: 'main', event: 'pull_request' });
    assert.deepEqual(e.lanes, []);
  });
});
