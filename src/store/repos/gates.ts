// Gate decisions and approvals of releases.
// Guarantees: one current decision per (release, gate) — saving again replaces it (the engine keeps
// history in the audit log); one approval per (release, gate, person): a repeat is 'duplicate'.
import type { ApprovalRecord, GateDecisionRecord } from '../store.ts';
import { fromJson, iso, isoOrNull, toJson, type ReadCtx, type TxCtx } from './shared.ts';

export function gateWrites({ db }: TxCtx) {
  return {
    async saveGateDecision(g: GateDecisionRecord): Promise<void> {
      const row = {
        release_id: g.releaseId,
        gate_id: g.gateId,
        state: g.state,
        detail: toJson(g.detail),
        waits_until: isoOrNull(g.waitsUntil),
        decided_at: iso(g.decidedAt),
      };
      await db
        .insertInto('gate_decisions')
        .values(row)
        .onConflict((oc) =>
          oc.columns(['release_id', 'gate_id']).doUpdateSet({
            state: row.state,
            detail: row.detail,
            waits_until: row.waits_until,
            decided_at: row.decided_at,
          }),
        )
        .execute();
    },

    /** One approval per person per release and gate. */
    async addApproval(a: ApprovalRecord): Promise<'added' | 'duplicate'> {
      const row = await db
        .insertInto('approvals')
        .values({
          release_id: a.releaseId,
          gate_id: a.gateId,
          person: a.person,
          at: iso(a.at),
          comment: a.comment,
        })
        .onConflict((oc) => oc.columns(['release_id', 'gate_id', 'person']).doNothing())
        .returning('id')
        .executeTakeFirst();
      return row === undefined ? 'duplicate' : 'added';
    },
  };
}

export function gateReads({ db }: ReadCtx) {
  return {
    async listGateDecisions(filter: { releaseId?: string; gateId?: string }): Promise<GateDecisionRecord[]> {
      const rows = await db
        .selectFrom('gate_decisions')
        .selectAll()
        .$if(filter.releaseId !== undefined, (q) => q.where('release_id', '=', filter.releaseId ?? ''))
        .$if(filter.gateId !== undefined, (q) => q.where('gate_id', '=', filter.gateId ?? ''))
        .orderBy('release_id')
        .orderBy('gate_id')
        .execute();
      return rows.map((r) => ({
        releaseId: r.release_id,
        gateId: r.gate_id,
        state: r.state,
        detail: fromJson(r.detail),
        waitsUntil: r.waits_until,
        decidedAt: r.decided_at,
      }));
    },

    /** Oldest first. */
    async listApprovals(filter: { releaseId?: string; gateId?: string }): Promise<ApprovalRecord[]> {
      const rows = await db
        .selectFrom('approvals')
        .selectAll()
        .$if(filter.releaseId !== undefined, (q) => q.where('release_id', '=', filter.releaseId ?? ''))
        .$if(filter.gateId !== undefined, (q) => q.where('gate_id', '=', filter.gateId ?? ''))
        .orderBy('at')
        .orderBy('id')
        .execute();
      return rows.map((r) => ({
        releaseId: r.release_id,
        gateId: r.gate_id,
        person: r.person,
        at: r.at,
        comment: r.comment,
      }));
    },
  };
}
