// The gate step's calls as the HTTP layer needs them: one OIDC verifier per process (it caches the
// issuer's keys), the ask action and the list read.
import { ActionsOidcVerifier } from '../github/actions-oidc.ts';
import type { GateStepRequest, GateStepsQuery } from '../contract/requests.ts';
import type { ActionsIdentity } from '../github/actions-oidc.ts';
import { askGateStep, gateStepView } from './actions/ask-gate-step.ts';
import type { EngineContext } from './engine-context.ts';

/** `ctx` is read per call (a fixed context, or the release engine's current snapshot). */
export function gateStepActions(
  ctx: EngineContext | (() => EngineContext),
  oidc: { oidcIssuer: string; oidcAudience: string },
) {
  const snap = typeof ctx === 'function' ? ctx : () => ctx;
  // Token expiry is real time, whatever clock decisions run on (the demo pins its own).
  const verifier = new ActionsOidcVerifier({ issuer: oidc.oidcIssuer, audience: oidc.oidcAudience });
  return {
    verify: (token: string) => verifier.verify(token),
    ask: (who: ActionsIdentity, body: GateStepRequest, signal?: AbortSignal) =>
      askGateStep(snap(), who, body, signal),
    list: async (q: GateStepsQuery) =>
      (await snap().store.listGateSteps({ ...(q.runId ? { runId: q.runId } : {}), limit: q.limit })).map(
        gateStepView,
      ),
  };
}
