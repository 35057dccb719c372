import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  evidenceOutcomes,
  evidenceSources,
  mayReportEvidence,
  selectEvidence,
  type EvidenceClaim,
  type EvidenceReport,
} from '../src/core/evidence-provenance.ts';
import { smallCatalog } from './helpers/small-catalog.ts';

const c = smallCatalog();

void test('mayReportEvidence: only the sources the catalog allows for the check', () => {
  const gh = (workflowId: string | null, job?: string, repository = 'acme/shop'): EvidenceClaim => ({
    kind: 'github',
    repository,
    workflowId,
    job,
  });
  const oidc = (workflowFile: string, repository = 'acme/shop'): EvidenceClaim => ({
    kind: 'oidc',
    repository,
    workflowFile,
  });
  const rows: [string, string, EvidenceClaim, boolean][] = [
    ['declared github job', 'tests', gh('WF-CI', 'unit'), true],
    ['declared github workflow, another job', 'tests', gh('WF-CI', 'lint'), false],
    ['declared github workflow from another repository', 'tests', gh('WF-CI', 'unit', 'evil/shop'), false],
    ['declared oidc of the workflow', 'tests', oidc('.github/workflows/ci.yml'), true],
    ['oidc of another workflow', 'tests', oidc('.github/workflows/build.yml'), false],
    ['oidc from another repository', 'tests', oidc('.github/workflows/ci.yml', 'evil/shop'), false],
    ['a service for a GitHub-only check', 'tests', { kind: 'service', name: 'qa-bot' }, false],
    ['declared service', 'qa smoke', { kind: 'service', name: 'qa-bot' }, true],
    ['declared seat', 'qa smoke', { kind: 'person', login: 'sam', seats: ['SEAT-SHIP', 'SEAT-QA'] }, true],
    ['person of another seat', 'qa smoke', { kind: 'person', login: 'dora', seats: ['SEAT-DB'] }, false],
    // undeclared check: the workflows of the lanes listing it (PL-CI → WF-CI), any job
    ['default: the lane workflow', 'licence scan', gh('WF-CI', 'licence'), true],
    ['default: its OIDC token', 'licence scan', oidc('.github/workflows/ci.yml'), true],
    ['default: another workflow', 'licence scan', gh('WF-BUILD'), false],
    ['default: no person', 'licence scan', { kind: 'person', login: 'quinn', seats: ['SEAT-QA'] }, false],
    ['unknown check: nobody', 'made up', gh('WF-CI'), false],
  ];
  for (const [name, check, claim, ok] of rows) {
    const d = mayReportEvidence(c, check, claim);
    assert.equal(d.ok, ok, name);
    if (!d.ok) assert.equal(d.code, 'evidence_source_not_allowed', name);
  }
  // a workflow that lives in another listed repository is matched there
  assert.deepEqual(evidenceSources(c, 'licence scan'), [
    { github: { workflow: 'WF-CI' } },
    { oidc: { workflow: 'WF-CI' } },
  ]);
});

const rep = (
  source: string,
  authority: 'github' | 'api',
  outcome: EvidenceReport['outcome'],
  at: string,
  check = 'tests',
): EvidenceReport => ({
  check,
  outcome,
  at: `2026-05-04T${at}:00.000Z`,
  source,
  authority,
});

void test('selectEvidence: GitHub is never overridden by API evidence of another source; newer from one source wins', () => {
  const cases: [string, EvidenceReport[], string | undefined][] = [
    [
      'API alone: the newest',
      [rep('service:qa-bot', 'api', 'failed', '09:00'), rep('person:quinn', 'api', 'passed', '09:05')],
      'passed',
    ],
    [
      'GitHub failed, a later API pass does not override it',
      [rep('github:WF-CI', 'github', 'failed', '09:00'), rep('service:qa-bot', 'api', 'passed', '09:30')],
      'failed',
    ],
    [
      'GitHub pass, a later forged API fail does not override it',
      [rep('github:WF-CI', 'github', 'passed', '09:00'), rep('person:mallory', 'api', 'failed', '09:30')],
      'passed',
    ],
    [
      'the same GitHub source re-ran: newer wins',
      [rep('github:WF-CI', 'github', 'failed', '09:00'), rep('github:WF-CI', 'github', 'passed', '09:20')],
      'passed',
    ],
    [
      'same source, order of arrival does not matter',
      [rep('service:qa-bot', 'api', 'passed', '09:20'), rep('service:qa-bot', 'api', 'failed', '09:00')],
      'passed',
    ],
    [
      'two GitHub sources: the newest',
      [
        rep('github:WF-CI:unit', 'github', 'passed', '09:00'),
        rep('oidc:acme/shop:ci.yml', 'github', 'failed', '09:10'),
      ],
      'failed',
    ],
    ['nothing reported', [], undefined],
  ];
  for (const [name, records, want] of cases) assert.equal(evidenceOutcomes(records).tests, want, name);
  const two = selectEvidence([
    rep('service:qa-bot', 'api', 'passed', '09:00', 'qa smoke'),
    rep('github:WF-CI', 'github', 'pending', '09:00'),
  ]);
  assert.deepEqual([...two.keys()].sort(), ['qa smoke', 'tests']);
});
