// The caller's abilities, as GET /api/v1/session answers them: the core policy's decision for each action
// (src/core/abilities.ts), so the dashboard shows, disables or hides a control without a policy of its own.
// The API still judges every action when it is asked (self-approval, the ref of a trigger).
import { z } from 'zod';

export const Ability = z.object({
  allowed: z.boolean(),
  rule: z.string().describe('the policy rule that decided, e.g. default.release_seats or scope.admin'),
  reason: z.string().nullable().describe('why not, in words; null when allowed'),
});
export type Ability = z.infer<typeof Ability>;

const byId = z.record(z.string(), Ability);

export const SessionAbilities = z.object({
  actions: z.object({
    createRelease: Ability,
    promote: Ability,
    rollback: Ability,
    overrideFreeze: Ability,
    retryEffect: Ability,
    manageTokens: Ability,
  }),
  approveGates: byId.describe('by gate id: by seat and service; self-approval is judged on the approval'),
  alerts: z
    .object({ general: Ability, lanes: byId, gates: byId })
    .describe('acknowledge and resolve (one rule): an alert about no lane or gate, by lane id, by gate id'),
  triggerLanes: byId.describe('by lane id: a trigger by hand, on the lane’s allowed refs'),
});
export type SessionAbilities = z.infer<typeof SessionAbilities>;

/**
 * Acknowledge / resolve an alert about this lane and/or gate: the policy's owners are the union of the
 * lane's and the gate's owners, so either answer allowing it allows it; an alert about neither takes the
 * general answer. Unknown ids (an alert from an older catalog) also take the general answer.
 */
export function alertAbility(a: SessionAbilities, subject: { laneId: string | null; gateId: string | null }) {
  const parts = [
    subject.laneId !== null ? a.alerts.lanes[subject.laneId] : undefined,
    subject.gateId !== null ? a.alerts.gates[subject.gateId] : undefined,
  ].filter((x): x is Ability => x !== undefined);
  if (parts.length === 0) return a.alerts.general;
  return parts.find((x) => x.allowed) ?? parts[0] ?? a.alerts.general;
}
