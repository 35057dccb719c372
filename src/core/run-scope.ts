// Which runs may count for a lane. A delivery from a repository the catalog does not name changes nothing;
// a run counts for a lane only when it comes from the repository of the lane's workflow, with an event the
// binding accepts, on a ref the branch policy and the lane's trigger allow. A pull_request run never counts
// for a lane outside the pull-request part of the branch policy (so a PR run of a deploy workflow cannot
// turn a main, staging or production lane green). Pure.
import type { Catalog, Lane } from './catalog-model.ts';
import { laneById, workflowById } from './catalog-model.ts';
import { globMatch } from './branch-policy.ts';
import { workflowRepository } from './evidence-provenance.ts';

export interface RunScope {
  repo: string; // owner/name
  event: string; // push, pull_request, schedule, workflow_dispatch, workflow_run, ...
  /** GitHub's head_branch: the branch (or tag name) the run is for; a PR run's source branch. */
  headBranch: string | null;
  workflowId: string | null;
}

export type RunVerdict = { counts: true } | { counts: false; reason: string };

const PR_EVENTS = new Set(['pull_request', 'pull_request_target']);

/** Every repository whose deliveries the catalog cares about: its own, the listed ones, its workflows'. */
export function catalogRepositories(c: Catalog): string[] {
  return [...new Set([c.repository, ...c.repositories, ...c.workflows.map((w) => workflowRepository(c, w))])];
}

/** A delivery from a repository the catalog does not name is stored, marked ignored, and changes nothing. */
export function repositoryKnown(c: Catalog, repo: string): RunVerdict {
  return catalogRepositories(c).includes(repo)
    ? { counts: true }
    : { counts: false, reason: `repository ${repo} is not in the catalog` };
}

function no(reason: string): RunVerdict {
  return { counts: false, reason };
}

function isPrLane(lane: Lane): boolean {
  return lane.trigger.on === 'pull_request';
}

/**
 * A run dispatched in another repository (an ops repository deploys what a service repository built) runs on
 * that repository's commit, not the release's: it joins the release by its title. The workflow contract
 * (docs/connect-github.md) asks such workflows for `run-name: ${{ inputs.release }} …`, so GitHub's
 * `display_title` starts with the release id Lanes dispatched. Only workflow_dispatch runs qualify (a push
 * run's title is its commit message, which anyone can write).
 */
export function runNamesRelease(
  run: { event: string; displayTitle?: string | null | undefined },
  releaseId: string,
): boolean {
  if (run.event !== 'workflow_dispatch' || !run.displayTitle) return false;
  return run.displayTitle.trim().split(/\s+/)[0] === releaseId;
}

/** The release id a dispatched run's title names (its first word), if it is a dispatched run. */
export function releaseNamedByRun(run: {
  event: string;
  displayTitle?: string | null | undefined;
}): string | null {
  if (run.event !== 'workflow_dispatch' || !run.displayTitle) return null;
  return run.displayTitle.trim().split(/\s+/)[0] ?? null;
}

export function runCounts(c: Catalog, laneId: string, run: RunScope): RunVerdict {
  const lane = laneById(c, laneId);
  if (!lane) return no(`unknown lane ${laneId}`);
  const bindings = lane.run_by.filter((b) => b.workflow === run.workflowId);
  if (bindings.length === 0)
    return no(`${lane.id} is not run by ${run.workflowId ?? 'an unmapped workflow'}`);
  const wf = workflowById(c, bindings[0]?.workflow ?? '');
  if (!wf) return no(`unknown workflow ${run.workflowId ?? ''}`);
  const repo = workflowRepository(c, wf);
  if (run.repo !== repo) return no(`${wf.id} runs in ${repo}, not ${run.repo}`);
  if (!bindings.some((b) => !b.event || b.event.includes(run.event)))
    return no(`${lane.id} does not count ${run.event} runs of ${wf.id}`);

  const isPr = PR_EVENTS.has(run.event);
  if (isPr && !isPrLane(lane)) return no(`a ${run.event} run never counts for ${lane.id}`);

  const ref = run.headBranch;
  // A lane started by dispatch (by Lanes or by hand) was checked when it was dispatched; its run counts on
  // any ref the branch policy protects (a push or tag rule), e.g. a candidate opened from main for a tag.
  const dispatched =
    ['manual', 'approval', 'hold'].includes(lane.trigger.on) && run.event === 'workflow_dispatch';
  const rules = dispatched
    ? c.branch_policy.filter((r) => r.event !== 'pull_request')
    : c.branch_policy.filter((r) => r.lanes.includes(lane.id));
  if (rules.length > 0 && (dispatched || c.branch_policy.some((r) => r.lanes.includes(lane.id)))) {
    const fits = rules.some(
      (r) => (r.event === 'pull_request') === isPr && ref !== null && globMatch(r.refs, ref),
    );
    if (!fits) return no(`${run.event} on ${ref ?? 'no ref'} is outside the branch policy for ${lane.id}`);
  }
  const t = lane.trigger;
  if (
    (t.on === 'push' || t.on === 'pull_request') &&
    t.branches &&
    (ref === null || !globMatch(t.branches, ref))
  )
    return no(`${lane.id} runs on ${t.branches.join(', ')}, not ${ref ?? 'no ref'}`);
  if (t.on === 'tag' && (ref === null || !globMatch(t.tags, ref)))
    return no(`${lane.id} runs on tags ${t.tags.join(', ')}, not ${ref ?? 'no ref'}`);
  return { counts: true };
}
