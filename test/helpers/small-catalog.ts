// A small catalog of the core tests' own (not the example): two repositories, a PR lane, a build, a staging
// deploy, a manual candidate, one production deploy, a rollback and a drill; phases with other names than
// the example's, a policy, and evidence sources. Parsed through the real loader so it is a valid catalog.
import { parseCatalog } from '../../src/catalog/load-catalog.ts';
import type { Catalog } from '../../src/core/catalog-model.ts';
import type { ReleaseState } from '../../src/core/release-model.ts';

export const SMALL_YAML = `
version: 1
zone: { id: shop, name: Shop, title: Shop delivery }
repository: acme/shop
repositories: [acme/infra]
seats:
  - { id: SEAT-SHIP, name: Shipping, members: [rita, sam] }
  - { id: SEAT-QA, name: QA, members: [quinn, sam] }
  - { id: SEAT-DB, name: Database, members: [dora] }
environments:
  - { id: preview }
  - { id: qa }
  - { id: live, production: true, unsanctioned_changes: alert }
  - { id: live-eu, production: true }
workflows:
  - { id: WF-CI, name: ci, file: .github/workflows/ci.yml, runner: { kind: github-hosted } }
  - { id: WF-BUILD, name: build, file: .github/workflows/build.yml, runner: { kind: github-hosted } }
  - { id: WF-QA, name: deploy-qa, file: .github/workflows/deploy-qa.yml, runner: { kind: github-hosted }, environment: [qa] }
  - { id: WF-CAND, name: candidate, file: .github/workflows/candidate.yml, runner: { kind: github-hosted } }
  - { id: WF-LIVE, name: deploy-live, file: .github/workflows/deploy-live.yml, runner: { kind: self-hosted }, environment: [live], repository: acme/infra }
  - { id: WF-BACK, name: rollback, file: .github/workflows/rollback.yml, runner: { kind: self-hosted }, environment: [live] }
lanes:
  - id: PL-CI
    name: ci
    trigger: { on: pull_request, branches: [topic/*] }
    checks: [tests, licence scan]
    run_by: [{ workflow: WF-CI }]
  - id: PL-BUILD
    name: build
    trigger: { on: push, branches: [trunk] }
    run_by: [{ workflow: WF-BUILD }]
  - id: PL-QA
    name: deploy-qa
    trigger: { on: after, lane: PL-BUILD }
    environment: [qa]
    checks: [qa smoke]
    run_by: [{ workflow: WF-QA }]
  - id: PL-CAND
    name: candidate
    trigger: { on: manual, after: [PL-QA] }
    run_by: [{ workflow: WF-CAND }]
  - id: PL-LIVE
    name: deploy-live
    trigger: { on: approval, after: [PL-CAND] }
    environment: [live]
    run_by: [{ workflow: WF-LIVE }]
  - id: PL-BACK
    name: rollback
    kind: rollback
    trigger: { on: manual }
    environment: [live]
    run_by: [{ workflow: WF-BACK, event: [workflow_dispatch] }]
  - id: PL-DRILL
    name: drill
    kind: rollback-drill
    trigger: { on: schedule, cron: '0 6 * * *' }
    drill_grace: 30m
    run_by: [{ workflow: WF-BACK, event: [schedule] }]
  - id: PL-TOOLS
    name: tools
    trigger: { on: manual }
    run_by: [{ workflow: WF-CI }]
phases:
  - { name: Review, event: pull_request, holds: merge }
  - { name: Ship, event: tag, holds: going live }
  - { name: Watch, event: tag, after_production: true }
gates:
  - { id: RG-REVIEW, phase: Review, owner: SEAT-QA, criteria: { lanes: [PL-CI], checks: [tests] } }
  - { id: RG-SHIP, phase: Ship, owner: SEAT-SHIP, approvals: 1, criteria: { checks: [qa smoke] }, blocks: [PL-LIVE] }
  - { id: RG-WATCH, phase: Watch, owner: SEAT-QA, criteria: { lanes: [PL-LIVE] }, window: 30m }
branch_policy:
  - { id: topics, title: topics, event: pull_request, refs: [topic/*], lanes: [PL-CI] }
  - { id: trunk, title: trunk, event: push, refs: [trunk], lanes: [PL-BUILD, PL-QA] }
  - { id: tags, title: tags, event: tag, refs: ['r*'], lanes: [PL-CAND, PL-LIVE] }
promotion:
  flow: [PL-BUILD, PL-QA, PL-CAND, PL-LIVE]
  rollback: [PL-BACK]
checks:
  - name: tests
    sources: [{ github: { workflow: WF-CI, job: unit } }, { oidc: { workflow: WF-CI } }]
  - name: qa smoke
    sources: [{ service: qa-bot }, { seat: SEAT-QA }]
policy:
  release_seats: [SEAT-SHIP]
  trigger:
    - { lanes: [PL-TOOLS], who: [SEAT-QA, service:ci], refs: [trunk, 'topic/*'] }
`;

export function smallCatalog(yaml = SMALL_YAML): Catalog {
  const r = parseCatalog(yaml, 'small.yaml');
  if (!r.ok) throw new Error(r.errors.map((e) => `${e.path}: ${e.message}`).join('\n'));
  return r.catalog;
}

export function smallRelease(over: Partial<ReleaseState> = {}): ReleaseState {
  return {
    id: 'rel-r1',
    version: 'r1',
    sha: 'a'.repeat(40),
    createdBy: 'rita',
    createdAt: '2026-05-04T08:00:00.000Z',
    includesMigrations: false,
    manifest: [],
    changeSummary: null,
    previousReleaseId: null,
    laneRuns: {},
    skippedLanes: [],
    evidence: {},
    approvals: [],
    overrides: [],
    protectionRequests: [],
    ...over,
  };
}
