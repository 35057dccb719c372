// The release engine: assembles a release's state from the store, asks the pure core for a decision
// (src/core/promotion.ts, gates.ts, alert-rules.ts) and writes the decision, its effects (outbox), its
// timers and its alerts in ONE transaction. Actions from people (create, approve, promote, override,
// rollback, trigger, ack/resolve) go through here too, so every one of them is audited the same way.
import { basename } from 'node:path';
import type { Catalog, Lane } from '../core/catalog-model.ts';
import { laneRunState, compareRunsNewestFirst, workflowStatusOf } from '../core/lane-status.ts';
import type { EvidenceRecord, RunRecord } from '../core/run-model.ts';
import type { Approval, FreezeOverride, ReleaseLaneRun, ReleaseState } from '../core/release-model.ts';
import { evaluateGates, canApprove, gatesBlocking, type GateEvaluation } from '../core/gates.ts';
import {
  evaluateRelease,
  planPromote,
  planRollback,
  previousGoodRelease,
  releaseOutcome,
  type Effect,
} from '../core/promotion.ts';
import { Cron } from 'croner';
import {
  DEFAULT_DRILL_GRACE_MS,
  drillAlerts,
  routesFor,
  type AlertIntent,
  type DrillHistory,
  type AlertRule,
  type AlertSeverity,
} from '../core/alert-rules.ts';
import { activeFreeze, canOverrideFreeze } from '../core/freeze-windows.ts';
import type { AlertRecord, ProtectionRequestState, ReleaseRecord, Store, StoreTx } from '../store/store.ts';
import type { AlertView, GateView, ReleaseView } from '../contract/views.ts';

export type { Outcome } from '../contract/refusal.ts';
import type { Outcome, RefusalCode } from '../contract/refusal.ts';

export interface Actor {
  personId: string;
  label: string; // for the audit log: "alice (tok_ab12)"
  seats: string[];
}

const OVERRIDES_KEY = (releaseId: string) => `release-overrides:${releaseId}`;
const GREEN_AT_KEY = (releaseId: string) => `release-green-at:${releaseId}`;
const ACTIVE_STATES = new Set(['candidate', 'promoting', 'deployed', 'failed']);

export class ReleaseEngine {
  constructor(
    private readonly store: Store,
    private readonly catalog: Catalog,
    private readonly clock: () => Date,
    private readonly opts: {
      alertRouteUrl?: (envName: string) => string | undefined;
      publicUrl?: string;
    } = {},
  ) {}

  private now(): string {
    return this.clock().toISOString();
  }

  // ---------- assembling state ----------

  private async runsForSha(sha: string): Promise<{ runs: RunRecord[]; evidence: EvidenceRecord[] }> {
    const runs = await this.store.listRuns({ headSha: sha, limit: 500 });
    const evidence = await this.store.listEvidence({ shas: [sha] });
    return { runs, evidence };
  }

  async loadState(rec: ReleaseRecord, pendingRequests?: ProtectionRequestState[]): Promise<ReleaseState> {
    const { runs, evidence } = await this.runsForSha(rec.sha);
    const jobs = runs.length > 0 ? await this.store.listJobs(runs.map((r) => r.runId)) : [];
    const greenAt = ((await this.store.kvGet(GREEN_AT_KEY(rec.id))) ?? {}) as Record<string, string>;
    const laneRuns: Record<string, ReleaseLaneRun> = {};
    for (const lane of this.catalog.lanes) {
      const st = laneRunState(lane, runs, jobs, evidence);
      if (!st.lastRun) continue;
      const status = st.status;
      const completed = st.runs.every((r) => r.status === 'completed');
      laneRuns[lane.id] = {
        status,
        runId: st.lastRun.runId,
        runAttempt: st.lastRun.runAttempt,
        startedAt: st.lastRun.runStartedAt,
        completedAt: completed
          ? (st.runs
              .map((r) => r.updatedAt)
              .sort()
              .pop() ?? null)
          : null,
        greenAt:
          greenAt[lane.id] ??
          (status === 'green'
            ? (st.runs
                .map((r) => r.updatedAt)
                .sort()
                .pop() ?? null)
            : null),
        actor: st.lastRun.actor,
      };
    }
    const ev: Record<string, 'passed' | 'failed' | 'pending'> = {};
    for (const e of [...evidence].sort((a, b) => Date.parse(a.recordedAt) - Date.parse(b.recordedAt)))
      ev[e.check] = e.outcome;
    const approvals: Approval[] = (await this.store.listApprovals({ releaseId: rec.id })).map((a) => ({
      gate: a.gateId,
      by: a.person,
      at: a.at,
      comment: a.comment,
    }));
    const overrides = ((await this.store.kvGet(OVERRIDES_KEY(rec.id))) ?? []) as FreezeOverride[];
    const pending = pendingRequests ?? (await this.store.listProtectionRequests({ pendingOnly: true }));
    const protectionRequests = [];
    for (const p of pending) {
      const run =
        runs.find((r) => r.runId === p.runId) ??
        (p.sha === rec.sha ? await this.store.getRun(p.runId) : undefined);
      if (!run || run.headSha !== rec.sha) continue;
      protectionRequests.push({
        runId: p.runId,
        environment: p.environment,
        workflowId: run.workflowId,
        event: run.event,
        requestedAt: p.requestedAt,
      });
    }
    const manifest = Array.isArray(rec.manifest) ? (rec.manifest as { name: string; ref: string }[]) : [];
    return {
      id: rec.id,
      version: rec.version,
      sha: rec.sha,
      createdBy: rec.createdBy,
      createdAt: rec.createdAt,
      includesMigrations: rec.includesMigrations,
      manifest,
      changeSummary: rec.changeSummary,
      previousReleaseId: rec.previousReleaseId,
      laneRuns,
      skippedLanes: [],
      evidence: ev,
      approvals,
      overrides,
      protectionRequests,
    };
  }

  async currentRelease(): Promise<ReleaseRecord | undefined> {
    const list = await this.store.listReleases({ limit: 20 });
    return list
      .filter((r) => r.state !== 'superseded')
      .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt))[0];
  }

  // ---------- deciding ----------

  /** Re-evaluate every active release and the drill rules. Called after deliveries, timers and actions. */
  async reevaluateAll(reason: string, actor = 'system'): Promise<void> {
    const releases = await this.store.listReleases({ limit: 50 });
    for (const rec of releases) {
      if (ACTIVE_STATES.has(rec.state)) await this.reevaluate(rec, reason, actor);
    }
    await this.evaluateDrills();
  }

  /** Re-evaluate only the active releases on these commits (after deliveries): cheap under webhook load. */
  async reevaluateCommits(shas: string[], reason: string): Promise<void> {
    if (shas.length === 0) return;
    const wanted = new Set(shas);
    const releases = await this.store.listReleases({ limit: 50 });
    for (const rec of releases) {
      if (ACTIVE_STATES.has(rec.state) && wanted.has(rec.sha)) await this.reevaluate(rec, reason);
    }
  }

  async reevaluate(rec: ReleaseRecord, reason: string, actor = 'system'): Promise<void> {
    // One read of the pending protection requests serves both the state and the review paths.
    const requests = await this.store.listProtectionRequests({ pendingOnly: true });
    const state = await this.loadState(rec, requests);
    const now = this.now();
    const openAlerts = await this.store.listAlerts({ status: 'live', limit: 500 });
    const evaluation = evaluateRelease(this.catalog, state, now, {
      openAlertKeys: openAlerts.map((a) => a.key),
    });
    const previous = await this.store.listGateDecisions({ releaseId: rec.id });
    const greenAt = ((await this.store.kvGet(GREEN_AT_KEY(rec.id))) ?? {}) as Record<string, string>;
    let greenChanged = false;
    for (const [laneId, lr] of Object.entries(state.laneRuns)) {
      if (lr.status === 'green' && !greenAt[laneId] && lr.greenAt) {
        greenAt[laneId] = lr.greenAt;
        greenChanged = true;
      }
    }
    const outcome = evaluation.outcome;
    const prodStarted = (this.catalog.promotion?.flow ?? []).some((id) => {
      const lane = this.catalog.lanes.find((l) => l.id === id);
      return (
        lane !== undefined &&
        lane.environment.some((e) => this.catalog.environments.find((x) => x.id === e)?.production) &&
        state.laneRuns[id] !== undefined
      );
    });
    const newState =
      outcome === 'rolled_back'
        ? 'rolled_back'
        : outcome === 'deployed'
          ? 'deployed'
          : outcome === 'failed'
            ? 'failed'
            : rec.state === 'candidate' && prodStarted
              ? 'promoting'
              : rec.state;

    const changed = await this.store.transaction(async (tx) => {
      let touched = false;
      if (greenChanged) await tx.kvSet(GREEN_AT_KEY(rec.id), greenAt, now);
      for (const g of evaluation.gates) {
        const before = previous.find((p) => p.gateId === g.id);
        if (
          before &&
          before.state === g.state &&
          before.waitsUntil === g.waitsUntil &&
          JSON.stringify(before.detail) === JSON.stringify(gateDetail(g))
        )
          continue;
        await tx.saveGateDecision({
          releaseId: rec.id,
          gateId: g.id,
          state: g.state,
          detail: gateDetail(g),
          waitsUntil: g.waitsUntil,
          decidedAt: now,
        });
        if (!before || before.state !== g.state) {
          await tx.appendAudit({
            at: now,
            actor,
            action: `gate.${g.state}`,
            objectType: 'gate',
            objectId: `${rec.id}/${g.id}`,
            reason,
            data: { release: rec.version, from: before?.state ?? null, to: g.state },
          });
        }
        await tx.appendChange('gate', { release: rec.id, gate: g.id, state: g.state }, now);
        touched = true;
      }
      for (const e of evaluation.effects) {
        const r = await this.enqueueEffect(tx, e, requests, now);
        if (r === 'enqueued') {
          touched = true;
          await tx.appendAudit({
            at: now,
            actor,
            action: `effect.${e.kind}`,
            objectType: 'release',
            objectId: rec.id,
            reason,
            data: { key: e.key, payload: e.payload },
          });
          if (e.kind === 'github.protection_review') {
            await tx.answerProtectionRequest(
              { repo: this.catalog.repository, runId: e.payload.runId, environment: e.payload.environment },
              e.payload.state,
              e.payload.comment,
              now,
            );
          }
        }
      }
      for (const t of evaluation.timers) {
        if (
          (await tx.schedule({ key: t.key, kind: t.kind, payload: t.payload, fireAt: t.fireAt })) ===
          'scheduled'
        )
          touched = true;
      }
      if (await this.applyAlerts(tx, evaluation.alerts, openAlerts, now, actor)) touched = true;
      if (newState !== rec.state) {
        await tx.updateRelease(rec.id, { state: newState, updatedAt: now });
        await tx.appendAudit({
          at: now,
          actor,
          action: `release.${newState}`,
          objectType: 'release',
          objectId: rec.id,
          reason,
          data: { from: rec.state, to: newState },
        });
        touched = true;
      }
      if (touched) await tx.appendChange('release', { release: rec.id, state: newState }, now);
      return touched;
    });
    if (changed) {
      await this.store.notify('changes');
      await this.store.notify('outbox');
    }
  }

  private async enqueueEffect(
    tx: StoreTx,
    e: Effect,
    requests: { runId: number; environment: string; reviewPath: string }[],
    now: string,
  ): Promise<'enqueued' | 'duplicate' | 'skipped'> {
    const repo = this.catalog.repository;
    switch (e.kind) {
      case 'github.dispatch':
        return tx.enqueue({
          key: e.key,
          kind: e.kind,
          runAt: now,
          payload: {
            repo,
            workflowFile: basename(e.payload.workflowFile),
            ref: e.payload.ref,
            inputs: e.payload.inputs,
            releaseId: e.payload.releaseId,
            laneId: e.payload.laneId,
          },
        });
      case 'github.protection_review': {
        const req = requests.find(
          (r) => r.runId === e.payload.runId && r.environment === e.payload.environment,
        );
        if (!req) return 'skipped';
        return tx.enqueue({
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
        });
      }
      case 'github.commit_status':
        return tx.enqueue({
          key: e.key,
          kind: e.kind,
          runAt: now,
          payload: {
            repo,
            sha: e.payload.sha,
            state: e.payload.state,
            context: e.payload.context,
            description: e.payload.description,
            targetUrl: this.opts.publicUrl ? `${this.opts.publicUrl}/gates/${e.payload.gateId}` : undefined,
          },
        });
    }
  }

  /** Alert intents → deduplicated alerts (one live alert per key; count per new occurrence) + notifications. */
  private async applyAlerts(
    tx: StoreTx,
    intents: AlertIntent[],
    live: AlertRecord[],
    now: string,
    actor: string,
  ): Promise<boolean> {
    let touched = false;
    for (const intent of intents) {
      const existing = live.find((a) => a.key === intent.key);
      if (intent.action === 'resolve') {
        if (!existing) continue;
        const resolved = await tx.resolveAlert(existing.id, 'system', now);
        if (resolved) {
          touched = true;
          await tx.appendAudit({
            at: now,
            actor,
            action: 'alert.auto_resolved',
            objectType: 'alert',
            objectId: String(existing.id),
            reason: intent.reason,
            data: { key: intent.key },
          });
          await tx.appendChange('alert', { id: existing.id, status: 'resolved' }, now);
          await this.notifyRoutes(
            tx,
            existing.rule as AlertRule,
            existing.severity as AlertSeverity,
            `resolved: ${existing.title}`,
            intent.reason,
            `${intent.key}:resolved:${existing.id}`,
            now,
          );
        }
        continue;
      }
      const data = existing?.data as { occurrence?: string } | undefined;
      if (existing && data?.occurrence === intent.occurrence) continue;
      const { alert, created } = await tx.raiseAlert({
        key: intent.key,
        rule: intent.rule,
        severity: intent.severity,
        title: intent.title,
        at: now,
        data: { detail: intent.detail, occurrence: intent.occurrence, subject: intent.subject },
      });
      touched = true;
      await tx.appendAudit({
        at: now,
        actor,
        action: created ? 'alert.raised' : 'alert.repeated',
        objectType: 'alert',
        objectId: String(alert.id),
        reason: intent.detail,
        data: { key: intent.key, count: alert.count },
      });
      await tx.appendChange('alert', { id: alert.id, status: alert.status, count: alert.count }, now);
      if (created)
        await this.notifyRoutes(
          tx,
          intent.rule,
          intent.severity,
          intent.title,
          intent.detail,
          `${intent.key}:raised:${alert.id}`,
          now,
        );
    }
    return touched;
  }

  private async notifyRoutes(
    tx: StoreTx,
    rule: AlertRule,
    severity: AlertSeverity,
    title: string,
    detail: string,
    key: string,
    now: string,
  ): Promise<void> {
    for (const route of routesFor(this.catalog, { rule, severity })) {
      const url = route.url ?? (route.url_env ? this.opts.alertRouteUrl?.(route.url_env) : undefined);
      if (!url) continue;
      const icon =
        severity === 'critical'
          ? ':rotating_light:'
          : severity === 'warning'
            ? ':warning:'
            : ':information_source:';
      await tx.enqueue({
        key: `notify:${route.id}:${key}`,
        kind: 'alert.notify',
        runAt: now,
        payload: {
          url,
          payload: {
            text: `${icon} [${this.catalog.zone.name}] ${title}`,
            blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `*${title}*\n${detail}` } }],
          },
        },
      });
    }
  }

  /** Weekly drill rules (PL-12): failed or missed. */
  async evaluateDrills(): Promise<void> {
    const now = this.now();
    // A drill that never ran is "missed" only once a full period has passed since Lanes began watching.
    let since = (await this.store.kvGet('drills-monitored-since')) as string | undefined;
    if (!since) {
      since = now;
      await this.store.kvSet('drills-monitored-since', since, now);
    }
    const drills: DrillHistory[] = [];
    for (const lane of this.catalog.lanes.filter((l) => l.kind === 'rollback-drill')) {
      const wfIds = [...new Set(lane.run_by.map((b) => b.workflow))];
      const runs = (
        await Promise.all(wfIds.map((id) => this.store.listRuns({ workflowId: id, limit: 50 })))
      ).flat();
      const jobs: never[] = [];
      const st = laneRunState(lane, runs, jobs);
      const successes = runs
        .filter(
          (r) =>
            lane.run_by.some((b) => b.workflow === r.workflowId && (!b.event || b.event.includes(r.event))) &&
            workflowStatusOf(r) === 'success',
        )
        .sort(compareRunsNewestFirst);
      drills.push({
        laneId: lane.id,
        lastRun: st.lastRun
          ? {
              runId: st.lastRun.runId,
              status: st.status,
              startedAt: st.lastRun.runStartedAt,
              completedAt: st.lastRun.status === 'completed' ? st.lastRun.updatedAt : null,
            }
          : null,
        lastSuccessAt: successes[0]?.updatedAt ?? null,
        monitoringSince: since,
      });
    }
    if (drills.length === 0) return;
    // Wake up again when the next drill is due (+ grace): a missed drill is noticed without any delivery.
    for (const lane of this.catalog.lanes.filter(
      (l) => l.kind === 'rollback-drill' && l.trigger.on === 'schedule',
    )) {
      if (lane.trigger.on !== 'schedule') continue;
      const next = new Cron(lane.trigger.cron, { timezone: 'UTC', paused: true }).nextRun(new Date(now));
      if (!next) continue;
      const fireAt = new Date(next.getTime() + DEFAULT_DRILL_GRACE_MS + 60_000).toISOString();
      await this.store.transaction((tx) =>
        tx.schedule({
          key: `drill-check:${lane.id}:${fireAt}`,
          kind: 'drill.check',
          payload: { laneId: lane.id },
          fireAt,
        }),
      );
    }
    const live = await this.store.listAlerts({ status: 'live', limit: 500 });
    const intents = drillAlerts(this.catalog, drills, now, { openAlertKeys: live.map((a) => a.key) });
    if (intents.length === 0) return;
    const touched = await this.store.transaction((tx) => this.applyAlerts(tx, intents, live, now, 'system'));
    if (touched) await this.store.notify('changes');
  }

  // ---------- reading ----------

  async gateViews(): Promise<GateView[] | undefined> {
    const rec = await this.currentRelease();
    if (!rec) return undefined;
    const state = await this.loadState(rec);
    return evaluateGates(this.catalog, state, this.now()).map((g) => toGateView(g, rec.id));
  }

  async releaseView(rec: ReleaseRecord): Promise<ReleaseView> {
    const state = await this.loadState(rec);
    const now = this.now();
    const evaluation = evaluateRelease(this.catalog, state, now);
    const flow = this.catalog.promotion?.flow ?? [];
    const lanes = flow.map((id) => {
      const lane = this.catalog.lanes.find((l) => l.id === id) as Lane;
      const lr = state.laneRuns[id];
      const applies = !lane.when || lane.when.migrations === state.includesMigrations;
      return {
        id,
        name: lane.name,
        status: lr?.status ?? 'idle',
        applies,
        runId: lr?.runId ?? null,
        startedAt: lr?.startedAt ?? null,
        url: null,
      };
    });
    const rollback = (this.catalog.promotion?.rollback ?? []).map((id) => {
      const lane = this.catalog.lanes.find((l) => l.id === id) as Lane;
      const lr = state.laneRuns[id];
      return { id, name: lane.name, status: lr?.status ?? 'idle', lastRunAt: lr?.startedAt ?? null };
    });
    const freezes = flow.flatMap((id) => {
      const f = activeFreeze(this.catalog, id, now);
      if (!f) return [];
      return [
        {
          lane: id,
          window: f.windowId,
          until: f.end,
          overridden: state.overrides.some((o) => o.lane === id),
        },
      ];
    });
    return {
      id: rec.id,
      version: rec.version,
      sha: rec.sha,
      state: rec.state,
      outcome: releaseOutcome(this.catalog, state),
      includesMigrations: rec.includesMigrations,
      manifest: rec.manifest,
      changeSummary: rec.changeSummary,
      previousReleaseId: rec.previousReleaseId,
      createdBy: rec.createdBy,
      createdAt: rec.createdAt,
      lanes,
      rollback,
      gates: evaluation.gates.map((g) => toGateView(g, rec.id)),
      nextLanes: evaluation.nextLanes,
      freezes,
    };
  }

  async listReleases(): Promise<ReleaseView[]> {
    const list = await this.store.listReleases({ limit: 50 });
    return Promise.all(list.map((r) => this.releaseView(r)));
  }

  async getRelease(id: string): Promise<ReleaseRecord | undefined> {
    return (await this.store.getRelease(id)) ?? (await this.store.listReleases({ tag: id, limit: 1 }))[0];
  }

  // ---------- actions ----------

  async createRelease(
    actor: Actor,
    input: {
      version: string;
      sha: string;
      manifest: Record<string, string>;
      changeSummary: string[];
      includesMigrations: boolean;
      reason?: string;
    },
  ): Promise<Outcome<ReleaseView>> {
    const now = this.now();
    const existing = (await this.store.listReleases({ tag: input.version, limit: 1 }))[0];
    if (existing) {
      if (existing.sha === input.sha)
        return { ok: true, value: await this.releaseView(existing), created: false };
      return {
        ok: false,
        code: 'conflict',
        message: `release ${input.version} already exists for ${existing.sha.slice(0, 12)}`,
      };
    }
    // A candidate is opened from a green staging build: PL-04 and PL-05 green for this commit.
    const { runs, evidence } = await this.runsForSha(input.sha);
    const jobs = runs.length > 0 ? await this.store.listJobs(runs.map((r) => r.runId)) : [];
    const staging = this.catalog.lanes.filter(
      (l) =>
        l.environment.includes('staging') &&
        l.kind === 'delivery' &&
        (this.catalog.promotion?.flow ?? []).includes(l.id),
    );
    const notGreen = staging
      .filter((l) => laneRunState(l, runs, jobs, evidence).status !== 'green')
      .map((l) => l.id);
    if (notGreen.length > 0) {
      return {
        ok: false,
        code: 'gate_not_ready',
        message: `commit ${input.sha.slice(0, 12)} has no green staging build (${notGreen.join(', ')} not green)`,
        details: { lanes: notGreen },
      };
    }
    const all = await this.store.listReleases({ limit: 50 });
    const states = await Promise.all(all.map((r) => this.loadState(r)));
    const id = `rel-${input.version}`;
    const draft: ReleaseState = {
      id,
      version: input.version,
      sha: input.sha,
      createdBy: actor.personId,
      createdAt: now,
      includesMigrations: input.includesMigrations,
      manifest: [],
      changeSummary: null,
      previousReleaseId: null,
      laneRuns: {},
      skippedLanes: [],
      evidence: {},
      approvals: [],
      overrides: [],
      protectionRequests: [],
    };
    const previous = previousGoodRelease(this.catalog, states, draft);
    let manifest = Object.entries(input.manifest).map(([name, ref]) => ({ name, ref }));
    if (manifest.length === 0) {
      // Default manifest: the build lane's evidence pack for this commit.
      const buildLane = this.catalog.lanes.find((l) => l.id === (this.catalog.promotion?.flow ?? [])[0]);
      const build = runs
        .filter((r) => buildLane?.run_by.some((b) => b.workflow === r.workflowId))
        .sort(compareRunsNewestFirst)[0];
      const wf = build ? this.catalog.workflows.find((w) => w.id === build.workflowId) : undefined;
      if (build && wf?.evidence) manifest = [{ name: wf.evidence, ref: `${build.htmlUrl}#artifacts` }];
    }
    const rec: ReleaseRecord = {
      id,
      repo: this.catalog.repository,
      tag: input.version,
      version: input.version,
      sha: input.sha,
      manifest,
      changeSummary: input.changeSummary.length > 0 ? input.changeSummary.join('\n') : null,
      includesMigrations: input.includesMigrations,
      state: 'candidate',
      currentLane: null,
      previousReleaseId: previous?.id ?? null,
      createdBy: actor.personId,
      createdAt: now,
      updatedAt: now,
      data: { reason: input.reason ?? null },
    };
    const pl06 = (this.catalog.promotion?.flow ?? [])
      .map((l) => this.catalog.lanes.find((x) => x.id === l))
      .find((l) => l?.trigger.on === 'manual');
    const result = await this.store.transaction(async (tx) => {
      const r = await tx.createRelease(rec);
      if (r === 'duplicate') return r;
      await tx.appendAudit({
        at: now,
        actor: actor.label,
        action: 'release.created',
        objectType: 'release',
        objectId: id,
        reason: input.reason ?? null,
        data: {
          version: input.version,
          sha: input.sha,
          includesMigrations: input.includesMigrations,
          previous: rec.previousReleaseId,
        },
      });
      // Opening the candidate runs PL-06 (unless GitHub already ran it for this commit).
      if (pl06 && !runs.some((run) => pl06.run_by.some((b) => b.workflow === run.workflowId))) {
        for (const b of pl06.run_by) {
          const wf = this.catalog.workflows.find((w) => w.id === b.workflow);
          if (!wf) continue;
          await tx.enqueue({
            key: `dispatch:${id}:${pl06.id}`,
            kind: 'github.dispatch',
            runAt: now,
            payload: {
              repo: this.catalog.repository,
              workflowFile: basename(wf.file),
              ref: input.version,
              inputs: { version: input.version, sha: input.sha, release: id },
              releaseId: id,
              laneId: pl06.id,
            },
          });
        }
      }
      await tx.appendChange('release', { release: id, state: 'candidate' }, now);
      return r;
    });
    if (result === 'duplicate')
      return { ok: false, code: 'conflict', message: `release ${id} already exists` };
    await this.store.notify('outbox');
    await this.reevaluate(rec, 'release created', actor.label);
    const fresh = (await this.store.getRelease(id)) ?? rec;
    return { ok: true, value: await this.releaseView(fresh), created: true };
  }

  async approve(
    actor: Actor,
    gateId: string,
    opts: { release?: string; comment?: string },
  ): Promise<Outcome<GateView>> {
    const now = this.now();
    const gate = this.catalog.gates.find((g) => g.id === gateId);
    if (!gate) return { ok: false, code: 'not_found', message: `no gate ${gateId}` };
    const rec = opts.release ? await this.getRelease(opts.release) : await this.currentRelease();
    if (!rec)
      return {
        ok: false,
        code: 'not_found',
        message: opts.release ? `no release ${opts.release}` : 'no release to approve for',
      };
    const state = await this.loadState(rec);
    const check = canApprove(this.catalog, gateId, actor.personId, state);
    if (!check.ok) {
      await this.store.transaction((tx) =>
        tx.appendAudit({
          at: now,
          actor: actor.label,
          action: 'gate.approval_refused',
          objectType: 'gate',
          objectId: `${rec.id}/${gateId}`,
          reason: check.message,
          data: { code: check.code, seats: actor.seats },
        }),
      );
      const code: RefusalCode =
        check.code === 'not_seat_member' ||
        check.code === 'self_approval' ||
        check.code === 'already_approved'
          ? check.code
          : check.code === 'unknown_gate'
            ? 'not_found'
            : 'conflict';
      return { ok: false, code, message: check.message };
    }
    await this.store.transaction(async (tx) => {
      await tx.addApproval({
        releaseId: rec.id,
        gateId,
        person: actor.personId,
        at: now,
        comment: opts.comment ?? null,
      });
      await tx.appendAudit({
        at: now,
        actor: actor.label,
        action: 'gate.approved',
        objectType: 'gate',
        objectId: `${rec.id}/${gateId}`,
        reason: opts.comment ?? null,
        data: { release: rec.version },
      });
      await tx.appendChange('gate', { release: rec.id, gate: gateId, approvedBy: actor.personId }, now);
    });
    await this.reevaluate(rec, `${gateId} approved by ${actor.personId}`, actor.label);
    const view = (await this.gateViewsFor(rec)).find((g) => g.id === gateId);
    return { ok: true, value: view as GateView };
  }

  private async gateViewsFor(rec: ReleaseRecord): Promise<GateView[]> {
    const state = await this.loadState(rec);
    return evaluateGates(this.catalog, state, this.now()).map((g) => toGateView(g, rec.id));
  }

  async promote(
    actor: Actor,
    releaseId: string,
    opts: { override?: { reason: string }; reason?: string },
  ): Promise<Outcome<ReleaseView>> {
    const now = this.now();
    const rec = await this.getRelease(releaseId);
    if (!rec) return { ok: false, code: 'not_found', message: `no release ${releaseId}` };
    let state = await this.loadState(rec);
    let plan = planPromote(this.catalog, state, now);
    // A freeze window holds production lanes unless a permitted person overrides it with a reason.
    if (!plan.ok && plan.laneId && activeFreeze(this.catalog, plan.laneId, now)) {
      if (!opts.override) {
        return {
          ok: false,
          code: 'frozen',
          message: `${plan.laneId} is inside a freeze window; override with a reason`,
          details: plan.conditions,
        };
      }
      const check = canOverrideFreeze(this.catalog, plan.laneId, actor.personId, opts.override.reason, now);
      if (!check.ok) {
        await this.store.transaction((tx) =>
          tx.appendAudit({
            at: now,
            actor: actor.label,
            action: 'freeze.override_refused',
            objectType: 'lane',
            objectId: plan.laneId ?? '',
            reason: check.message,
            data: { release: rec.id, code: check.code },
          }),
        );
        return {
          ok: false,
          code: check.code === 'not_seat_member' ? 'not_seat_member' : 'validation_failed',
          message: check.message,
        };
      }
      const overrides = [
        ...state.overrides,
        {
          lane: plan.laneId,
          by: actor.personId,
          reason: opts.override.reason,
          at: now,
          window: check.windows[0] ?? null,
        },
      ];
      await this.store.transaction(async (tx) => {
        await tx.kvSet(OVERRIDES_KEY(rec.id), overrides, now);
        await tx.appendAudit({
          at: now,
          actor: actor.label,
          action: 'freeze.overridden',
          objectType: 'lane',
          objectId: plan.laneId ?? '',
          reason: opts.override?.reason ?? null,
          data: { release: rec.id, windows: check.windows },
        });
      });
      state = await this.loadState(rec);
      plan = planPromote(this.catalog, state, now);
    }
    if (!plan.ok) {
      const code: RefusalCode = plan.code === 'not_ready' ? 'gate_not_ready' : 'conflict';
      return { ok: false, code, message: plan.message, details: plan.conditions };
    }
    const effects = plan.effects;
    await this.store.transaction(async (tx) => {
      for (const e of effects) await this.enqueueEffect(tx, e, [], now);
      await tx.appendAudit({
        at: now,
        actor: actor.label,
        action: 'release.promoted',
        objectType: 'release',
        objectId: rec.id,
        reason: opts.reason ?? null,
        data: { lane: plan.ok ? plan.laneId : null, effects: effects.map((e) => e.key) },
      });
      await tx.appendChange('release', { release: rec.id, promoted: plan.ok ? plan.laneId : null }, now);
    });
    await this.store.notify('outbox');
    await this.reevaluate(rec, 'promoted', actor.label);
    return { ok: true, value: await this.releaseView((await this.store.getRelease(rec.id)) ?? rec) };
  }

  async rollback(
    actor: Actor,
    releaseId: string,
    opts: { reason: string; incident: string; owner: string },
  ): Promise<Outcome<ReleaseView>> {
    const now = this.now();
    const rec = await this.getRelease(releaseId);
    if (!rec) return { ok: false, code: 'not_found', message: `no release ${releaseId}` };
    const rollbackLane = this.catalog.lanes.find((l) => l.kind === 'rollback');
    const permitted = actor.seats.length > 0;
    if (!permitted) {
      await this.store.transaction((tx) =>
        tx.appendAudit({
          at: now,
          actor: actor.label,
          action: 'release.rollback_refused',
          objectType: 'release',
          objectId: rec.id,
          reason: 'not a member of any seat',
          data: {},
        }),
      );
      return { ok: false, code: 'forbidden', message: 'only members of a seat may roll back' };
    }
    const state = await this.loadState(rec);
    const target = rec.previousReleaseId ? await this.store.getRelease(rec.previousReleaseId) : undefined;
    const targetState = target ? await this.loadState(target) : null;
    const plan = planRollback(this.catalog, state, targetState, actor.personId, opts.reason);
    if (!plan.ok)
      return {
        ok: false,
        code: plan.code === 'reason_required' ? 'validation_failed' : 'conflict',
        message: plan.message,
      };
    await this.store.transaction(async (tx) => {
      for (const e of plan.effects) {
        if (e.kind === 'github.dispatch') {
          e.payload.inputs = {
            ...e.payload.inputs,
            incident: opts.incident,
            owner: opts.owner,
            reason: opts.reason,
          };
        }
        await this.enqueueEffect(tx, e, [], now);
      }
      await tx.appendAudit({
        at: now,
        actor: actor.label,
        action: 'release.rollback_started',
        objectType: 'release',
        objectId: rec.id,
        reason: opts.reason,
        data: {
          incident: opts.incident,
          owner: opts.owner,
          target: plan.target.id,
          lanes: plan.lanes,
          rollbackLane: rollbackLane?.id ?? null,
        },
      });
      await tx.appendChange('release', { release: rec.id, rollback: plan.target.id }, now);
    });
    await this.store.notify('outbox');
    return { ok: true, value: await this.releaseView(rec) };
  }

  async triggerLane(
    actor: Actor,
    laneId: string,
    opts: { ref?: string; reason?: string; inputs?: Record<string, string> },
  ): Promise<Outcome<{ lane: string; dispatches: string[] }>> {
    const now = this.now();
    const lane = this.catalog.lanes.find((l) => l.id === laneId);
    if (!lane) return { ok: false, code: 'not_found', message: `no lane ${laneId}` };
    if (actor.seats.length === 0)
      return { ok: false, code: 'forbidden', message: 'only members of a seat may trigger lanes' };
    // Gated lanes are never started by hand: they run when their gates hold (promote a release instead).
    const blocking = gatesBlocking(this.catalog, laneId);
    if (
      lane.requires_approval ||
      blocking.length > 0 ||
      lane.trigger.on === 'approval' ||
      lane.trigger.on === 'hold'
    ) {
      await this.store.transaction((tx) =>
        tx.appendAudit({
          at: now,
          actor: actor.label,
          action: 'lane.trigger_refused',
          objectType: 'lane',
          objectId: laneId,
          reason: opts.reason ?? null,
          data: { gates: blocking.map((g) => g.id) },
        }),
      );
      return {
        ok: false,
        code: 'gate_not_ready',
        message: `${laneId} runs only when its gates hold${blocking.length ? ` (${blocking.map((g) => g.id).join(', ')})` : ''}; promote a release instead`,
      };
    }
    const freeze = activeFreeze(this.catalog, laneId, now);
    if (freeze)
      return {
        ok: false,
        code: 'frozen',
        message: `${laneId} is inside freeze window ${freeze.windowId} until ${freeze.end}`,
      };
    const ref = opts.ref ?? 'main';
    const keys: string[] = [];
    await this.store.transaction(async (tx) => {
      for (const b of lane.run_by) {
        const wf = this.catalog.workflows.find((w) => w.id === b.workflow);
        if (!wf || keys.some((k) => k.endsWith(`:${wf.id}`))) continue;
        const key = `trigger:${laneId}:${wf.id}:${now}`;
        await tx.enqueue({
          key,
          kind: 'github.dispatch',
          runAt: now,
          payload: {
            repo: this.catalog.repository,
            workflowFile: basename(wf.file),
            ref,
            inputs: { lane: laneId, ...(opts.inputs ?? {}) },
            laneId,
          },
        });
        keys.push(key);
      }
      await tx.appendAudit({
        at: now,
        actor: actor.label,
        action: 'lane.triggered',
        objectType: 'lane',
        objectId: laneId,
        reason: opts.reason ?? null,
        data: { ref, dispatches: keys },
      });
      await tx.appendChange('lane', { lane: laneId, triggered: true }, now);
    });
    await this.store.notify('outbox');
    return { ok: true, value: { lane: laneId, dispatches: keys } };
  }

  async alerts(all: boolean): Promise<AlertView[]> {
    const list = await this.store.listAlerts({ status: all ? undefined : 'live', limit: 200 });
    return list.map(alertView);
  }

  async openAlertCount(): Promise<number> {
    return this.store.countOpenAlerts();
  }

  async ackAlert(actor: Actor, id: number, comment?: string): Promise<Outcome<AlertView>> {
    return this.alertAction(actor, id, 'ack', comment);
  }

  async resolveAlert(actor: Actor, id: number, comment?: string): Promise<Outcome<AlertView>> {
    return this.alertAction(actor, id, 'resolve', comment);
  }

  private async alertAction(
    actor: Actor,
    id: number,
    action: 'ack' | 'resolve',
    comment?: string,
  ): Promise<Outcome<AlertView>> {
    const now = this.now();
    const existing = await this.store.getAlert(id);
    if (!existing) return { ok: false, code: 'not_found', message: `no alert ${id}` };
    const updated = await this.store.transaction(async (tx) => {
      const r =
        action === 'ack'
          ? await tx.ackAlert(id, actor.personId, now)
          : await tx.resolveAlert(id, actor.personId, now);
      if (r) {
        await tx.appendAudit({
          at: now,
          actor: actor.label,
          action: action === 'ack' ? 'alert.acked' : 'alert.resolved',
          objectType: 'alert',
          objectId: String(id),
          reason: comment ?? null,
          data: { key: existing.key },
        });
        await tx.appendChange('alert', { id, status: r.status }, now);
      }
      return r;
    });
    if (!updated)
      return { ok: false, code: 'conflict', message: `alert ${id} is already ${existing.status}` };
    await this.store.notify('changes');
    return { ok: true, value: alertView(updated) };
  }
}

function gateDetail(g: GateEvaluation): unknown {
  return { criteria: g.criteria, approvals: g.approvals };
}

function toGateView(g: GateEvaluation, releaseId: string): GateView {
  return {
    id: g.id,
    phase: g.phase,
    owner: g.owner,
    state: g.state,
    release: releaseId,
    criteria: g.criteria,
    approvals: g.approvals,
    approvalsRequired: g.approvalsRequired,
    window: g.window,
    waitsUntil: g.waitsUntil,
    blocks: g.blocks,
  };
}

function alertView(a: AlertRecord): AlertView {
  const data = (a.data ?? {}) as { detail?: string };
  return {
    id: a.id,
    key: a.key,
    rule: a.rule,
    severity: a.severity,
    title: a.title,
    detail: data.detail ?? null,
    status: a.status,
    count: a.count,
    firstAt: a.firstAt,
    lastAt: a.lastAt,
    ackedBy: a.ackedBy,
    ackedAt: a.ackedAt,
    resolvedBy: a.resolvedBy,
    resolvedAt: a.resolvedAt,
  };
}
