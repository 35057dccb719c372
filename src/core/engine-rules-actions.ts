// Rules the engine's actions ask before they write (who may act is src/core/policy.ts): when a lane may be
// started by hand and with which inputs, what opening a candidate dispatches, and the default manifest.
// Pure: the same catalog, facts and clock always give the same answer; no I/O.
import type { Catalog, Lane, Workflow } from './catalog-model.ts';
import { compareRunsNewestFirst } from './lane-status.ts';
import type { RunRecord } from './run-model.ts';
import { candidateOpeningLane } from './release-candidate.ts';
import { activeFreeze, type Clock } from './freeze-windows.ts';
import type { ManifestArtifact } from './release-model.ts';
import type { RefusalCode } from '../contract/refusal.ts';
import { LANES_INPUTS } from './dispatch-inputs.ts';

export type RuleCheck<T = object> =
  | ({ ok: true } & T)
  | {
      ok: false;
      code: RefusalCode;
      message: string;
      details?: unknown;
      audit?: { action: string; data: unknown };
    };

/**
 * Inputs Lanes itself sets on the dispatches it sends (release, version, sha, lane, effect_id, and a
 * rollback's target_*, requested_by, incident, owner and reason): a free trigger may not set them, so a
 * dispatch cannot pose as the release flow. The one list is src/core/dispatch-inputs.ts, which the
 * dispatch builders and `lanes workflows check` share; it cannot drift from what Lanes sends.
 */
export const RESERVED_INPUTS: readonly string[] = LANES_INPUTS;

/** The reserved inputs among a trigger's inputs. */
export function reservedInputsUsed(inputs: Readonly<Record<string, string>>): string[] {
  return RESERVED_INPUTS.filter((k) => Object.hasOwn(inputs, k));
}

/**
 * When a lane the policy lets a person start (src/core/policy.ts, `lane.trigger`) may run now: not inside a
 * freeze window; one dispatch per workflow of the lane, however many bindings name it.
 */
export function triggerPlan(c: Catalog, lane: Lane, now: Clock): RuleCheck<{ workflows: Workflow[] }> {
  const freeze = activeFreeze(c, lane.id, now);
  if (freeze)
    return {
      ok: false,
      code: 'frozen',
      message: `${lane.id} is inside freeze window ${freeze.windowId} until ${freeze.end}`,
    };
  const workflows: Workflow[] = [];
  for (const b of lane.run_by) {
    const wf = c.workflows.find((w) => w.id === b.workflow);
    if (wf && !workflows.some((w) => w.id === wf.id)) workflows.push(wf);
  }
  return { ok: true, workflows };
}

export interface OpeningDispatch {
  key: string;
  laneId: string;
  workflowFile: string;
  inputs: Record<string, string>;
}

/**
 * Opening a candidate starts the flow's first manual lane, unless GitHub already ran it for this commit.
 * One key per release and lane: a second binding of the same lane is the same dispatch.
 */
export function openingDispatches(
  c: Catalog,
  release: { id: string; version: string; sha: string },
  runs: readonly RunRecord[],
): OpeningDispatch[] {
  const lane = candidateOpeningLane(c);
  if (!lane || runs.some((run) => lane.run_by.some((b) => b.workflow === run.workflowId))) return [];
  return lane.run_by.flatMap((b) => {
    const wf = c.workflows.find((w) => w.id === b.workflow);
    if (!wf) return [];
    return [
      {
        key: `dispatch:${release.id}:${lane.id}`,
        laneId: lane.id,
        workflowFile: wf.file,
        inputs: { version: release.version, sha: release.sha, release: release.id },
      },
    ];
  });
}

/** Without a manifest from the caller, the release carries the build lane's evidence pack for its commit. */
export function defaultManifest(c: Catalog, runs: readonly RunRecord[]): ManifestArtifact[] {
  const buildLane = c.lanes.find((l) => l.id === (c.promotion?.flow ?? [])[0]);
  const build = runs
    .filter((r) => buildLane?.run_by.some((b) => b.workflow === r.workflowId))
    .sort(compareRunsNewestFirst)[0];
  const wf = build ? c.workflows.find((w) => w.id === build.workflowId) : undefined;
  return build && wf?.evidence ? [{ name: wf.evidence, ref: `${build.htmlUrl}#artifacts` }] : [];
}
