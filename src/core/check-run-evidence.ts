// Which GitHub check runs count as evidence, and who a piece of evidence GitHub delivered is from. A check run
// arrives signature-verified with the check's name, its commit, its repository and the GitHub App that
// created it (check_run.app.slug). It counts for the catalog's check of the same name only when:
// - it is not a GitHub Actions check run (`actions_check_run`). An Actions job counts through its
//   workflow_job delivery, which names the workflow run it belongs to; the check run GitHub creates for the
//   same job names no workflow, and any workflow step with `checks: write` (a branch's own workflow too)
//   can create a check run of any name under the github-actions app;
// - the catalog names the check: a lane's or a gate's checks, or `checks:` (`check_not_in_catalog`);
// - the check's sources name that App, in that repository: `github: { app: <slug> }`, whose repository
//   defaults to the catalog's (`source_not_allowed`; no check allows an App unless it is declared).
// A check run that does not count is not silently dropped: its delivery is marked ignored with the reason.
// Pure.
import type { Catalog } from './catalog-model.ts';
import { mayReportEvidence, type EvidenceClaim } from './evidence-provenance.ts';
import type { NormalisedFact } from './run-model.ts';

/** The app GitHub Actions creates its jobs' check runs under. */
export const ACTIONS_APP = 'github-actions';

export type CheckRunIgnored = 'actions_check_run' | 'check_not_in_catalog' | 'source_not_allowed';

export type CheckRunVerdict =
  { counts: true; claim: EvidenceClaim } | { counts: false; reason: CheckRunIgnored; detail: string };

/** Every check the catalog names: the lanes' checks, the gates' criteria and the declared checks. */
export function catalogCheckNames(c: Catalog): Set<string> {
  return new Set([
    ...c.lanes.flatMap((l) => l.checks),
    ...c.gates.flatMap((g) => g.criteria.checks),
    ...c.checks.map((x) => x.name),
  ]);
}

export function checkRunVerdict(
  c: Catalog,
  run: { check: string; app: string | null; repository: string },
): CheckRunVerdict {
  if (run.app === ACTIONS_APP)
    return {
      counts: false,
      reason: 'actions_check_run',
      detail: `"${run.check}" is a GitHub Actions check run: Actions jobs count through their workflow_job delivery`,
    };
  if (!catalogCheckNames(c).has(run.check))
    return {
      counts: false,
      reason: 'check_not_in_catalog',
      detail: `no lane, gate or check of the catalog is named "${run.check}"`,
    };
  const claim: EvidenceClaim = { kind: 'check_run', repository: run.repository, app: run.app };
  const may = mayReportEvidence(c, run.check, claim);
  if (!may.ok) return { counts: false, reason: 'source_not_allowed', detail: may.message };
  return { counts: true, claim };
}

/** The first check run among a delivery's facts that does not count: the delivery's ignored reason. */
export function ignoredCheckRun(
  c: Catalog,
  facts: readonly NormalisedFact[],
): { reason: CheckRunIgnored; detail: string } | null {
  for (const f of facts) {
    if (f.kind !== 'evidence' || f.evidence.source !== 'check_run') continue;
    const v = checkRunVerdict(c, checkRunOf(c, f));
    if (!v.counts) return { reason: v.reason, detail: v.detail };
  }
  return null;
}

function checkRunOf(
  c: Catalog,
  f: Extract<NormalisedFact, { kind: 'evidence' }>,
): { check: string; app: string | null; repository: string } {
  return { check: f.evidence.check, app: f.evidence.reportedBy, repository: f.repo ?? c.repository };
}

/**
 * Who reports evidence GitHub delivered: a check run, its App in its repository; a job, the workflow (and
 * job name) of its run, in the run's repository.
 */
export function deliveredEvidenceClaim(
  c: Catalog,
  f: Extract<NormalisedFact, { kind: 'evidence' }>,
  run: { repo: string; workflowId: string | null } | undefined,
): EvidenceClaim {
  const e = f.evidence;
  if (e.source === 'check_run') {
    const cr = checkRunOf(c, f);
    return { kind: 'check_run', repository: cr.repository, app: cr.app };
  }
  return {
    kind: 'github',
    repository: run?.repo ?? c.repository,
    workflowId: run?.workflowId ?? null,
    job: e.source === 'job' ? e.check : null,
  };
}
