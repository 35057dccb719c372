// Deploys around Lanes: a run in an environment of a production lane that no release allowed, or a
// deployment protection request for a commit that has no release. Each environment says what to do in the
// catalog (`environments[].unsanctioned_changes`): reject (answer the request with a rejection and raise
// an alert), alert (raise an alert only) or ignore. Default: reject for production environments, ignore
// elsewhere. One incident is one alert: the key names the run, so attempts of the same run fold into it.
import type { Catalog, Lane, UnsanctionedChange } from './catalog-model.ts';
import type { RaiseIntent } from './alert-model.ts';
import { alertKey } from './alert-model.ts';

export function unsanctionedChangePolicy(c: Catalog, environmentId: string): UnsanctionedChange {
  const env = c.environments.find((e) => e.id === environmentId);
  if (!env) return 'ignore';
  return env.unsanctioned_changes ?? (env.production ? 'reject' : 'ignore');
}

const STRICTNESS: Record<UnsanctionedChange, number> = { ignore: 0, alert: 1, reject: 2 };

export interface UnsanctionedInput {
  /** Lanes bound to the run or protection request (see lanesForProtectionRequest). */
  lanes: readonly Lane[];
  runId: number;
  runAttempt?: number;
  sha: string;
  /** GitHub deployment environment, for the message. */
  environment: string;
  /** Why no release allowed it, e.g. "no release for this commit". */
  why: string;
}

export type UnsanctionedDecision =
  { action: 'ignore' } | { action: 'alert' | 'reject'; comment: string; alert: RaiseIntent };

/** The strictest policy among the environments of the bound lanes decides. */
export function judgeUnsanctionedChange(c: Catalog, x: UnsanctionedInput): UnsanctionedDecision {
  let policy: UnsanctionedChange = 'ignore';
  for (const lane of x.lanes)
    for (const env of lane.environment) {
      const p = unsanctionedChangePolicy(c, env);
      if (STRICTNESS[p] > STRICTNESS[policy]) policy = p;
    }
  if (policy === 'ignore') return { action: 'ignore' };
  const laneIds = x.lanes.map((l) => l.id).join(', ');
  const comment = `Lanes: ${laneIds} may not deploy ${x.sha.slice(0, 12)} to ${x.environment}: ${x.why}`;
  return {
    action: policy,
    comment,
    alert: {
      action: 'raise',
      key: alertKey('unsanctioned_change', String(x.runId)),
      rule: 'unsanctioned_change',
      severity: 'critical',
      title: `Unsanctioned change to ${x.environment} (${laneIds})`,
      detail: `run ${x.runId} deploys ${x.sha.slice(0, 12)} to ${x.environment} outside Lanes: ${x.why}${policy === 'reject' ? '; the deployment was rejected' : ''}`,
      occurrence: `run:${x.runId}`,
      subject: { laneId: x.lanes[0]?.id },
    },
  };
}
