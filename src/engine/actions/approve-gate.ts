// Action: a person approves a gate for a release: the named one, or the only open one (with several open,
// the caller must name it: 409 release_ambiguous listing them). The policy decides first (`gate.approve`:
// a person of the owner seat, never a service, never the person behind the release), then the core
// (`canApprove`: no self-approval by a run's actor, no double approval); every refusal is audited. The approval, its audit entry and its change event commit in ONE transaction; the release is
// then re-evaluated so the gate's decision and its effects follow at once.
import { canApprove, type ApprovalRefusal } from '../../core/gates.ts';
import { refuse, type Outcome, type RefusalCode } from '../../contract/refusal.ts';
import type { GateView } from '../../contract/views.ts';
import { auditEntry } from '../audit-entry.ts';
import { authorize } from './authorize.ts';
import { nowIso, type Actor, type EngineContext } from '../engine-context.ts';
import { reevaluateRelease } from '../evaluate-release.ts';
import { findRelease, loadReleaseState, openReleases } from '../load-release-state.ts';
import { auditedRefusal } from '../refusal-audit.ts';
import { gateViewsOf } from '../release-views.ts';

function refusalCode(code: ApprovalRefusal): RefusalCode {
  if (code === 'not_seat_member' || code === 'self_approval' || code === 'already_approved') return code;
  return code === 'unknown_gate' ? 'not_found' : 'conflict';
}

export async function approveGate(
  ctx: EngineContext,
  actor: Actor,
  gateId: string,
  opts: { release?: string; comment?: string },
): Promise<Outcome<GateView>> {
  const { store, catalog } = ctx;
  const now = nowIso(ctx);
  if (!catalog.gates.some((g) => g.id === gateId)) return refuse('not_found', `no gate ${gateId}`);
  // Who may approve this gate at all, before any release is looked at; the person behind it is checked below.
  const may = await authorize(
    ctx,
    actor,
    { action: 'gate.approve', gate: gateId, release: { createdBy: null } },
    { type: 'gate', releaseId: opts.release ?? '-', gateId },
  );
  if (!may.ok) return may;
  let rec = opts.release ? await findRelease(ctx, opts.release) : undefined;
  if (!opts.release) {
    const open = await openReleases(ctx);
    if (open.length > 1)
      return auditedRefusal(
        ctx,
        actor,
        'gate.approval_refused',
        { type: 'gate', releaseId: '-', gateId },
        refuse(
          'release_ambiguous',
          `${open.length} releases are open (${open.map((r) => r.version).join(', ')}); name one with --release`,
          { releases: open.map((r) => ({ id: r.id, version: r.version, state: r.state })) },
        ),
      );
    rec = open[0];
  }
  if (!rec)
    return refuse('not_found', opts.release ? `no release ${opts.release}` : 'no release to approve for');
  const gate = { type: 'gate' as const, releaseId: rec.id, gateId };
  const allowed = await authorize(
    ctx,
    actor,
    { action: 'gate.approve', gate: gateId, release: { createdBy: rec.createdBy } },
    gate,
  );
  if (!allowed.ok) return allowed;
  const check = canApprove(catalog, gateId, actor.personId, await loadReleaseState(ctx, rec));
  if (!check.ok)
    return auditedRefusal(
      ctx,
      actor,
      'gate.approval_refused',
      gate,
      refuse(refusalCode(check.code), check.message),
      { seats: actor.seats },
    );
  await store.transaction(async (tx) => {
    await tx.addApproval({
      releaseId: rec.id,
      gateId,
      person: actor.personId,
      at: now,
      comment: opts.comment ?? null,
    });
    await tx.appendAudit(
      auditEntry({
        catalogVersion: ctx.catalogVersion,
        at: now,
        actor: actor.label,
        action: 'gate.approved',
        object: gate,
        reason: opts.comment,
        data: { release: rec.version, rule: allowed.rule },
      }),
    );
    await tx.appendChange('gate', { release: rec.id, gate: gateId, approvedBy: actor.personId }, now);
  });
  await reevaluateRelease(ctx, rec, `${gateId} approved by ${actor.personId}`, actor.label);
  const view = (await gateViewsOf(ctx, rec)).find((g) => g.id === gateId);
  if (!view) return refuse('not_found', `no gate ${gateId}`);
  return { ok: true, value: view };
}
