// Which GitHub check runs count for which check (src/core/check-run-evidence.ts, the `github: { app }`
// source of src/core/evidence-provenance.ts), as tables over the core tests' small catalog with App sources
// declared; and the catalog's rules for such a source.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCatalog } from '../src/catalog/load-catalog.ts';
import {
  catalogCheckNames,
  checkRunVerdict,
  deliveredEvidenceClaim,
  ignoredCheckRun,
} from '../src/core/check-run-evidence.ts';
import { describeSource, evidenceSources, mayReportEvidence } from '../src/core/evidence-provenance.ts';
import type { EvidenceRecord, NormalisedFact } from '../src/core/run-model.ts';
import { SMALL_YAML, smallCatalog } from './helpers/small-catalog.ts';

const TESTS = '    sources: [{ github: { workflow: WF-CI, job: unit } }, { oidc: { workflow: WF-CI } }]\n';
const QA = '    sources: [{ service: qa-bot }, { seat: SEAT-QA }]\n';

/** The small catalog, `tests` also reported by the App fossa, `qa smoke` by infra-bot in acme/infra. */
function yamlWith(tests: string, qa: string): string {
  assert.ok(SMALL_YAML.includes(TESTS) && SMALL_YAML.includes(QA), 'the small catalog changed shape');
  return SMALL_YAML.replace(TESTS, tests).replace(QA, qa);
}
const c = smallCatalog(
  yamlWith(
    '    sources: [{ github: { workflow: WF-CI, job: unit } }, { github: { app: fossa } }]\n',
    '    sources: [{ service: qa-bot }, { github: { app: infra-bot, repository: acme/infra } }]\n',
  ),
);

void test('checkRunVerdict: a check run counts only for a check whose sources name its App, in that repository', () => {
  const rows: [string, string, string | null, string, string][] = [
    ['the declared App', 'tests', 'fossa', 'acme/shop', 'counts'],
    ['the declared App in another listed repository', 'tests', 'fossa', 'acme/infra', 'source_not_allowed'],
    ['another App', 'tests', 'snyk', 'acme/shop', 'source_not_allowed'],
    ['no App named', 'tests', null, 'acme/shop', 'source_not_allowed'],
    [
      'GitHub Actions, even for a workflow check',
      'tests',
      'github-actions',
      'acme/shop',
      'actions_check_run',
    ],
    [
      'GitHub Actions, for a check nobody names',
      'made up',
      'github-actions',
      'acme/shop',
      'actions_check_run',
    ],
    ['an App on its declared repository', 'qa smoke', 'infra-bot', 'acme/infra', 'counts'],
    ['that App on the catalog repository', 'qa smoke', 'infra-bot', 'acme/shop', 'source_not_allowed'],
    [
      'an App for an undeclared check (lane workflows only)',
      'licence scan',
      'fossa',
      'acme/shop',
      'source_not_allowed',
    ],
    ['a check the catalog does not name', 'made up', 'fossa', 'acme/shop', 'check_not_in_catalog'],
  ];
  for (const [name, check, app, repository, want] of rows) {
    const v = checkRunVerdict(c, { check, app, repository });
    assert.equal(v.counts ? 'counts' : v.reason, want, name);
    if (v.counts) assert.deepEqual(v.claim, { kind: 'check_run', repository, app }, name);
  }
  const refused = checkRunVerdict(c, { check: 'tests', app: 'snyk', repository: 'acme/shop' });
  assert.ok(!refused.counts);
  assert.equal(
    refused.detail,
    'check_run:acme/shop:snyk may not report "tests"; allowed: GitHub WF-CI job unit, check runs of the GitHub App fossa',
  );
});

void test('mayReportEvidence: an App source matches check runs only, never a workflow job or a token', () => {
  const rows: [string, Parameters<typeof mayReportEvidence>[2], boolean][] = [
    ['check run of fossa', { kind: 'check_run', repository: 'acme/shop', app: 'fossa' }, true],
    ['check run with no App', { kind: 'check_run', repository: 'acme/shop', app: null }, false],
    [
      'a job of WF-CI named fossa',
      { kind: 'github', repository: 'acme/shop', workflowId: 'WF-CI', job: 'fossa' },
      false,
    ],
    ['a service named fossa', { kind: 'service', name: 'fossa' }, false],
  ];
  for (const [name, claim, ok] of rows) assert.equal(mayReportEvidence(c, 'tests', claim).ok, ok, name);
  const ok = mayReportEvidence(c, 'tests', { kind: 'check_run', repository: 'acme/shop', app: 'fossa' });
  assert.deepEqual(ok, { ok: true, source: 'check_run:acme/shop:fossa', authority: 'github' });
  assert.equal(
    describeSource({ github: { app: 'infra-bot', repository: 'acme/infra' } }),
    'check runs of the GitHub App infra-bot in acme/infra',
  );
  // an undeclared check keeps its default: the workflows of the lanes that run it, no App
  assert.deepEqual(evidenceSources(c, 'licence scan'), [
    { github: { workflow: 'WF-CI' } },
    { oidc: { workflow: 'WF-CI' } },
  ]);
});

const evidence = (over: Partial<EvidenceRecord>): EvidenceRecord => ({
  key: 'check_run:1',
  check: 'tests',
  outcome: 'failed',
  sha: 'a'.repeat(40),
  runId: null,
  laneId: null,
  source: 'check_run',
  url: null,
  details: null,
  recordedAt: '2026-05-04T09:00:00.000Z',
  reportedBy: 'fossa',
  ...over,
});

void test('ignoredCheckRun and deliveredEvidenceClaim: what a delivery’s evidence facts say', () => {
  const fact = (e: Partial<EvidenceRecord>, repo?: string): NormalisedFact => ({
    kind: 'evidence',
    evidence: evidence(e),
    ...(repo ? { repo } : {}),
  });
  assert.equal(ignoredCheckRun(c, [fact({}, 'acme/shop')]), null);
  assert.equal(ignoredCheckRun(c, [fact({}, 'acme/infra')])?.reason, 'source_not_allowed');
  assert.equal(ignoredCheckRun(c, [fact({ check: 'made up' }, 'acme/shop')])?.reason, 'check_not_in_catalog');
  // a job's evidence is never the check-run rule's business (its job fact is the delivery's content)
  assert.equal(ignoredCheckRun(c, [fact({ source: 'job', check: 'made up', runId: 7 })]), null);

  const f = fact({}, 'acme/infra');
  assert.ok(f.kind === 'evidence');
  assert.deepEqual(deliveredEvidenceClaim(c, f, undefined), {
    kind: 'check_run',
    repository: 'acme/infra',
    app: 'fossa',
  });
  const job = fact({ source: 'job', check: 'unit', runId: 7, reportedBy: null });
  assert.ok(job.kind === 'evidence');
  assert.deepEqual(deliveredEvidenceClaim(c, job, { repo: 'acme/infra', workflowId: 'WF-LIVE' }), {
    kind: 'github',
    repository: 'acme/infra',
    workflowId: 'WF-LIVE',
    job: 'unit',
  });
  assert.deepEqual(deliveredEvidenceClaim(c, job, undefined), {
    kind: 'github',
    repository: 'acme/shop',
    workflowId: null,
    job: 'unit',
  });
  assert.deepEqual([...catalogCheckNames(c)].sort(), ['licence scan', 'qa smoke', 'tests']);
});

void test('the catalog: an App source names a GitHub App slug other than github-actions, in a listed repository', () => {
  const errors = (tests: string) => {
    const r = parseCatalog(yamlWith(tests, QA), 'small.yaml');
    return r.ok ? [] : r.errors.map((e) => `${e.path}: ${e.message}`);
  };
  assert.deepEqual(errors('    sources: [{ github: { app: fossa, repository: acme/infra } }]\n'), []);
  const rows: [string, string, RegExp][] = [
    [
      'github-actions',
      '{ github: { app: github-actions } }',
      /github\.app: GitHub Actions jobs are named by their workflow/,
    ],
    ['not a slug', '{ github: { app: Fossa Scan } }', /github\.app: must be a GitHub App slug/],
    [
      'an unlisted repository',
      '{ github: { app: fossa, repository: evil/shop } }',
      /github\.repository: repository evil\/shop is not listed/,
    ],
    [
      'app and workflow at once',
      '{ github: { app: fossa, workflow: WF-CI } }',
      /^checks\[0\]\.sources\[0\]: /,
    ],
  ];
  for (const [name, src, message] of rows) {
    const errs = errors(`    sources: [${src}]\n`);
    assert.ok(
      errs.some((e) => message.test(e)),
      `${name}: ${JSON.stringify(errs)}`,
    );
  }
});
