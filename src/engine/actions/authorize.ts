// The one door every action goes through first: the core policy (`decide`, src/core/policy.ts) judges the
// caller's identity against the catalog. A refusal is audited (its own transaction, as the other refusal
// rows) with the rule that refused, and answered as the policy's refusal code (403 for who-may-not); an
// allowed action gets the rule back, to write into its own audit entry.
import { decide, type Identity, type PolicyRequest } from '../../core/policy.ts';
import { refuse, type Refusal } from '../../contract/refusal.ts';
import { auditEntry, type AuditObject } from '../audit-entry.ts';
import { nowIso, type Actor, type EngineContext } from '../engine-context.ts';

/** The identity the policy judges: the one authentication established, else the person with operate. */
export function identityOf(actor: Actor): Identity {
  return actor.identity ?? { kind: 'person', login: actor.personId, seats: actor.seats, scope: 'operate' };
}

/** Audit names of refusals that existed before the policy (kept so the audit log reads the same). */
const REFUSED_ACTION: Partial<Record<PolicyRequest['action'], string>> = {
  'gate.approve': 'gate.approval_refused',
  'lane.trigger': 'lane.trigger_refused',
  'freeze.override': 'freeze.override_refused',
  'release.rollback': 'release.rollback_refused',
};

export type Authorization = { ok: true; rule: string } | ({ ok: false } & Refusal);

export async function authorize(
  ctx: EngineContext,
  actor: Actor,
  request: PolicyRequest,
  object: AuditObject,
  data: Record<string, unknown> = {},
): Promise<Authorization> {
  const d = decide(ctx.catalog, identityOf(actor), request);
  if (d.ok) return { ok: true, rule: d.rule };
  const now = nowIso(ctx);
  await ctx.store.transaction((tx) =>
    tx.appendAudit(
      auditEntry({
        catalogVersion: ctx.catalogVersion,
        at: now,
        actor: actor.label,
        action: REFUSED_ACTION[request.action] ?? `${request.action}_refused`,
        object,
        reason: d.message,
        data: { ...data, rule: d.rule, code: d.code },
      }),
    ),
  );
  return refuse(d.code, d.message, { rule: d.rule });
}
