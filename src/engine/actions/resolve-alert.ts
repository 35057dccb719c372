// Action: a person resolves a live alert. A later new occurrence of the same cause opens a new alert.
import type { Outcome } from '../../contract/refusal.ts';
import type { AlertView } from '../../contract/views.ts';
import type { Actor, EngineContext } from '../engine-context.ts';
import { changeAlertStatus } from './alert-status-change.ts';

export function resolveAlert(
  ctx: EngineContext,
  actor: Actor,
  id: number,
  comment?: string,
): Promise<Outcome<AlertView>> {
  return changeAlertStatus(ctx, actor, id, 'resolved', comment);
}
