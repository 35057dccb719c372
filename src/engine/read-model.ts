// Read side: store reads + pure core functions → the API's views. One place builds each view, so the
// dashboard, the REST API and the CLI always agree.
import type { Catalog, Lane, Workflow } from '../core/catalog-model.ts';
import { holderOf, type CatalogHolder } from './catalog-holder.ts';
import { freezeSchedule } from '../core/freeze-schedule.ts';
import { drillHistoryOf, drillStates, type DrillState } from '../core/drill-check.ts';
import { laneEnvironmentText, triggerText, workflowEnvironmentText } from '../core/catalog-model.ts';
import { isAutomated, isManual, summarizeCatalog, touchesProduction } from '../core/catalog-summary.ts';
import {
  checkStates,
  compareRunsNewestFirst,
  laneRunState,
  lanesServedBy,
  runMatchesBinding,
  workflowStatusOf,
  type CheckResult,
} from '../core/lane-status.ts';
import type { EvidenceRecord, JobRecord, RunRecord } from '../core/run-model.ts';
import type {
  GateView,
  JobView,
  LaneCheckView,
  LaneDetail,
  LaneView,
  Overview,
  RunView,
  WorkflowDetail,
  WorkflowView,
  FreezeView,
} from '../contract/views.ts';
import type { Store } from '../store/store.ts';
import { runsCountingFor } from './load-release-state.ts';
import { freeTrigger } from '../core/policy.ts';

/** How many recent runs per workflow the status looks at (newest first; index-backed, flat with history). */
const RECENT_RUNS_PER_WORKFLOW = 50;

export interface GateProvider {
  gates(now: Date): Promise<GateView[]>;
  openAlertCount(): Promise<number>;
}

interface Snapshot {
  runsByWorkflow: Map<string, RunRecord[]>;
  jobs: JobRecord[];
  evidence: EvidenceRecord[];
}

export class ReadModel {
  private readonly catalogs: CatalogHolder;

  constructor(
    private readonly store: Store,
    catalog: Catalog | CatalogHolder,
    private gateProvider: GateProvider | undefined = undefined,
  ) {
    this.catalogs = holderOf(catalog);
  }

  /** The process's current catalog (src/engine/catalog-holder.ts): a swap shows on the next read. */
  private get catalog(): Catalog {
    return this.catalogs.current().catalog;
  }

  /** The catalog of the moment, for callers that judge with it (the session's abilities). */
  currentCatalog(): Catalog {
    return this.catalog;
  }

  setGateProvider(p: GateProvider): void {
    this.gateProvider = p;
  }

  /** Freeze windows: the occurrence active at `now` (with its end) and the next one (issue 15). */
  freezes(now: Date): FreezeView[] {
    return freezeSchedule(this.catalog, now);
  }

  private async snapshot(workflowIds: string[]): Promise<Snapshot> {
    const runsByWorkflow = new Map<string, RunRecord[]>();
    const lists = await Promise.all(
      workflowIds.map((id) => this.store.listRuns({ workflowId: id, limit: RECENT_RUNS_PER_WORKFLOW })),
    );
    workflowIds.forEach((id, i) => runsByWorkflow.set(id, lists[i] ?? []));
    const jobBound = new Set(
      this.catalog.lanes.flatMap((l) => l.run_by.filter((b) => b.jobs).map((b) => b.workflow)),
    );
    const jobRunIds = [...runsByWorkflow.entries()]
      .filter(([wf]) => jobBound.has(wf))
      .flatMap(([, runs]) => runs.slice(0, RECENT_RUNS_PER_WORKFLOW).map((r) => r.runId));
    const jobs = jobRunIds.length > 0 ? await this.store.listJobs(jobRunIds) : [];
    return { runsByWorkflow, jobs, evidence: [] };
  }

  private laneCandidates(lane: Lane, snap: Snapshot): RunRecord[] {
    // Only runs that count for the lane (repository, event, branch policy): a PR run greens no main lane.
    return runsCountingFor(
      this.catalog,
      lane.id,
      lane.run_by.flatMap((b) => snap.runsByWorkflow.get(b.workflow) ?? []),
    );
  }

  /** Scheduled drills from the snapshot's runs (issue 15): next due, missed after, state. */
  private async drills(snap: Snapshot, now: Date): Promise<DrillState[]> {
    const lanes = this.catalog.lanes.filter(
      (l) => l.kind === 'rollback-drill' && l.trigger.on === 'schedule',
    );
    if (lanes.length === 0) return [];
    const since = await this.store.getMonitoredSince('drills');
    const histories = lanes.map((l) => drillHistoryOf(l, this.laneCandidates(l, snap), since));
    return drillStates(this.catalog, histories, now);
  }

  private async laneViews(
    snap: Snapshot,
    now: Date,
  ): Promise<{ views: LaneView[]; states: Map<string, ReturnType<typeof laneRunState>> }> {
    const states = new Map<string, ReturnType<typeof laneRunState>>();
    for (const lane of this.catalog.lanes) {
      states.set(lane.id, laneRunState(lane, this.laneCandidates(lane, snap), snap.jobs));
    }
    // Failed checks on a lane's newest commit turn it failed: fetch evidence for those commits only.
    const shas = [...new Set([...states.values()].flatMap((s) => (s.lastRun ? [s.lastRun.headSha] : [])))];
    const evidence = shas.length > 0 ? await this.store.listEvidence({ shas }) : [];
    snap.evidence = evidence;
    const drills = await this.drills(snap, now);
    const views = this.catalog.lanes.map((lane) => {
      const st = laneRunState(lane, this.laneCandidates(lane, snap), snap.jobs, evidence);
      states.set(lane.id, st);
      return this.laneView(lane, st, drills);
    });
    return { views, states };
  }

  private laneView(lane: Lane, st: ReturnType<typeof laneRunState>, drills: DrillState[]): LaneView {
    const drill = drills.find((d) => d.laneId === lane.id);
    return {
      id: lane.id,
      name: lane.name,
      kind: lane.kind,
      trigger: triggerText(lane),
      triggerKind: lane.trigger.on,
      environment: laneEnvironmentText(this.catalog, lane),
      production: touchesProduction(this.catalog, lane),
      automated: isAutomated(lane),
      manual: isManual(lane),
      checks: lane.checks,
      status: st.status,
      lastRunAt: st.lastRun?.runStartedAt ?? null,
      lastRunUrl: st.lastRun?.htmlUrl ?? null,
      workflows: [...new Set(lane.run_by.map((b) => b.workflow))],
      ...(drill ? { drill } : {}),
      freeTrigger: freeTrigger(this.catalog, lane),
    };
  }

  private workflowView(w: Workflow, runs: RunRecord[]): WorkflowView {
    const newest = [...runs].sort(compareRunsNewestFirst)[0];
    return {
      id: w.id,
      name: w.name,
      file: w.file,
      runner: w.runner.kind,
      runnerLabels: w.runner.labels,
      environment: workflowEnvironmentText(w),
      evidence: w.evidence ?? null,
      status: workflowStatusOf(newest),
      lastRunAt: newest?.runStartedAt ?? null,
      lastRunUrl: newest?.htmlUrl ?? null,
      lanes: lanesServedBy(this.catalog, w),
    };
  }

  async overview(now: Date): Promise<Overview> {
    const c = this.catalog;
    const snap = await this.snapshot(c.workflows.map((w) => w.id));
    const { views } = await this.laneViews(snap, now);
    const [gates, openAlerts] = await Promise.all([
      this.gateProvider ? this.gateProvider.gates(now) : Promise.resolve(this.staticGates()),
      this.gateProvider ? this.gateProvider.openAlertCount() : Promise.resolve(0),
    ]);
    return {
      zone: {
        id: c.zone.id,
        name: c.zone.name,
        title: c.zone.title,
        breadcrumbs: c.zone.breadcrumbs,
        notes: {
          branchPolicy: c.zone.branch_policy_note,
          promotion: c.zone.promotion_note,
          workflows: c.zone.workflows_note,
          gates: c.zone.gates_note,
        },
      },
      generatedAt: now.toISOString(),
      summary: summarizeCatalog(c),
      alerts: { open: openAlerts },
      branchPolicy: c.branch_policy.map((r) => ({
        id: r.id,
        title: r.title,
        text: r.text ?? '',
        event: r.event,
        refs: r.refs,
        lanes: r.lanes,
      })),
      promotion: {
        flow: c.promotion?.flow ?? [],
        rollback: c.promotion?.rollback ?? [],
        text: c.promotion?.text ?? null,
        retain: c.promotion?.retain ?? [],
      },
      lanes: views,
      workflows: c.workflows.map((w) => this.workflowView(w, snap.runsByWorkflow.get(w.id) ?? [])),
      gates,
      freezes: this.freezes(now),
      drills: await this.drills(snap, now),
    };
  }

  async lanes(now = new Date()): Promise<LaneView[]> {
    const snap = await this.snapshot(this.catalog.workflows.map((w) => w.id));
    return (await this.laneViews(snap, now)).views;
  }

  async lane(id: string, limit = 20, now = new Date()): Promise<LaneDetail | undefined> {
    const lane = this.catalog.lanes.find((l) => l.id === id);
    if (!lane) return undefined;
    const wfIds = [...new Set(lane.run_by.map((b) => b.workflow))];
    const snap = await this.snapshot(wfIds);
    const candidates = this.laneCandidates(lane, snap);
    const st0 = laneRunState(lane, candidates, snap.jobs);
    const matching = candidates
      .filter((r) => lane.run_by.some((b) => runMatchesBinding(r, b)))
      .sort(compareRunsNewestFirst)
      .slice(0, limit);
    const shas = [...new Set(matching.map((r) => r.headSha))];
    const evidence = shas.length > 0 ? await this.store.listEvidence({ shas }) : [];
    const st = laneRunState(lane, candidates, snap.jobs, evidence);
    const jobs = matching.length > 0 ? await this.store.listJobs(matching.map((r) => r.runId)) : [];
    const current = st.lastRun ?? st0.lastRun;
    const checks = checkStates(lane, current ? evidence.filter((e) => e.sha === current.headSha) : []);
    return {
      ...this.laneView(lane, st, await this.drills(snap, now)),
      checkStates: checks.map(checkView),
      runs: matching.map((r) => ({
        ...runView(r),
        jobs: jobs.filter((j) => j.runId === r.runId).map(jobView),
      })),
      evidence: evidence
        .filter((e) => lane.checks.some((c) => c.toLowerCase() === e.check.toLowerCase()))
        .sort((a, b) => Date.parse(b.recordedAt) - Date.parse(a.recordedAt))
        .map((e) => checkView({ name: e.check, state: e.outcome, evidence: e })),
    };
  }

  async workflows(): Promise<WorkflowView[]> {
    const snap = await this.snapshot(this.catalog.workflows.map((w) => w.id));
    return this.catalog.workflows.map((w) => this.workflowView(w, snap.runsByWorkflow.get(w.id) ?? []));
  }

  async workflow(id: string, limit = 20): Promise<WorkflowDetail | undefined> {
    const w = this.catalog.workflows.find((x) => x.id === id);
    if (!w) return undefined;
    const runs = await this.store.listRuns({ workflowId: id, limit });
    const jobs = runs.length > 0 ? await this.store.listJobs(runs.map((r) => r.runId)) : [];
    return {
      ...this.workflowView(w, runs),
      runs: runs.map((r) => ({
        ...runView(r),
        jobs: jobs.filter((j) => j.runId === r.runId).map(jobView),
        artifacts: w.evidence ? [{ name: w.evidence, url: `${r.htmlUrl}#artifacts` }] : [],
      })),
    };
  }

  async gates(now: Date): Promise<GateView[]> {
    return this.gateProvider ? this.gateProvider.gates(now) : this.staticGates();
  }

  /** Gate definitions with no release evaluated yet. */
  staticGates(): GateView[] {
    return this.catalog.gates.map((g) => ({
      id: g.id,
      phase: g.phase,
      owner: g.owner,
      state: 'pending',
      release: null,
      criteria: [
        ...g.criteria.lanes.map((l) => ({ kind: 'lane' as const, name: l, state: 'pending' as const })),
        ...g.criteria.checks.map((c) => ({ kind: 'check' as const, name: c, state: 'pending' as const })),
      ],
      approvals: [],
      approvalsRequired: g.approvals,
      window: g.window ?? null,
      waitsUntil: null,
      blocks: g.blocks,
    }));
  }
}

export function runView(r: RunRecord): RunView {
  return {
    runId: r.runId,
    runAttempt: r.runAttempt,
    workflowId: r.workflowId,
    workflowName: r.workflowName,
    event: r.event,
    headBranch: r.headBranch,
    headSha: r.headSha,
    status: r.status,
    conclusion: r.conclusion,
    state: workflowStatusOf(r),
    environment: r.environment,
    htmlUrl: r.htmlUrl,
    startedAt: r.runStartedAt,
    updatedAt: r.updatedAt,
    actor: r.actor,
  };
}

export function jobView(j: JobRecord): JobView {
  return {
    jobId: j.jobId,
    runId: j.runId,
    name: j.name,
    status: j.status,
    conclusion: j.conclusion,
    startedAt: j.startedAt,
    completedAt: j.completedAt,
    htmlUrl: j.htmlUrl,
  };
}

function checkView(c: CheckResult): LaneCheckView {
  return {
    name: c.name,
    state: c.state,
    source: c.evidence?.source ?? null,
    url: c.evidence?.url ?? null,
    details: c.evidence?.details ?? null,
    at: c.evidence?.recordedAt ?? null,
  };
}
