// The one builder of outbox effects. Core decisions (src/core/promotion.ts `Effect`) and the actions'
// own dispatches become outbox rows here, so a dispatch, a protection answer or a commit status has one
// payload shape whoever decided it. Effects are written inside the caller's transaction: an effect exists
// if and only if its decision committed; the outbox key makes a repeated decision a no-op.
import { basename } from 'node:path';
import { workflowById, type Catalog } from '../core/catalog-model.ts';
import { undeclaredInputs } from '../core/dispatch-inputs.ts';
import { workflowRepository } from '../core/evidence-provenance.ts';
import type { Effect } from '../core/promotion.ts';
import type { OutboxEffect, StoreTx } from '../store/store.ts';
import type { EngineContext } from './engine-context.ts';

export interface DispatchSpec {
  key: string;
  /** The catalog workflow (its `repository` decides where the dispatch goes; default the catalog's). */
  workflowId?: string;
  workflowFile: string;
  ref: string;
  inputs: Record<string, string>;
  laneId: string;
  releaseId?: string;
}

/** A workflow in another repository (a service repo builds, an ops repo deploys) is dispatched there. */
function dispatchRepository(c: Catalog, d: DispatchSpec): string {
  const wf =
    (d.workflowId !== undefined ? workflowById(c, d.workflowId) : undefined) ??
    c.workflows.find((w) => w.file === d.workflowFile);
  return wf ? workflowRepository(c, wf) : c.repository;
}

/**
 * The github.dispatch row: repository, workflow file name (GitHub wants the base name), ref and inputs.
 * Every dispatch carries its outbox key as the `effect_id` input: a crash between GitHub accepting the
 * dispatch and the outbox marking it done sends it again with the same id, so the workflow can drop the
 * duplicate (see docs/release-lifecycle.md).
 */
export function dispatchEffect(ctx: EngineContext, d: DispatchSpec, now: string): OutboxEffect {
  return {
    key: d.key,
    kind: 'github.dispatch',
    runAt: now,
    payload: {
      repo: dispatchRepository(ctx.catalog, d),
      workflowFile: basename(d.workflowFile),
      ref: d.ref,
      inputs: { ...d.inputs, effect_id: d.key },
      ...(d.releaseId !== undefined ? { releaseId: d.releaseId } : {}),
      laneId: d.laneId,
    },
  };
}

/** Pending protection requests, to find the review path a protection answer is posted to. */
export type ReviewPaths = readonly { runId: number; environment: string; reviewPath: string }[];

/** The outbox row for a core effect; undefined for a protection answer whose request is not pending. */
export function outboxEffectOf(
  ctx: EngineContext,
  e: Effect,
  requests: ReviewPaths,
  now: string,
): OutboxEffect | undefined {
  switch (e.kind) {
    case 'github.dispatch': {
      // A decided dispatch sends only inputs `lanes workflows check` asks workflows to declare; another
      // name would pass the check and be refused by GitHub (422) at release time. A programming error:
      // fail the decision's transaction loudly rather than enqueue a dispatch that cannot succeed.
      const extra = undeclaredInputs(e.payload.inputs);
      if (extra.length > 0)
        throw new Error(`dispatch ${e.key} sends inputs outside the workflow contract: ${extra.join(', ')}`);
      return dispatchEffect(ctx, { ...e.payload, key: e.key }, now);
    }
    case 'github.protection_review': {
      const req = requests.find(
        (r) => r.runId === e.payload.runId && r.environment === e.payload.environment,
      );
      if (!req) return undefined;
      return {
        key: e.key,
        kind: e.kind,
        runAt: now,
        payload: {
          reviewPath: req.reviewPath,
          state: e.payload.state,
          comment: e.payload.comment,
          environment: e.payload.environment,
          runId: e.payload.runId,
          laneIds: e.payload.laneIds,
          releaseId: e.payload.releaseId,
        },
      };
    }
    case 'github.commit_status':
      return {
        key: e.key,
        kind: e.kind,
        runAt: now,
        payload: {
          repo: ctx.catalog.repository,
          sha: e.payload.sha,
          state: e.payload.state,
          context: e.payload.context,
          description: e.payload.description,
          targetUrl: ctx.publicUrl ? `${ctx.publicUrl}/gates/${e.payload.gateId}` : undefined,
          releaseId: e.payload.releaseId,
        },
      };
  }
}

export async function enqueueEffect(
  tx: StoreTx,
  ctx: EngineContext,
  e: Effect,
  requests: ReviewPaths,
  now: string,
): Promise<'enqueued' | 'duplicate' | 'skipped'> {
  const row = outboxEffectOf(ctx, e, requests, now);
  return row ? tx.enqueue(row) : 'skipped';
}

/** Enqueues each effect; answers the keys that are new (an effect already queued or sent is not repeated). */
export async function enqueueNewEffects(
  tx: StoreTx,
  ctx: EngineContext,
  effects: readonly Effect[],
  now: string,
): Promise<string[]> {
  const keys: string[] = [];
  for (const e of effects) if ((await enqueueEffect(tx, ctx, e, [], now)) === 'enqueued') keys.push(e.key);
  return keys;
}
