// The release behind the reference screen (seed/control-plane-snapshot.txt), built as a ReleaseState, plus
// small builders for release states in tests. Evaluated with the example catalog at REFERENCE_NOW it gives the
// screen's gate states: RG-01..RG-08 passed, RG-09/RG-10 pending (approvals missing), RG-11 blocked (PL-09
// failed), RG-12/RG-13 pending; and one open alert (PL-09 failed). The screen itself fixes one thing: PL-09
// has a failed run while RG-09/RG-10 (which block it) are pending. The demo history
// (examples/ops/generate-demo-history.ts) and this fixture read it the same way, the only way consistent with
// enforcement: PL-09's workflow was started by hand for its pre-deploy checks, one failed, and its deploy job
// (the one Lanes' protection rule guards) never started, so nothing reached production. Approvals here come
// before the lanes they gate (RG-07/RG-08 before PL-08). test/demo-consistency.test.ts checks the demo.
import type { EvidenceOutcome } from '../../src/core/run-model.ts';
import type { Catalog } from '../../src/core/catalog-model.ts';
import type { ReleaseLaneRun, ReleaseState } from '../../src/core/release-model.ts';
import { loadCatalogFile } from '../../src/catalog/load-catalog.ts';

export const REFERENCE_NOW = '2026-03-12T09:45:00.000Z';

export function exampleCatalog(file = 'examples/ops/lanes.yaml'): Catalog {
  const res = loadCatalogFile(file);
  if (!res.ok) throw new Error(`example catalog invalid: ${JSON.stringify(res.errors)}`);
  return res.catalog;
}

let nextRunId = 7_000_000;

export function greenRun(
  startedAt: string,
  completedAt: string,
  actor: string | null = null,
  runId?: number,
): ReleaseLaneRun {
  return {
    status: 'green',
    runId: runId ?? nextRunId++,
    runAttempt: 1,
    startedAt,
    completedAt,
    greenAt: completedAt,
    actor,
  };
}

export function failedRun(
  startedAt: string,
  completedAt: string,
  actor: string | null = null,
  runId?: number,
  greenAt: string | null = null,
): ReleaseLaneRun {
  return {
    status: 'failed',
    runId: runId ?? nextRunId++,
    runAttempt: 1,
    startedAt,
    completedAt,
    greenAt,
    actor,
  };
}

export function pendingRun(startedAt: string, actor: string | null = null, runId?: number): ReleaseLaneRun {
  return {
    status: 'pending',
    runId: runId ?? nextRunId++,
    runAttempt: 1,
    startedAt,
    completedAt: null,
    greenAt: null,
    actor,
  };
}

/** Evidence outcome `outcome` for every named check. */
export function evidenceFor(
  checks: readonly string[],
  outcome: EvidenceOutcome = 'passed',
): Record<string, EvidenceOutcome> {
  return Object.fromEntries(checks.map((c) => [c, outcome]));
}

/** A fresh release candidate with no runs, evidence or approvals. */
export function newRelease(over: Partial<ReleaseState> = {}): ReleaseState {
  return {
    id: 'rel-v1.5.0',
    version: 'v1.5.0',
    sha: '5e1f0c9a7b3d2e4f6a8b0c1d2e3f4a5b6c7d8e9f',
    createdBy: 'hana',
    createdAt: '2026-03-10T08:00:00.000Z',
    includesMigrations: false,
    manifest: [
      {
        name: 'ops-api',
        ref: 'ghcr.io/nata-onl/ops-api@sha256:1111111111111111111111111111111111111111111111111111111111111111',
      },
      {
        name: 'ops-pulse',
        ref: 'ghcr.io/nata-onl/ops-pulse@sha256:2222222222222222222222222222222222222222222222222222222222222222',
      },
    ],
    changeSummary: 'Queue backlog threshold tuning; pulse feed freshness metric',
    previousReleaseId: 'rel-v1.4.2',
    laneRuns: {},
    skippedLanes: [],
    evidence: {},
    approvals: [],
    overrides: [],
    protectionRequests: [],
    ...over,
  };
}

const PR_CHECKS = ['lint', 'typecheck', 'unit', 'schema drift', 'secret scan'];
const CONTRACT_CHECKS = ['contract diff', 'migration dry-run', 'ws handshake smoke'];
const BUILD_CHECKS = ['container build', 'image scan', 'SBOM', 'release manifest'];
const STAGING_CHECKS = ['deploy preflight', 'env diff', 'secrets present', 'config validation'];
const SMOKE_CHECKS = ['overview smoke', 'ws connect', 'queue', 'memory', 'reports', 'alerts'];
const RC_CHECKS = ['change summary', 'freeze window', 'rollback target exists'];
const OPS_CHECKS = ['ops checklist', 'canary health', 'queue backlog threshold'];

/** The release the reference screen's gate column shows (v1.5.0, deployed to prod on 2026-03-10). */
export function referenceRelease(): ReleaseState {
  return newRelease({
    id: 'rel-v1.5.0',
    version: 'v1.5.0',
    createdBy: 'hana',
    createdAt: '2026-03-10T18:50:00.000Z',
    includesMigrations: false,
    laneRuns: {
      'PL-01': greenRun('2026-03-10T17:20:00.000Z', '2026-03-10T17:26:00.000Z', 'bruno', 9101),
      'PL-02': greenRun('2026-03-10T17:21:00.000Z', '2026-03-10T17:33:00.000Z', 'bruno', 9102),
      'PL-03': greenRun('2026-03-10T18:02:00.000Z', '2026-03-10T18:10:00.000Z', 'bruno', 9103),
      'PL-04': greenRun('2026-03-10T18:11:00.000Z', '2026-03-10T18:20:00.000Z', null, 9104),
      'PL-05': greenRun('2026-03-10T18:21:00.000Z', '2026-03-10T18:30:00.000Z', null, 9104),
      'PL-06': greenRun('2026-03-10T18:55:00.000Z', '2026-03-10T19:02:00.000Z', 'hana', 9106),
      'PL-08': greenRun('2026-03-10T20:32:00.000Z', '2026-03-10T20:33:00.000Z', 'lanes', 9108),
      'PL-09': failedRun('2026-03-10T20:48:00.000Z', '2026-03-10T20:51:00.000Z', 'farid', 9109), // by hand; never deployed
      'PL-10': pendingRun('2026-03-10T21:03:00.000Z', 'lanes', 9110),
    },
    evidence: {
      ...evidenceFor([...PR_CHECKS, ...CONTRACT_CHECKS, ...BUILD_CHECKS, ...STAGING_CHECKS, ...SMOKE_CHECKS]),
      ...evidenceFor(RC_CHECKS),
      ...evidenceFor(OPS_CHECKS),
      '15 min green after ops': 'passed',
      'feed freshness': 'failed',
      'workspace isolation': 'passed',
    },
    approvals: [
      { gate: 'RG-05', by: 'giulia', at: '2026-03-10T18:35:00.000Z', comment: 'staging smoke reviewed' },
      {
        gate: 'RG-07',
        by: 'ivan',
        at: '2026-03-10T19:10:00.000Z',
        comment: 'change summary ok, rollback target v1.4.2',
      },
      { gate: 'RG-08', by: 'chiara', at: '2026-03-10T19:12:00.000Z', comment: 'no migrations' },
    ],
  });
}

export const REFERENCE_GATE_STATES: Record<string, 'passed' | 'pending' | 'blocked'> = {
  'RG-01': 'passed',
  'RG-02': 'passed',
  'RG-03': 'passed',
  'RG-04': 'passed',
  'RG-05': 'passed',
  'RG-06': 'passed',
  'RG-07': 'passed',
  'RG-08': 'passed',
  'RG-09': 'pending',
  'RG-10': 'pending',
  'RG-11': 'blocked',
  'RG-12': 'pending',
  'RG-13': 'pending',
};
