// Enforcement mode per environment: how GitHub is made to wait for Lanes before a gated job deploys.
// `protection-rule` (GitHub's custom deployment protection rule, answered by Lanes: public repositories, or
// private/internal ones on GitHub Enterprise), `gate-step` (the `lanes gate wait` step first in the job: every
// plan), or `both`. A lane needs the gate step when any of its catalog environments says gate-step or both;
// the GitHub environments concerned are the ones its workflow bindings name (a binding's own, else the
// workflow's). Pure.
import type { Catalog, EnforcementMode, Lane } from './catalog-model.ts';
import { workflowById } from './catalog-model.ts';

export function enforcementOf(c: Catalog, environmentId: string): EnforcementMode {
  return c.environments.find((e) => e.id === environmentId)?.enforcement ?? 'protection-rule';
}

/** True when a run of this lane must ask Lanes through the gate step. */
export function laneNeedsGateStep(c: Catalog, lane: Lane): boolean {
  return lane.environment.some((e) => enforcementOf(c, e) !== 'protection-rule');
}

/** GitHub environment names or globs a lane's runs deploy to (its bindings', else their workflows'). */
export function laneGithubEnvironments(c: Catalog, lane: Lane): string[] {
  const out = new Set<string>();
  for (const b of lane.run_by)
    for (const e of b.environment ?? workflowById(c, b.workflow)?.environment ?? []) out.add(e);
  return [...out];
}

/** GitHub environments (names or globs) whose jobs must start with the gate step, in catalog order. */
export function gateStepEnvironments(c: Catalog): string[] {
  const out = new Set<string>();
  for (const lane of c.lanes)
    if (laneNeedsGateStep(c, lane)) for (const e of laneGithubEnvironments(c, lane)) out.add(e);
  return [...out];
}
