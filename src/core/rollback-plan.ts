// POST releases/{id}/rollback as a pure decision: the rollback lanes to dispatch with the target release's
// version, sha and manifest as inputs, or why not (no target, no rollback lane, no reason).
import type { Catalog } from './catalog-model.ts';
import type { ManifestArtifact, ReleaseState } from './release-model.ts';
import type { Effect } from './effect-model.ts';
import { dispatchEffects } from './dispatch-plan.ts';

export type RollbackPlan =
  | {
      ok: true;
      target: { id: string; version: string; sha: string; manifest: ManifestArtifact[] };
      lanes: string[];
      effects: Effect[];
    }
  | { ok: false; code: 'no_rollback_target' | 'no_rollback_lane' | 'reason_required'; message: string };

/**
 * POST releases/{id}/rollback: dispatch the rollback lanes (kind rollback in promotion.rollback, else any)
 * with the target release's version, sha and manifest as inputs. Key rollback:<release>:<lane>[:<wf>].
 */
export function planRollback(
  c: Catalog,
  r: ReleaseState,
  target: Pick<ReleaseState, 'id' | 'version' | 'sha' | 'manifest'> | null,
  by: string,
  reason: string,
): RollbackPlan {
  if (!target)
    return {
      ok: false,
      code: 'no_rollback_target',
      message: `release ${r.version} has no previous good release to roll back to`,
    };
  if (reason.trim() === '')
    return { ok: false, code: 'reason_required', message: 'a rollback needs a reason' };
  const listed = c.promotion?.rollback ?? [];
  const lanes = c.lanes.filter(
    (l) => l.kind === 'rollback' && (listed.length === 0 || listed.includes(l.id)),
  );
  if (lanes.length === 0)
    return { ok: false, code: 'no_rollback_lane', message: 'the catalog has no rollback lane' };
  const inputs = {
    target_release: target.id,
    target_version: target.version,
    target_sha: target.sha,
    target_manifest: JSON.stringify(target.manifest),
    requested_by: by,
    reason,
  };
  return {
    ok: true,
    target: { id: target.id, version: target.version, sha: target.sha, manifest: target.manifest },
    lanes: lanes.map((l) => l.id),
    effects: lanes.flatMap((l) =>
      dispatchEffects(c, r, l, `rollback to ${target.version} by ${by}: ${reason}`, 'rollback', inputs),
    ),
  };
}
