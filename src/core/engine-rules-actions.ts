// Rules the engine's actions ask before they write: who may operate, whether a lane may be started by hand,
// what opening a candidate dispatches, and the default
// manifest. Pure: the same catalog, facts and clock always give the same answer; no I/O.
import type { Catalog, Lane, Workflow } from './catalog-model.ts';
import { compareRunsNewestFirst } from './lane-status.ts';
import type { RunRecord } from './run-model.ts';
import { candidateOpeningLane } from './release-candidate.ts';
import { gatesBlocking } from './gates.ts';
import { activeFreeze, type Clock } from './freeze-windows.ts';
import type { ManifestArtifact } from './release-model.ts';
import type { RefusalCode } from '../contract/refusal.ts';

export type RuleCheck<T = object> =
  | ({ ok: true } & T)
  | {
      ok: false;
      code: RefusalCode;
      message: string;
      details?: unknown;
      audit?: { action: string; data: unknown };
    };

/** Rolling back and starting lanes by hand are for people who hold a seat (any seat). */
export function mayOperate(seats: readonly string[]): boolean {
  return seats.length > 0;
}

/**
 * May this person start this lane by hand now? Gated lanes (approval, hold, blocking gates) never are:
 * they run when their gates hold. A refusal that should be audited carries `audit`.
 */
export function checkTrigger(
  c: Catalog,
  laneId: string,
  seats: readonly string[],
  now: Clock,
): RuleCheck<{ lane: Lane; workflows: Workflow[] }> {
  const lane = c.lanes.find((l) => l.id === laneId);
  if (!lane) return { ok: false, code: 'not_found', message: `no lane ${laneId}` };
  if (!mayOperate(seats))
    return { ok: false, code: 'forbidden', message: 'only members of a seat may trigger lanes' };
  const blocking = gatesBlocking(c, laneId);
  if (
    lane.requires_approval ||
    blocking.length > 0 ||
    lane.trigger.on === 'approval' ||
    lane.trigger.on === 'hold'
  ) {
    const ids = blocking.map((g) => g.id);
    return {
      ok: false,
      code: 'gate_not_ready',
      message: `${laneId} runs only when its gates hold${ids.length ? ` (${ids.join(', ')})` : ''}; promote a release instead`,
      audit: { action: 'lane.trigger_refused', data: { gates: ids } },
    };
  }
  const freeze = activeFreeze(c, laneId, now);
  if (freeze)
    return {
      ok: false,
      code: 'frozen',
      message: `${laneId} is inside freeze window ${freeze.windowId} until ${freeze.end}`,
    };
  // One dispatch per workflow, however many bindings name it.
  const workflows: Workflow[] = [];
  for (const b of lane.run_by) {
    const wf = c.workflows.find((w) => w.id === b.workflow);
    if (wf && !workflows.some((w) => w.id === wf.id)) workflows.push(wf);
  }
  return { ok: true, lane, workflows };
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
