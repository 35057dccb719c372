// Gate-step requests and their decisions (gate-step enforcement).
// Guarantees: one row per (repository, run, attempt, environment) — a repeated ask finds the existing
// row; a row leaves `waiting` at most once: decideGateStepRow writes only while the row is still waiting
// and says whether it did, so two replicas deciding the same ask at once record one final decision.
import type { Row } from './shared.ts';
import { fromJson, iso, isoOrNull, num, toJson, type ReadCtx, type TxCtx } from './shared.ts';

export type GateStepRowState = 'waiting' | 'allowed' | 'rejected';

export interface GateStepKey {
  repo: string;
  runId: number;
  runAttempt: number;
  environment: string;
}

export interface GateStepRecord extends GateStepKey {
  laneId: string;
  workflowFile: string;
  workflowId: string | null;
  sha: string;
  ref: string;
  actor: string;
  event: string;
  releaseId: string | null;
  state: GateStepRowState;
  reason: string;
  waitingFor: unknown;
  requestedAt: string;
  decidedAt: string | null;
}

export interface GateStepOutcome {
  state: GateStepRowState;
  reason: string;
  waitingFor: unknown;
  releaseId: string | null;
}

function recordOf(r: Row<'gate_steps'>): GateStepRecord {
  const state = r.state === 'allowed' || r.state === 'rejected' ? r.state : 'waiting';
  return {
    repo: r.repo,
    runId: num(r.run_id),
    runAttempt: num(r.run_attempt),
    environment: r.environment,
    laneId: r.lane_id,
    workflowFile: r.workflow_file,
    workflowId: r.workflow_id,
    sha: r.sha,
    ref: r.ref,
    actor: r.actor,
    event: r.event,
    releaseId: r.release_id,
    state,
    reason: r.reason,
    waitingFor: fromJson(r.waiting_for),
    requestedAt: r.requested_at,
    decidedAt: r.decided_at,
  };
}

export function gateStepWrites({ db }: TxCtx) {
  return {
    /** 'exists' when this run attempt already asked (its row is kept as it is). */
    async insertGateStep(g: GateStepRecord): Promise<'inserted' | 'exists'> {
      const row = await db
        .insertInto('gate_steps')
        .values({
          repo: g.repo,
          run_id: g.runId,
          run_attempt: g.runAttempt,
          environment: g.environment,
          lane_id: g.laneId,
          workflow_file: g.workflowFile,
          workflow_id: g.workflowId,
          sha: g.sha,
          ref: g.ref,
          actor: g.actor,
          event: g.event,
          release_id: g.releaseId,
          state: g.state,
          reason: g.reason,
          waiting_for: toJson(g.waitingFor),
          requested_at: iso(g.requestedAt),
          decided_at: isoOrNull(g.decidedAt),
        })
        .onConflict((oc) => oc.columns(['repo', 'run_id', 'run_attempt', 'environment']).doNothing())
        .returning('run_id')
        .executeTakeFirst();
      return row === undefined ? 'exists' : 'inserted';
    },

    /**
     * Writes the current answer while the row is waiting: a final state (with decidedAt) or a new waiting
     * reason. False when the row had already left `waiting` (its decision stands).
     */
    async decideGateStepRow(k: GateStepKey, o: GateStepOutcome, decidedAt: string | null): Promise<boolean> {
      const res = await db
        .updateTable('gate_steps')
        .set({
          state: o.state,
          reason: o.reason,
          waiting_for: toJson(o.waitingFor),
          release_id: o.releaseId,
          decided_at: isoOrNull(decidedAt),
        })
        .where('repo', '=', k.repo)
        .where('run_id', '=', k.runId)
        .where('run_attempt', '=', k.runAttempt)
        .where('environment', '=', k.environment)
        .where('state', '=', 'waiting')
        .executeTakeFirst();
      return Number(res.numUpdatedRows) > 0;
    },
  };
}

export function gateStepReads({ db }: ReadCtx) {
  return {
    async getGateStep(k: GateStepKey): Promise<GateStepRecord | undefined> {
      const r = await db
        .selectFrom('gate_steps')
        .selectAll()
        .where('repo', '=', k.repo)
        .where('run_id', '=', k.runId)
        .where('run_attempt', '=', k.runAttempt)
        .where('environment', '=', k.environment)
        .executeTakeFirst();
      return r ? recordOf(r) : undefined;
    },

    /** Newest first. */
    async listGateSteps(filter: { runId?: number; limit?: number }): Promise<GateStepRecord[]> {
      const rows = await db
        .selectFrom('gate_steps')
        .selectAll()
        .$if(filter.runId !== undefined, (q) => q.where('run_id', '=', filter.runId ?? 0))
        .orderBy('requested_at', 'desc')
        .orderBy('run_id', 'desc')
        .orderBy('run_attempt', 'desc')
        .limit(filter.limit ?? 50)
        .execute();
      return rows.map(recordOf);
    },
  };
}
