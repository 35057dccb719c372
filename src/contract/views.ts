// Response shapes of the REST API (/api/v1). The web dashboard and the CLI import these types.
// Status words are the reference screen's. Times are ISO 8601 UTC strings.

export type LaneStatus = 'green' | 'pending' | 'failed' | 'idle';
export type WorkflowStatus = 'success' | 'running' | 'pending' | 'failed' | 'idle';
export type GateState = 'passed' | 'pending' | 'blocked';
export type CheckState = 'passed' | 'failed' | 'pending' | 'missing';

export type { ApiError } from './refusal.ts';

export interface ZoneView {
  id: string;
  name: string; // "Ops"
  title: string; // "OPS — Control Plane"
  breadcrumbs: string[]; // ["production / delivery", "ci/cd catalog"]
  notes: { branchPolicy?: string; promotion?: string; workflows?: string; gates?: string };
}

export interface LaneCheckView {
  name: string;
  state: CheckState;
  source: string | null; // job | check_run | api | artifact
  url: string | null;
  details: string | null;
  at: string | null;
}

export interface LaneView {
  id: string; // PL-01
  name: string;
  kind: 'delivery' | 'rollback' | 'rollback-drill';
  trigger: string; // display text
  triggerKind: string; // pull_request | push | tag | schedule | manual | after | approval | hold
  environment: string; // display text, e.g. "staging/prod" or "none"
  production: boolean;
  automated: boolean;
  manual: boolean;
  checks: string[];
  status: LaneStatus;
  lastRunAt: string | null; // start of the newest run, UTC
  lastRunUrl: string | null;
  workflows: string[]; // WF ids
}

export interface LaneCheckSummary extends LaneView {
  checkStates: LaneCheckView[];
}

export interface RunView {
  runId: number;
  runAttempt: number;
  workflowId: string | null;
  workflowName: string;
  event: string;
  headBranch: string | null;
  headSha: string;
  status: string; // GitHub status
  conclusion: string | null;
  state: WorkflowStatus; // screen word
  environment: string | null;
  htmlUrl: string;
  startedAt: string;
  updatedAt: string;
  actor: string | null;
}

export interface JobView {
  jobId: number;
  runId: number;
  name: string;
  status: string;
  conclusion: string | null;
  startedAt: string | null;
  completedAt: string | null;
  htmlUrl: string | null;
}

export interface LaneDetail extends LaneView {
  checkStates: LaneCheckView[];
  runs: (RunView & { jobs: JobView[] })[];
  evidence: LaneCheckView[];
}

export interface WorkflowView {
  id: string; // WF-01
  name: string;
  file: string;
  runner: 'github-hosted' | 'self-hosted';
  runnerLabels: string[];
  environment: string; // display "-" or "staging/prod-*"
  evidence: string | null; // evidence pack artifact name
  status: WorkflowStatus;
  lastRunAt: string | null;
  lastRunUrl: string | null;
  lanes: string[]; // lanes it serves
}

export interface WorkflowDetail extends WorkflowView {
  runs: (RunView & { jobs: JobView[]; artifacts: { name: string; url: string | null }[] })[];
}

export interface GateView {
  id: string;
  phase: string;
  owner: string; // SEAT-xx
  state: GateState;
  release: string | null; // release id it was evaluated for
  criteria: {
    kind: 'lane' | 'check' | 'approval' | 'window';
    name: string;
    state: CheckState;
    detail?: string;
  }[];
  approvals: { by: string; at: string; comment: string | null }[];
  approvalsRequired: number;
  window: string | null;
  waitsUntil: string | null;
  blocks: string[];
}

export interface BranchPolicyView {
  id: string;
  title: string;
  text: string;
  event: string;
  refs: string[];
  lanes: string[];
}

export interface Overview {
  zone: ZoneView;
  generatedAt: string;
  summary: { automated: number; manual: number; prod: number; rollback: number };
  alerts: { open: number };
  branchPolicy: BranchPolicyView[];
  promotion: { flow: string[]; rollback: string[]; text: string | null; retain: string[] };
  lanes: LaneView[];
  workflows: WorkflowView[];
  gates: GateView[];
}

/** Server-Sent Event payload (event name = topic). */
export interface LiveEvent {
  seq: number;
  topic: string;
  at: string;
  data: unknown;
}

export interface ReleaseView {
  id: string;
  version: string;
  sha: string;
  state: string;
  outcome: string;
  includesMigrations: boolean;
  manifest: unknown;
  changeSummary: string | null;
  previousReleaseId: string | null;
  createdBy: string;
  createdAt: string;
  lanes: {
    id: string;
    name: string;
    status: string;
    applies: boolean;
    runId: number | null;
    startedAt: string | null;
    url: string | null;
  }[];
  rollback: { id: string; name: string; status: string; lastRunAt: string | null }[];
  gates: GateView[];
  nextLanes: string[];
  freezes: { lane: string; window: string; until: string; overridden: boolean }[];
}

export interface AlertView {
  id: number;
  key: string;
  rule: string;
  severity: string;
  title: string;
  detail: string | null;
  status: string;
  count: number;
  firstAt: string;
  lastAt: string;
  ackedBy: string | null;
  ackedAt: string | null;
  resolvedBy: string | null;
  resolvedAt: string | null;
}
