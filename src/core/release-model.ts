// The release as the core reasons about it: one candidate moving through the promotion flow, with the
// newest state of each lane's run for it, the evidence on its sha, the approvals given on its gates, the
// freeze overrides and the deployment protection requests waiting for an answer. Pure data: the store
// assembles it, src/core/promotion.ts decides on it. Times are ISO 8601 UTC strings.
import type { EvidenceOutcome } from './run-model.ts';
import type { Catalog, Lane } from './catalog-model.ts';

/** Screen words for a lane's state within one release. `idle` = no run yet for this release. */
export type ReleaseLaneStatus = 'green' | 'pending' | 'failed' | 'idle';

export interface ReleaseLaneRun {
  status: ReleaseLaneStatus;
  /** GitHub run id of the newest run for this lane and release, when known. */
  runId: number | null;
  runAttempt?: number | null;
  startedAt: string | null;
  /** When the run reached its current terminal status (green or failed); null while pending. */
  completedAt: string | null;
  /** When this lane last turned green for this release, kept even if it failed afterwards (hold broken). */
  greenAt?: string | null;
  /** Who started the run (GitHub login = person id), used to refuse self-approval. */
  actor?: string | null;
}

export interface ManifestArtifact {
  name: string; // image or artifact name
  ref: string; // digest, tag or URL
}

export interface Approval {
  /** Gate id (RG-xx). */
  gate: string;
  by: string; // person id
  at: string;
  comment: string | null;
}

export interface FreezeOverride {
  lane: string; // PL-xx
  by: string; // person id
  reason: string;
  at: string;
  /** Freeze window id, when the override names one; otherwise it applies to any window on the lane. */
  window?: string | null;
}

export interface PendingProtectionRequest {
  runId: number;
  /** GitHub deployment environment (e.g. prod-ops). */
  environment: string;
  /** WF-xx of the run, resolved by the caller from the run record; needed to find the lane. */
  workflowId: string | null;
  /** Event of the run (workflow_dispatch, schedule, ...), when known: disambiguates bindings. */
  event?: string | null;
  requestedAt: string;
}

export interface ReleaseState {
  id: string; // release id (e.g. rel-2026-03-10-1 or the version)
  version: string; // tag, e.g. v1.4.0
  sha: string;
  createdBy: string;
  createdAt: string;
  includesMigrations: boolean;
  manifest: ManifestArtifact[];
  changeSummary: string | null;
  /** Rollback target: the previous good release, if any. */
  previousReleaseId: string | null;
  /** Per lane id: the newest run state for this release. Lanes without a run may be absent (= idle). */
  laneRuns: Record<string, ReleaseLaneRun>;
  /** Lanes the branch policy skipped for this change (path filters did not match). */
  skippedLanes: string[];
  /** Newest evidence outcome per check name on this release's sha. Absent = missing. */
  evidence: Record<string, EvidenceOutcome>;
  approvals: Approval[];
  overrides: FreezeOverride[];
  protectionRequests: PendingProtectionRequest[];
  /** Per lane id: runs GitHub failed because their deployment was rejected (src/core/rejected-runs.ts).
   * They are not in laneRuns; the lane's next dispatch is a new run (its key names the newest). */
  rejectedRuns?: Record<string, number[]>;
  /** Lanes whose newest rejected run a person rejected in GitHub: not re-dispatched by Lanes itself, only
   * by a promote (src/core/rejected-runs.ts reviewerRejectedLanes). */
  reviewerRejectedLanes?: string[];
  /**
   * Deploys around Lanes that no person has acknowledged yet (open unsanctioned-change alerts of this
   * release): while any is listed, the release's post-deploy gates fail.
   */
  unsanctionedDeploys?: string[];
  /** Runs Lanes can tell were made for this release (core run-attribution): its own incidents and
   * protection requests, which it raises and answers even when another release speaks for the commit. */
  attributedRunIds?: number[];
}

export const IDLE_RUN: ReleaseLaneRun = { status: 'idle', runId: null, startedAt: null, completedAt: null };

export function laneRun(r: ReleaseState, laneId: string): ReleaseLaneRun {
  return r.laneRuns[laneId] ?? IDLE_RUN;
}

/**
 * Whether a lane applies to a release at all. A lane with `when: { migrations: true }` applies only to a
 * release that includes migrations (and `migrations: false` only to one without). Branch-policy skips are
 * a separate matter (see ReleaseState.skippedLanes): a skipped lane applies but did not run.
 */
export function laneApplies(lane: Lane, r: Pick<ReleaseState, 'includesMigrations'>): boolean {
  if (lane.when && lane.when.migrations !== r.includesMigrations) return false;
  return true;
}

export function isProductionLane(c: Catalog, lane: Lane): boolean {
  return lane.environment.some((e) => c.environments.find((x) => x.id === e)?.production === true);
}

export function seatMembers(c: Catalog, seatId: string): string[] {
  return c.seats.find((s) => s.id === seatId)?.members ?? [];
}

export function isSeatMember(c: Catalog, seatId: string, person: string): boolean {
  return seatMembers(c, seatId).includes(person);
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export function ms(isoTime: string): number {
  return Date.parse(isoTime);
}

/** The seats a person is a member of, in catalog order. */
export function seatsOf(c: Catalog, person: string): string[] {
  return c.seats.filter((s) => s.members.includes(person)).map((s) => s.id);
}
