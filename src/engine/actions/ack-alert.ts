// Action: a person acknowledges an open alert (it stays live until its cause clears or someone resolves it).
import type { Outcome } from '../../contract/refusal.ts';
import type { AlertView } from '../../contract/views.ts';
import type { Actor, EngineContext } from '../engine-context.ts';
import { changeAlertStatus } from './alert-status-change.ts';

export function ackAlert(
  ctx: EngineContext,
  actor: Actor,
  id: number,
  comment?: string,
): Promise<Outcome<AlertView>> {
  return changeAlertStatus(ctx, actor, id, 'acked', comment);
}
