// Which release a run or a protection request was made for (src/core/run-attribution.ts): table tests.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  countsForRelease,
  ownIncidentAlerts,
  requestAttribution,
  runAttribution,
  shortRef,
} from '../src/core/run-attribution.ts';

const A = { id: 'rel-v4.0.0', version: 'v4.0.0', tag: 'v4.0.0' };
const B = { id: 'rel-v4.0.1', version: 'v4.0.1', tag: 'v4.0.1' };
const BOTH = [A, B];

describe('runAttribution', () => {
  const cases: [
    string,
    { event: string; headBranch: string | null; displayTitle?: string | null },
    string | null,
  ][] = [
    ['dispatched on a release tag', { event: 'workflow_dispatch', headBranch: 'v4.0.0' }, A.id],
    ['dispatched on the other tag', { event: 'workflow_dispatch', headBranch: 'v4.0.1' }, B.id],
    ['a tag push', { event: 'push', headBranch: 'v4.0.1' }, B.id],
    ['ref given in full', { event: 'workflow_dispatch', headBranch: 'refs/tags/v4.0.0' }, A.id],
    ['main push: the commit', { event: 'push', headBranch: 'main' }, null],
    ['dispatched on main: the commit', { event: 'workflow_dispatch', headBranch: 'main' }, null],
    [
      'title names a release (run-name convention) over the ref',
      { event: 'workflow_dispatch', headBranch: 'main', displayTitle: 'rel-v4.0.1 deploy prod' },
      B.id,
    ],
    [
      'title naming an unknown release falls back to the ref',
      { event: 'workflow_dispatch', headBranch: 'v4.0.0', displayTitle: 'rel-v9 deploy' },
      A.id,
    ],
    [
      "a push title is anyone's commit message: not trusted",
      { event: 'push', headBranch: 'main', displayTitle: 'rel-v4.0.0 fix' },
      null,
    ],
    ['no ref', { event: 'workflow_dispatch', headBranch: null }, null],
    ['a tag of no release on this commit', { event: 'push', headBranch: 'v3.9.9' }, null],
  ];
  for (const [name, run, want] of cases) it(name, () => assert.equal(runAttribution(run, BOTH), want));
});

describe('requestAttribution', () => {
  it('the run decides when known', () => {
    assert.equal(
      requestAttribution(
        { ref: 'refs/tags/v4.0.1' },
        { event: 'workflow_dispatch', headBranch: 'v4.0.0' },
        BOTH,
      ),
      A.id,
    );
  });
  it("the request's ref decides before the run is known, or when the run tells nothing", () => {
    assert.equal(requestAttribution({ ref: 'refs/tags/v4.0.1' }, undefined, BOTH), B.id);
    assert.equal(requestAttribution({ ref: 'v4.0.0' }, { event: 'push', headBranch: 'main' }, BOTH), A.id);
    assert.equal(requestAttribution({ ref: 'refs/heads/main' }, undefined, BOTH), null);
    assert.equal(requestAttribution({ ref: null }, undefined, BOTH), null);
  });
});

describe('countsForRelease and shortRef', () => {
  it('a run counts for its own release and, unattributed, for every release', () => {
    assert.equal(countsForRelease(A.id, A.id), true);
    assert.equal(countsForRelease(A.id, B.id), false);
    assert.equal(countsForRelease(null, B.id), true);
  });
  it('strips refs/heads and refs/tags only', () => {
    assert.deepEqual(['refs/heads/main', 'refs/tags/v1', 'v1', 'refs/pull/1/merge', null].map(shortRef), [
      'main',
      'v1',
      'v1',
      'refs/pull/1/merge',
      null,
    ]);
  });
});

describe('ownIncidentAlerts', () => {
  it('keeps resolves and raises about its own runs only', () => {
    const intents = [
      { action: 'resolve', key: 'lane_failed:rel-v4.0.1:PL-04' },
      { action: 'raise', key: 'lane_failed:rel-v4.0.1:PL-08', occurrence: 'run:7:2' },
      { action: 'raise', key: 'lane_failed:rel-v4.0.1:PL-04', occurrence: 'run:5:1' },
      { action: 'raise', key: 'gate_blocked:rel-v4.0.1:RG-02', occurrence: 'criteria:check=lint' },
      { action: 'raise', key: 'lane_failed:rel-v4.0.1:PL-09', occurrence: 'at:2026-05-01T08:00:00Z' },
    ];
    assert.deepEqual(
      ownIncidentAlerts(intents, new Set([7])).map((a) => a.key),
      ['lane_failed:rel-v4.0.1:PL-04', 'lane_failed:rel-v4.0.1:PL-08'],
    );
  });
});
