// Every refusal of a person's action is audited (issue 15): who asked, what, on which object, and the
// refusal's code and message, in its own small transaction (nothing else of a refused action is written).
// Actions wrap their `return refuse(...)` in auditedRefusal; the refusal is returned unchanged.
import type { Refusal } from '../contract/refusal.ts';
import { auditEntry, type AuditObject } from './audit-entry.ts';
import { nowIso, type Actor, type EngineContext } from './engine-context.ts';

export async function auditedRefusal<R extends { ok: false } & Refusal>(
  ctx: EngineContext,
  actor: Actor,
  action: string,
  object: AuditObject,
  refusal: R,
  data: Record<string, unknown> = {},
): Promise<R> {
  await ctx.store.transaction((tx) =>
    tx.appendAudit(
      auditEntry({
        catalogVersion: ctx.catalogVersion,
        at: nowIso(ctx),
        actor: actor.label,
        action,
        object,
        reason: refusal.message,
        data: { code: refusal.code, ...data },
      }),
    ),
  );
  return refusal;
}
