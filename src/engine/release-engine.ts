// The release engine's public face: one object holding the engine context, with one method per action or
// view. Each method is a one-line call into its module (src/engine/actions/*, evaluate-release.ts,
// release-views.ts), where the guarantees are stated: every action loads state, asks the core, and writes
// its decision, effects (outbox) and audit in one transaction. Kept so http, the CLI and tests call one
// object; new code may call the action functions directly.
import type { Catalog } from '../core/catalog-model.ts';
import { holderOf, type CatalogHolder } from './catalog-holder.ts';
import type { ReleaseState } from '../core/release-model.ts';
import type { AlertView, GateView, ReleaseView } from '../contract/views.ts';
import type { Outcome } from '../contract/refusal.ts';
import type { ProtectionRequestState, ReleaseRecord, Store } from '../store/store.ts';
import { ackAlert } from './actions/ack-alert.ts';
import { approveGate } from './actions/approve-gate.ts';
import { createRelease, type CreateReleaseInput } from './actions/create-release.ts';
import { promoteRelease } from './actions/promote-release.ts';
import { reportEvidence, type EvidenceReceipt, type EvidenceReport } from './actions/report-evidence.ts';
import { resolveAlert } from './actions/resolve-alert.ts';
import { rollbackRelease, type RollbackInput } from './actions/rollback-release.ts';
import { triggerLane, type TriggerInput } from './actions/trigger-lane.ts';
import { retryEffect } from './actions/retry-effect.ts';
import type { EffectView } from '../contract/views.ts';
import type { OutboxFilter } from '../store/store.ts';
import { effectView } from './effect-views.ts';
import { evaluateDrills } from './drills.ts';
import type { Actor, EngineContext } from './engine-context.ts';
import { reevaluateAll, reevaluateCommits, reevaluateRelease } from './evaluate-release.ts';
import { currentRelease, findRelease, loadReleaseState } from './load-release-state.ts';
import { currentGateViews, listAlertViews, listReleaseViews, releaseView } from './release-views.ts';
import { releaseTimeline } from './release-timeline.ts';
import type { ReleaseTimeline } from '../contract/views.ts';

export type { Outcome } from '../contract/refusal.ts';
export type { Actor, EngineContext } from './engine-context.ts';

export interface ReleaseEngineOptions {
  alertRouteUrl?: (envName: string) => string | undefined;
  publicUrl?: string;
}

export class ReleaseEngine {
  readonly catalogs: CatalogHolder;
  private readonly base: Omit<EngineContext, 'catalog' | 'catalogVersion'>;

  constructor(
    store: Store,
    catalog: Catalog | CatalogHolder,
    clock: () => Date,
    opts: ReleaseEngineOptions = {},
  ) {
    this.catalogs = holderOf(catalog);
    this.base = { store, clock, ...opts };
  }

  /** A context on the catalog current NOW: each method reads it once, so an action uses one snapshot. */
  get ctx(): EngineContext {
    const { catalog, version } = this.catalogs.current();
    return { ...this.base, catalog, catalogVersion: version };
  }

  // ---------- state and re-evaluation ----------

  loadState(rec: ReleaseRecord, pendingRequests?: ProtectionRequestState[]): Promise<ReleaseState> {
    return loadReleaseState(this.ctx, rec, pendingRequests);
  }

  currentRelease(): Promise<ReleaseRecord | undefined> {
    return currentRelease(this.ctx);
  }

  getRelease(idOrTag: string): Promise<ReleaseRecord | undefined> {
    return findRelease(this.ctx, idOrTag);
  }

  reevaluateAll(reason: string, actor = 'system'): Promise<void> {
    return reevaluateAll(this.ctx, reason, actor);
  }

  reevaluateCommits(shas: string[], reason: string, releaseIds: string[] = []): Promise<void> {
    return reevaluateCommits(this.ctx, shas, reason, releaseIds);
  }

  reevaluate(rec: ReleaseRecord, reason: string, actor = 'system'): Promise<void> {
    return reevaluateRelease(this.ctx, rec, reason, actor);
  }

  evaluateDrills(): Promise<void> {
    return evaluateDrills(this.ctx);
  }

  // ---------- views ----------

  gateViews(): Promise<GateView[] | undefined> {
    return currentGateViews(this.ctx);
  }

  releaseView(rec: ReleaseRecord): Promise<ReleaseView> {
    return releaseView(this.ctx, rec);
  }

  listReleases(): Promise<ReleaseView[]> {
    return listReleaseViews(this.ctx);
  }

  alerts(all: boolean): Promise<AlertView[]> {
    return listAlertViews(this.ctx, all);
  }

  openAlertCount(): Promise<number> {
    return this.ctx.store.countOpenAlerts();
  }

  /** Every decision, effect, approval, run, protection answer and alert of the release, in time order. */
  releaseTimeline(rec: ReleaseRecord): Promise<ReleaseTimeline> {
    return releaseTimeline(this.ctx, rec);
  }

  // ---------- actions ----------

  createRelease(actor: Actor, input: CreateReleaseInput): Promise<Outcome<ReleaseView>> {
    return createRelease(this.ctx, actor, input);
  }

  approve(
    actor: Actor,
    gateId: string,
    opts: { release?: string; comment?: string },
  ): Promise<Outcome<GateView>> {
    return approveGate(this.ctx, actor, gateId, opts);
  }

  promote(
    actor: Actor,
    releaseId: string,
    opts: { override?: { reason: string }; reason?: string },
  ): Promise<Outcome<ReleaseView>> {
    return promoteRelease(this.ctx, actor, releaseId, opts);
  }

  rollback(actor: Actor, releaseId: string, opts: RollbackInput): Promise<Outcome<ReleaseView>> {
    return rollbackRelease(this.ctx, actor, releaseId, opts);
  }

  triggerLane(
    actor: Actor,
    laneId: string,
    opts: TriggerInput,
  ): Promise<Outcome<{ lane: string; dispatches: string[] }>> {
    return triggerLane(this.ctx, actor, laneId, opts);
  }

  reportEvidence(actor: Actor, body: EvidenceReport): Promise<Outcome<EvidenceReceipt>> {
    return reportEvidence(this.ctx, actor, body);
  }

  ackAlert(actor: Actor, id: number, comment?: string): Promise<Outcome<AlertView>> {
    return ackAlert(this.ctx, actor, id, comment);
  }

  resolveAlert(actor: Actor, id: number, comment?: string): Promise<Outcome<AlertView>> {
    return resolveAlert(this.ctx, actor, id, comment);
  }

  // ---------- effects (the outbox, visible and drivable) ----------

  async effects(filter: OutboxFilter): Promise<EffectView[]> {
    return (await this.ctx.store.listOutbox(filter)).map(effectView);
  }

  async effect(id: number): Promise<EffectView | undefined> {
    const r = await this.ctx.store.getOutbox(id);
    return r ? effectView(r) : undefined;
  }

  retryEffect(actor: Actor, id: number, comment?: string): Promise<Outcome<EffectView>> {
    return retryEffect(this.ctx, actor, id, comment);
  }
}
