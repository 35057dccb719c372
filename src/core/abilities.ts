// What one caller may do, as the policy (`decide`, src/core/policy.ts) judges it, so that the dashboard can
// show, disable or hide a control without a policy of its own. Each answer is the policy's decision for that
// action and this identity; what depends on more than the catalog is still judged when the action is asked:
// - approving a gate: judged here by seat and service; self-approval needs the release and is judged on
//   the approval itself;
// - acknowledging or resolving an alert: judged per lane and per gate the alert may be about, and for an
//   alert about neither; an alert about a lane and a gate is allowed when either answer allows it (the
//   policy's owners are the union of both owner sets);
// - triggering a lane: judged on the first ref the lane may be triggered on (every allowed ref is judged
//   alike; another ref is judged on the trigger itself).
import type { Catalog } from './catalog-model.ts';
import { decide, freeTrigger, type Identity, type PolicyDecision, type PolicyRequest } from './policy.ts';

export interface Ability {
  allowed: boolean;
  /** The policy rule that decided. */
  rule: string;
  /** Why not, in words; null when allowed. */
  reason: string | null;
}

export interface Abilities {
  actions: {
    createRelease: Ability;
    promote: Ability;
    rollback: Ability;
    overrideFreeze: Ability;
    retryEffect: Ability;
    manageTokens: Ability;
  };
  /** By gate id. */
  approveGates: Record<string, Ability>;
  /** Acknowledge / resolve: an alert about no lane or gate, and by lane id and gate id. */
  alerts: { general: Ability; lanes: Record<string, Ability>; gates: Record<string, Ability> };
  /** By lane id: a free (by hand) trigger. */
  triggerLanes: Record<string, Ability>;
}

function ability(d: PolicyDecision): Ability {
  return d.ok
    ? { allowed: true, rule: d.rule, reason: null }
    : { allowed: false, rule: d.rule, reason: d.message };
}

export function abilitiesOf(c: Catalog, i: Identity): Abilities {
  const judge = (req: PolicyRequest) => ability(decide(c, i, req));
  const byId = <T extends { id: string }>(xs: readonly T[], f: (x: T) => Ability) =>
    Object.fromEntries(xs.map((x) => [x.id, f(x)]));
  return {
    actions: {
      createRelease: judge({ action: 'release.create' }),
      promote: judge({ action: 'release.promote' }),
      rollback: judge({ action: 'release.rollback' }),
      overrideFreeze: judge({ action: 'freeze.override' }),
      retryEffect: judge({ action: 'effect.retry' }),
      manageTokens: judge({ action: 'token.manage' }),
    },
    approveGates: byId(c.gates, (g) =>
      judge({ action: 'gate.approve', gate: g.id, release: { createdBy: null } }),
    ),
    alerts: {
      general: judge({ action: 'alert.acknowledge', subject: {} }),
      lanes: byId(c.lanes, (l) => judge({ action: 'alert.acknowledge', subject: { laneId: l.id } })),
      gates: byId(c.gates, (g) => judge({ action: 'alert.acknowledge', subject: { gateId: g.id } })),
    },
    triggerLanes: byId(c.lanes, (l) => {
      const free = freeTrigger(c, l);
      const ref = free.refs[0];
      if (!free.allowed || ref === undefined)
        return { allowed: false, rule: 'trigger.free', reason: free.reason ?? `${l.id} cannot be triggered` };
      return judge({ action: 'lane.trigger', lane: l.id, ref });
    }),
  };
}
