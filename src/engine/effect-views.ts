// Outbox rows → the contract's EffectView (src/contract/views.ts): the state word, target and sanitised error
// come from the core (src/core/effect-state.ts); the payload itself is never shown.
import { effectState, effectTarget, sanitiseEffectError, waitingFor } from '../core/effect-state.ts';
import type { EffectView } from '../contract/views.ts';
import type { OutboxRecord } from '../store/store.ts';

export function effectView(r: OutboxRecord): EffectView {
  const state = effectState(r);
  const waiting = waitingFor(r);
  return {
    id: r.id,
    kind: r.kind,
    key: r.key,
    state,
    attempts: r.attempts,
    lastError: waiting === null ? sanitiseEffectError(r.lastError) : null,
    nextAttemptAt: state === 'pending' || state === 'retrying' ? r.runAt : null,
    target: effectTarget(r.kind, r.key, r.payload),
    releaseId: r.releaseId,
    laneId: r.laneId,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    doneAt: r.doneAt,
    deaths: r.deaths,
    waitingFor: waiting === null ? null : sanitiseEffectError(waiting),
  };
}
