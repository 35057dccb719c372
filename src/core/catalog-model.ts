// The catalog model as the core sees it. The core owns these types: src/catalog parses lanes.yaml into
// exactly this shape (its zod schema is checked against them at compile time), so the core never imports
// the parser. Everything that differs between catalogs is a field here, with its default decided by the
// small pure helpers below, never by a lane id, a phase name or an environment name in code.

export type Duration = string; // "15m", "24h", "7d": validated by the schema

export type Trigger =
  | {
      on: 'pull_request';
      types?: ('opened' | 'synchronize' | 'reopened' | 'ready_for_review' | 'closed' | 'labeled')[];
      branches?: string[];
      paths?: string[];
      text?: string;
    }
  | { on: 'push'; branches: string[]; paths?: string[]; text?: string }
  | { on: 'tag'; tags: string[]; text?: string }
  | { on: 'schedule'; cron: string; text?: string }
  | { on: 'manual'; after?: string[]; text?: string }
  | { on: 'after'; lane: string; text?: string }
  | { on: 'approval'; after: string[]; text?: string }
  | { on: 'hold'; lane: string; hold: Duration; text?: string };

export interface LaneBinding {
  workflow: string;
  jobs?: string[];
  environment?: string[];
  event?: string[];
}

export type LaneKind = 'delivery' | 'rollback' | 'rollback-drill';

export interface Lane {
  id: string;
  name: string;
  kind: LaneKind;
  trigger: Trigger;
  requires_approval: boolean;
  when?: { migrations: boolean };
  environment: string[];
  checks: string[];
  run_by: LaneBinding[];
  /** rollback-drill lanes: how long after a due drill it counts as missed (default DEFAULT_DRILL_GRACE). */
  drill_grace?: Duration;
}

export interface Workflow {
  id: string;
  name: string;
  file: string;
  runner: { kind: 'github-hosted' | 'self-hosted'; labels: string[] };
  environment: string[];
  evidence?: string;
  /** owner/name of the repository the workflow lives in; default: the catalog's `repository`. */
  repository?: string;
}

export type Phase = string;

/** A phase gates belong to: the ref event it is about, and what its gates hold back when nothing else. */
export interface PhaseDef {
  name: Phase;
  event?: 'pull_request' | 'push' | 'tag';
  /** Shown by `explain` for a gate of this phase that blocks no lane the ref enters (e.g. "merge"). */
  holds?: string;
  /** Phase after the production deploy: a blocked gate here is a production incident (critical). */
  after_production: boolean;
}

export interface Gate {
  id: string;
  phase: Phase;
  owner: string;
  name?: string;
  criteria: { lanes: string[]; checks: string[] };
  approvals: number;
  self_approval: boolean;
  window?: Duration;
  blocks: string[];
  optional_when_lanes_skipped: boolean;
}

export interface Seat {
  id: string;
  name: string;
  members: string[];
}

export type UnsanctionedChange = 'reject' | 'alert' | 'ignore';
/** How GitHub is made to wait for Lanes in an environment: its protection rule, the gate step, or both. */
export type EnforcementMode = 'protection-rule' | 'gate-step' | 'both';

export interface Environment {
  id: string;
  name?: string;
  production: boolean;
  /** What a deploy into this environment without a release that allowed it does (default: see core). */
  unsanctioned_changes?: UnsanctionedChange;
  /** Default protection-rule (see docs/enforcement.md for which GitHub plan needs which). */
  enforcement: EnforcementMode;
}

export interface BranchRule {
  id: string;
  title: string;
  text?: string;
  event: 'pull_request' | 'push' | 'tag';
  refs: string[];
  lanes: string[];
}

export interface FreezeWindow {
  id: string;
  name?: string;
  cron?: string;
  from?: string;
  until?: string;
  duration?: Duration;
  lanes: string[];
  override_seats: string[];
}

export interface AlertRoute {
  id: string;
  url?: string;
  url_env?: string;
  match: { severity?: ('critical' | 'warning' | 'info')[]; rules?: string[] };
}

/** Who may report a check's evidence. */
export type EvidenceSource =
  | {
      github:
        | { workflow: string; job?: string }
        /** Check runs a GitHub App (by slug) reports, in `repository` (default: the catalog's). */
        | { app: string; repository?: string };
    }
  | { service: string }
  | { seat: string }
  | { oidc: { workflow: string; repository?: string } };

export interface CheckDef {
  name: string;
  sources: EvidenceSource[];
}

/** A principal in a policy rule: a seat id, `service:<name>`, `owners` (of the target) or `admin`. */
export type Principal = string;

export interface TriggerRule {
  lanes: string[];
  who: Principal[];
  refs: string[];
}

export interface Policy {
  /** The seats that run releases: the default for create, promote and roll back. */
  release_seats: string[];
  create_release?: Principal[];
  promote?: Principal[];
  rollback?: Principal[];
  trigger: TriggerRule[];
  alerts?: Principal[];
  manage_tokens?: Principal[];
  override_freeze?: Principal[];
  retry_effect?: Principal[];
}

export interface Promotion {
  flow: string[];
  rollback: string[];
  text?: string;
  retain: string[];
  /** Lanes that must be green on a commit before a release may be opened from it (default: see core). */
  candidate_requires?: string[];
}

export interface Catalog {
  $schema?: string;
  version: 1;
  zone: {
    id: string;
    name: string;
    title: string;
    breadcrumbs: string[];
    branch_policy_note?: string;
    promotion_note?: string;
    workflows_note?: string;
    gates_note?: string;
  };
  repository: string;
  /** Further repositories whose deliveries count (the catalog's `repository` always does). */
  repositories: string[];
  seats: Seat[];
  environments: Environment[];
  workflows: Workflow[];
  lanes: Lane[];
  /** Declared phases; absent = any phase name a gate uses, with no event and before production. */
  phases?: PhaseDef[];
  gates: Gate[];
  branch_policy: BranchRule[];
  promotion?: Promotion;
  freeze_windows: FreezeWindow[];
  alert_routes: AlertRoute[];
  checks: CheckDef[];
  policy?: Policy;
}

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** "15m" → 900000. Durations are validated by the schema, so a bad one is a programming error. */
export function durationMs(d: string): number {
  const m = /^(\d+)(s|m|h|d)$/.exec(d);
  if (!m) throw new Error(`invalid duration ${d}`);
  return Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
}

export function laneById(c: Catalog, id: string): Lane | undefined {
  return c.lanes.find((l) => l.id === id);
}

export function workflowById(c: Catalog, id: string): Workflow | undefined {
  return c.workflows.find((w) => w.id === id);
}

/** The lanes a lane waits for (trigger after/hold/approval/manual-after). */
export function lanePredecessors(t: Trigger): string[] {
  switch (t.on) {
    case 'after':
    case 'hold':
      return [t.lane];
    case 'manual':
      return t.after ?? [];
    case 'approval':
      return t.after;
    case 'pull_request':
    case 'push':
    case 'tag':
    case 'schedule':
      return [];
  }
}

/** The phase of a gate as declared, or the default for an undeclared one (no event, before production). */
export function phaseOf(c: Catalog, name: Phase): PhaseDef {
  return c.phases?.find((p) => p.name === name) ?? { name, after_production: false };
}

/** Display text of a lane's environment: "staging/prod", or "none". */
export function laneEnvironmentText(c: Catalog, lane: Lane): string {
  if (lane.environment.length === 0) return 'none';
  return lane.environment.map((e) => c.environments.find((x) => x.id === e)?.name ?? e).join('/');
}

export function workflowEnvironmentText(w: Workflow): string {
  return w.environment.length === 0 ? '-' : w.environment.join('/');
}

export function triggerText(lane: Lane): string {
  const t = lane.trigger;
  if (t.text) return t.text;
  switch (t.on) {
    case 'pull_request':
      return `pull_request${t.branches ? ` on ${t.branches.join(', ')}` : ''}`;
    case 'push':
      return `push to ${t.branches.join(', ')}`;
    case 'tag':
      return `tag ${t.tags.join(', ')}`;
    case 'schedule':
      return `schedule ${t.cron}`;
    case 'manual':
      return 'manual';
    case 'after':
      return `after ${t.lane}`;
    case 'approval':
      return `approval after ${t.after.join(', ')}`;
    case 'hold':
      return `${t.hold} hold after ${t.lane}`;
  }
}
