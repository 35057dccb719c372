import { test } from 'node:test';
import assert from 'node:assert/strict';
import { catalogRepositories, repositoryKnown, runCounts, type RunScope } from '../src/core/run-scope.ts';
import { smallCatalog } from './helpers/small-catalog.ts';

const c = smallCatalog();
const run = (workflowId: string, event: string, headBranch: string | null, repo = 'acme/shop'): RunScope => ({
  repo,
  event,
  headBranch,
  workflowId,
});

void test('runCounts: repository, event and ref decide whether a run counts for a lane', () => {
  const rows: [string, string, RunScope, boolean][] = [
    ['PR run of the PR lane on a topic branch', 'PL-CI', run('WF-CI', 'pull_request', 'topic/a'), true],
    [
      'PR run of the PR lane on a branch outside its trigger',
      'PL-CI',
      run('WF-CI', 'pull_request', 'evil'),
      false,
    ],
    ['push build on trunk', 'PL-BUILD', run('WF-BUILD', 'push', 'trunk'), true],
    ['push build on another branch', 'PL-BUILD', run('WF-BUILD', 'push', 'feature/evil'), false],
    [
      'PR run of the build workflow never counts for the trunk lane',
      'PL-BUILD',
      run('WF-BUILD', 'pull_request', 'trunk'),
      false,
    ],
    ['deploy-qa after the build, on trunk', 'PL-QA', run('WF-QA', 'workflow_run', 'trunk'), true],
    [
      'PR run of the deploy workflow never makes the QA lane green',
      'PL-QA',
      run('WF-QA', 'pull_request', 'topic/evil'),
      false,
    ],
    ['deploy-qa on an unprotected branch', 'PL-QA', run('WF-QA', 'workflow_run', 'topic/evil'), false],
    [
      'the same workflow in another repository',
      'PL-BUILD',
      run('WF-BUILD', 'push', 'trunk', 'evil/shop'),
      false,
    ],
    [
      'candidate dispatched on trunk (a protected ref)',
      'PL-CAND',
      run('WF-CAND', 'workflow_dispatch', 'trunk'),
      true,
    ],
    ['candidate dispatched on a release tag', 'PL-CAND', run('WF-CAND', 'workflow_dispatch', 'r1'), true],
    [
      'candidate dispatched on a topic branch',
      'PL-CAND',
      run('WF-CAND', 'workflow_dispatch', 'topic/x'),
      false,
    ],
    [
      'production deploy from its own repository',
      'PL-LIVE',
      run('WF-LIVE', 'workflow_dispatch', 'r1', 'acme/infra'),
      true,
    ],
    [
      'production deploy claimed by the catalog repository',
      'PL-LIVE',
      run('WF-LIVE', 'workflow_dispatch', 'r1', 'acme/shop'),
      false,
    ],
    ['rollback lane: only the bound event', 'PL-BACK', run('WF-BACK', 'workflow_dispatch', 'trunk'), true],
    [
      'rollback lane: a scheduled run is the drill, not a rollback',
      'PL-BACK',
      run('WF-BACK', 'schedule', 'trunk'),
      false,
    ],
    ['drill lane: scheduled run', 'PL-DRILL', run('WF-BACK', 'schedule', 'trunk'), true],
    ['a workflow that does not run the lane', 'PL-BUILD', run('WF-CI', 'push', 'trunk'), false],
    ['an unmapped workflow', 'PL-BUILD', { ...run('WF-CI', 'push', 'trunk'), workflowId: null }, false],
  ];
  for (const [name, lane, r, counts] of rows) {
    const v = runCounts(c, lane, r);
    assert.equal(v.counts, counts, `${name}${v.counts ? '' : `: ${v.reason}`}`);
    if (!v.counts) assert.ok(v.reason.length > 0);
  }
});

void test('repositoryKnown: the catalog repository, the listed ones and the workflows’ own', () => {
  assert.deepEqual(catalogRepositories(c).sort(), ['acme/infra', 'acme/shop']);
  assert.equal(repositoryKnown(c, 'acme/shop').counts, true);
  assert.equal(repositoryKnown(c, 'acme/infra').counts, true);
  const other = repositoryKnown(c, 'someone/else');
  assert.deepEqual(other, { counts: false, reason: 'repository someone/else is not in the catalog' });
});
