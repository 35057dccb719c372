// Where evidence may come from, and which piece of evidence counts. Each check names its allowed sources in
// the catalog (`checks[].sources`); a check the catalog does not list may be reported only by the GitHub
// workflows of the lanes that run it (their check runs/jobs, or their OIDC token). Among reports of one
// check, a GitHub-verified source (a check run or job delivered by webhook, or a workflow's OIDC token)
// is never overridden by API evidence from another source; a newer result from the same source supersedes.
// A check run of a GitHub App (not GitHub Actions: its jobs count through workflow_job) counts only for a
// check whose sources name that app (`github: { app: <slug> }`), in the repository the source names.
import type { Refusal } from '../contract/refusal.ts';
import type { Catalog, EvidenceSource, Workflow } from './catalog-model.ts';
import { workflowById } from './catalog-model.ts';
import type { EvidenceOutcome } from './run-model.ts';

/** Who is reporting, as Lanes verified it (webhook signature, token, OIDC claims). */
export type EvidenceClaim =
  | { kind: 'github'; repository: string; workflowId: string | null; job?: string | null }
  /** A check run delivered by GitHub; `app` is the slug of the GitHub App that created it. */
  | { kind: 'check_run'; repository: string; app: string | null }
  | { kind: 'oidc'; repository: string; workflowFile: string }
  | { kind: 'service'; name: string }
  | { kind: 'person'; login: string; seats: readonly string[] };

/** The repository a workflow lives in: its own `repository`, else the catalog's. */
export function workflowRepository(c: Catalog, wf: Workflow): string {
  return wf.repository ?? c.repository;
}

/** The sources allowed to report `check`: declared, else the GitHub workflows of the lanes listing it. */
export function evidenceSources(c: Catalog, check: string): EvidenceSource[] {
  const declared = c.checks.find((x) => x.name === check);
  if (declared) return declared.sources;
  const workflows = [
    ...new Set(
      c.lanes.filter((l) => l.checks.includes(check)).flatMap((l) => l.run_by.map((b) => b.workflow)),
    ),
  ];
  return workflows.flatMap((workflow): EvidenceSource[] => [
    { github: { workflow } },
    { oidc: { workflow } },
  ]);
}

function sameFile(a: string, b: string): boolean {
  return a.replace(/^\.\//, '') === b.replace(/^\.\//, '');
}

function matches(c: Catalog, src: EvidenceSource, claim: EvidenceClaim): boolean {
  if ('github' in src) {
    const g = src.github;
    if ('app' in g) {
      if (claim.kind !== 'check_run' || claim.app === null || claim.app !== g.app) return false;
      return (g.repository ?? c.repository) === claim.repository;
    }
    if (claim.kind !== 'github' || claim.workflowId !== g.workflow) return false;
    const wf = workflowById(c, g.workflow);
    if (!wf || workflowRepository(c, wf) !== claim.repository) return false;
    return g.job === undefined || g.job === claim.job;
  }
  if ('oidc' in src) {
    if (claim.kind !== 'oidc') return false;
    const wf = workflowById(c, src.oidc.workflow);
    if (!wf || !sameFile(wf.file, claim.workflowFile)) return false;
    return (src.oidc.repository ?? workflowRepository(c, wf)) === claim.repository;
  }
  if ('service' in src) return claim.kind === 'service' && claim.name === src.service;
  return claim.kind === 'person' && claim.seats.includes(src.seat);
}

/** A stable name of the source, the unit within which a newer result supersedes an older one. */
export function sourceKey(claim: EvidenceClaim): string {
  switch (claim.kind) {
    case 'github':
      return `github:${claim.repository}:${claim.workflowId ?? '?'}${claim.job ? `:${claim.job}` : ''}`;
    case 'check_run':
      return `check_run:${claim.repository}:${claim.app ?? '?'}`;
    case 'oidc':
      return `oidc:${claim.repository}:${claim.workflowFile}`;
    case 'service':
      return `service:${claim.name}`;
    case 'person':
      return `person:${claim.login}`;
  }
}

export type EvidenceAuthority = 'github' | 'api';

export function authorityOf(claim: EvidenceClaim): EvidenceAuthority {
  return claim.kind === 'github' || claim.kind === 'check_run' || claim.kind === 'oidc' ? 'github' : 'api';
}

/** May this source report this check? A refusal names the allowed sources. */
export function mayReportEvidence(
  c: Catalog,
  check: string,
  claim: EvidenceClaim,
): { ok: true; source: string; authority: EvidenceAuthority } | ({ ok: false } & Refusal) {
  const sources = evidenceSources(c, check);
  if (sources.some((s) => matches(c, s, claim)))
    return { ok: true, source: sourceKey(claim), authority: authorityOf(claim) };
  return {
    ok: false,
    code: 'evidence_source_not_allowed',
    message:
      sources.length === 0
        ? `no source may report "${check}": the catalog lists no lane or check source for it`
        : `${sourceKey(claim)} may not report "${check}"; allowed: ${sources.map(describeSource).join(', ')}`,
    details: { check, source: sourceKey(claim) },
  };
}

export function describeSource(s: EvidenceSource): string {
  if ('github' in s) {
    const g = s.github;
    if ('app' in g)
      return `check runs of the GitHub App ${g.app}${g.repository ? ` in ${g.repository}` : ''}`;
    return `GitHub ${g.workflow}${g.job ? ` job ${g.job}` : ''}`;
  }
  if ('oidc' in s) return `OIDC of ${s.oidc.workflow}${s.oidc.repository ? ` in ${s.oidc.repository}` : ''}`;
  if ('service' in s) return `service ${s.service}`;
  return `a member of ${s.seat}`;
}

export interface EvidenceReport {
  check: string;
  outcome: EvidenceOutcome;
  /** When the source produced the result (ISO). */
  at: string;
  source: string;
  authority: EvidenceAuthority;
}

/**
 * The report that counts for each check: the newest per source; then, if any GitHub-verified source
 * reported the check, the newest of those; otherwise the newest API report.
 */
export function selectEvidence(records: readonly EvidenceReport[]): Map<string, EvidenceReport> {
  const newest = new Map<string, EvidenceReport>(); // check + source → newest
  for (const r of records) {
    const k = `${r.check}\u0000${r.source}`;
    const had = newest.get(k);
    if (!had || Date.parse(r.at) >= Date.parse(had.at)) newest.set(k, r);
  }
  const out = new Map<string, EvidenceReport>();
  for (const r of newest.values()) {
    const cur = out.get(r.check);
    if (!cur) {
      out.set(r.check, r);
      continue;
    }
    const rank = (x: EvidenceReport) => (x.authority === 'github' ? 1 : 0);
    if (rank(r) > rank(cur) || (rank(r) === rank(cur) && Date.parse(r.at) > Date.parse(cur.at)))
      out.set(r.check, r);
  }
  return out;
}

/** selectEvidence, as the per-check outcomes a ReleaseState carries. */
export function evidenceOutcomes(records: readonly EvidenceReport[]): Record<string, EvidenceOutcome> {
  return Object.fromEntries([...selectEvidence(records)].map(([check, r]) => [check, r.outcome]));
}
