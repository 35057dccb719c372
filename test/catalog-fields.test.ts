// Validation of the catalog fields added for policy, provenance, repositories and phases: each defect is
// reported at its path with a clear message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCatalog } from '../src/catalog/load-catalog.ts';
import { SMALL_YAML } from './helpers/small-catalog.ts';

const cases: [string, string, string, RegExp][] = [
  [
    'gate in an undeclared phase',
    'phase: Watch,',
    'phase: Later,',
    /^gates\[2\]\.phase: unknown phase Later$/,
  ],
  [
    'duplicate phase',
    '{ name: Ship, event: tag, holds: going live }',
    '{ name: Review }',
    /^phases\[1\]\.name: duplicate phase Review$/,
  ],
  [
    'drill grace on a delivery lane',
    '    trigger: { on: push, branches: [trunk] }\n',
    '    trigger: { on: push, branches: [trunk] }\n    drill_grace: 1h\n',
    /^lanes\[1\]\.drill_grace: drill_grace applies only/,
  ],
  [
    'workflow in an unlisted repository',
    'repository: acme/infra }',
    'repository: other/infra }',
    /^workflows\[4\]\.repository: repository other\/infra is not listed/,
  ],
  [
    'evidence source: unknown workflow',
    '{ github: { workflow: WF-CI, job: unit } }',
    '{ github: { workflow: WF-NOPE } }',
    /^checks\[0\]\.sources\[0\]\.github\.workflow: unknown workflow WF-NOPE$/,
  ],
  [
    'evidence source: unknown seat',
    '{ seat: SEAT-QA }',
    '{ seat: SEAT-NOPE }',
    /^checks\[1\]\.sources\[1\]\.seat: unknown seat SEAT-NOPE$/,
  ],
  [
    'evidence source of the wrong shape',
    '{ service: qa-bot }',
    '{ robot: qa-bot }',
    /^checks\[1\]\.sources\[0\]/,
  ],
  [
    'a check no lane or gate lists',
    '  - name: qa smoke\n',
    '  - name: qa smoek\n',
    /^checks\[1\]\.name: check qa smoek is listed by no lane and no gate$/,
  ],
  [
    'policy: unknown release seat',
    'release_seats: [SEAT-SHIP]',
    'release_seats: [SEAT-NOPE]',
    /^policy\.release_seats\[0\]: unknown seat SEAT-NOPE$/,
  ],
  [
    'policy: not a principal',
    'who: [SEAT-QA, service:ci]',
    'who: [SEAT-QA, everyone]',
    /^policy\.trigger\[0\]\.who\[1\]: must be a seat id, service:<name>, owners or admin$/,
  ],
  [
    'policy: trigger rule for an unknown lane',
    'lanes: [PL-TOOLS], who',
    'lanes: [PL-NOPE], who',
    /^policy\.trigger\[0\]\.lanes\[0\]: unknown lane PL-NOPE$/,
  ],
  [
    'candidate_requires an unknown lane',
    '  rollback: [PL-BACK]\n',
    '  rollback: [PL-BACK]\n  candidate_requires: [PL-NOPE]\n',
    /^promotion\.candidate_requires\[0\]: unknown lane PL-NOPE$/,
  ],
  [
    'unsanctioned_changes value',
    'unsanctioned_changes: alert',
    'unsanctioned_changes: shrug',
    /^environments\[2\]\.unsanctioned_changes/,
  ],
];

void test('the small catalog itself is valid', () => {
  const r = parseCatalog(SMALL_YAML);
  assert.ok(r.ok, r.ok ? '' : r.errors.map((e) => `${e.path}: ${e.message}`).join('\n'));
});

for (const [name, from, to, want] of cases) {
  void test(name, () => {
    assert.ok(SMALL_YAML.includes(from), `fixture text not found: ${from}`);
    const r = parseCatalog(SMALL_YAML.replace(from, to));
    assert.equal(r.ok, false);
    if (r.ok) return;
    const shown = r.errors.map((e) => `${e.path}: ${e.message}`);
    assert.ok(
      shown.some((s) => want.test(s)),
      shown.join('\n'),
    );
  });
}
