// What the signed-in caller may do, as GET /api/v1/session answers it (the server's policy decisions,
// src/core/abilities.ts): controls are disabled with the policy's reason when it would refuse them. Nobody
// signed in yet: null, and the control stays as it is (an action then asks for a sign-in first).
import type { Ability, SessionAbilities } from '../../../src/contract/abilities.ts';
import { useSession } from './session.ts';

export type { Ability };

export function useAbility(pick: (a: SessionAbilities) => Ability | undefined): Ability | null {
  const s = useSession();
  const a = s.view?.abilities;
  if (s.status !== 'signed-in' || !a) return null;
  return pick(a) ?? null;
}

/** Whether a control is refused to this caller (known and not allowed). */
export const refused = (a: Ability | null): a is Ability & { allowed: false } => a !== null && !a.allowed;
