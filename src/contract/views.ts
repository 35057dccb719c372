// Response shapes of the REST API (/api/v1), as zod schemas with the TypeScript types inferred from them:
// one source for the OpenAPI document (z.toJSONSchema), the server, the CLI and the web dashboard.
// Responses are not parsed at run time (the server builds them); the schemas document and type them.
// Status words are the reference screen's. Times are ISO 8601 UTC strings.
import { z } from 'zod';
import { SessionAbilities } from './abilities.ts';

export type { ApiError } from './refusal.ts';

const time = z.string().describe('ISO 8601 UTC');
const nullable = <T extends z.ZodType>(t: T) => t.nullable();

export const LaneStatus = z.enum(['green', 'pending', 'failed', 'idle']);
export const WorkflowStatus = z.enum(['success', 'running', 'pending', 'failed', 'idle']);
export const GateState = z.enum(['passed', 'pending', 'blocked']);
export const CheckState = z.enum(['passed', 'failed', 'pending', 'missing']);
export type LaneStatus = z.infer<typeof LaneStatus>;
export type WorkflowStatus = z.infer<typeof WorkflowStatus>;
export type GateState = z.infer<typeof GateState>;
export type CheckState = z.infer<typeof CheckState>;

export const ZoneView = z.object({
  id: z.string(),
  name: z.string().describe('"Ops"'),
  title: z.string().describe('"OPS — Control Plane"'),
  breadcrumbs: z.array(z.string()),
  notes: z.object({
    branchPolicy: z.string().optional(),
    promotion: z.string().optional(),
    workflows: z.string().optional(),
    gates: z.string().optional(),
  }),
});
export type ZoneView = z.infer<typeof ZoneView>;

export const LaneCheckView = z.object({
  name: z.string(),
  state: CheckState,
  source: nullable(z.string()).describe('job | check_run | api | artifact'),
  url: nullable(z.string()),
  details: nullable(z.string()),
  at: nullable(time),
});
export type LaneCheckView = z.infer<typeof LaneCheckView>;

/** A scheduled rollback drill: next due, when it turns "missed", how it stands (issue 15). */
export const DrillView = z.object({
  laneId: z.string(),
  name: z.string(),
  cron: z.string().describe('the schedule (UTC)'),
  graceMs: z.number().int().describe('drill_grace of the catalog, or the default'),
  nextDueAt: time.describe('the next scheduled fire'),
  missedAfter: time.describe('missed unless a successful run comes before (in the past when missed)'),
  state: z.enum(['ok', 'failed', 'missed', 'never']),
  lastRun: nullable(z.object({ runId: nullable(z.number().int()), status: z.string(), at: nullable(time) })),
  lastSuccessAt: nullable(time),
});
export type DrillView = z.infer<typeof DrillView>;
/** Whether the catalog lets a lane be triggered by hand, on which refs (globs), and if not, why. */
export const LaneFreeTrigger = z.object({
  allowed: z.boolean(),
  refs: z.array(z.string()).describe('ref patterns a free trigger may use, e.g. feature/*'),
  reason: z.string().optional().describe('why not, e.g. dispatched by the release flow'),
});
export type LaneFreeTrigger = z.infer<typeof LaneFreeTrigger>;

export const LaneView = z.object({
  id: z.string().describe('catalog lane id, PL-xx'),
  name: z.string(),
  kind: z.enum(['delivery', 'rollback', 'rollback-drill']),
  trigger: z.string().describe('display text'),
  triggerKind: z.string().describe('pull_request | push | tag | schedule | manual | after | approval | hold'),
  environment: z.string().describe('display text, e.g. "staging/prod" or "none"'),
  production: z.boolean(),
  automated: z.boolean(),
  manual: z.boolean(),
  checks: z.array(z.string()),
  status: LaneStatus,
  lastRunAt: nullable(time).describe('start of the newest run'),
  lastRunUrl: nullable(z.string()),
  workflows: z.array(z.string()).describe('WF ids'),
  /** Drill lanes with a schedule only. */
  drill: DrillView.optional(),
  freeTrigger: LaneFreeTrigger,
});
export type LaneView = z.infer<typeof LaneView>;

export const LaneCheckSummary = LaneView.extend({ checkStates: z.array(LaneCheckView) });
export type LaneCheckSummary = z.infer<typeof LaneCheckSummary>;

export const RunView = z.object({
  runId: z.number().int(),
  runAttempt: z.number().int(),
  workflowId: nullable(z.string()),
  workflowName: z.string(),
  event: z.string(),
  headBranch: nullable(z.string()),
  headSha: z.string(),
  status: z.string().describe('GitHub status'),
  conclusion: nullable(z.string()),
  state: WorkflowStatus.describe('screen word'),
  environment: nullable(z.string()),
  htmlUrl: z.string(),
  startedAt: time,
  updatedAt: time,
  actor: nullable(z.string()),
});
export type RunView = z.infer<typeof RunView>;

export const JobView = z.object({
  jobId: z.number().int(),
  runId: z.number().int(),
  name: z.string(),
  status: z.string(),
  conclusion: nullable(z.string()),
  startedAt: nullable(time),
  completedAt: nullable(time),
  htmlUrl: nullable(z.string()),
});
export type JobView = z.infer<typeof JobView>;

export const LaneDetail = LaneView.extend({
  checkStates: z.array(LaneCheckView),
  runs: z.array(RunView.extend({ jobs: z.array(JobView) })),
  evidence: z.array(LaneCheckView),
});
export type LaneDetail = z.infer<typeof LaneDetail>;

export const WorkflowView = z.object({
  id: z.string().describe('catalog workflow id, WF-xx'),
  name: z.string(),
  file: z.string(),
  runner: z.enum(['github-hosted', 'self-hosted']),
  runnerLabels: z.array(z.string()),
  environment: z.string().describe('display "-" or "staging/prod-*"'),
  evidence: nullable(z.string()).describe('evidence pack artifact name'),
  status: WorkflowStatus,
  lastRunAt: nullable(time),
  lastRunUrl: nullable(z.string()),
  lanes: z.array(z.string()).describe('lanes it serves'),
});
export type WorkflowView = z.infer<typeof WorkflowView>;

export const WorkflowDetail = WorkflowView.extend({
  runs: z.array(
    RunView.extend({
      jobs: z.array(JobView),
      artifacts: z.array(z.object({ name: z.string(), url: nullable(z.string()) })),
    }),
  ),
});
export type WorkflowDetail = z.infer<typeof WorkflowDetail>;

export const GateView = z.object({
  id: z.string(),
  phase: z.string(),
  owner: z.string().describe('SEAT-xx'),
  state: GateState,
  release: nullable(z.string()).describe('release id it was evaluated for'),
  criteria: z.array(
    z.object({
      kind: z.enum(['lane', 'check', 'approval', 'window', 'unsanctioned']),
      name: z.string(),
      state: CheckState,
      detail: z.string().optional(),
    }),
  ),
  approvals: z.array(z.object({ by: z.string(), at: time, comment: nullable(z.string()) })),
  approvalsRequired: z.number().int(),
  window: nullable(z.string()),
  waitsUntil: nullable(time),
  blocks: z.array(z.string()),
});
export type GateView = z.infer<typeof GateView>;

export const BranchPolicyView = z.object({
  id: z.string(),
  title: z.string(),
  text: z.string(),
  event: z.string(),
  refs: z.array(z.string()),
  lanes: z.array(z.string()),
});
export type BranchPolicyView = z.infer<typeof BranchPolicyView>;

export const Overview = z.object({
  zone: ZoneView,
  generatedAt: time,
  summary: z.object({
    automated: z.number().int(),
    manual: z.number().int(),
    prod: z.number().int(),
    rollback: z.number().int(),
  }),
  alerts: z.object({ open: z.number().int() }),
  branchPolicy: z.array(BranchPolicyView),
  promotion: z.object({
    flow: z.array(z.string()),
    rollback: z.array(z.string()),
    text: nullable(z.string()),
    retain: z.array(z.string()),
  }),
  lanes: z.array(LaneView),
  workflows: z.array(WorkflowView),
  gates: z.array(GateView),
  /** Freeze windows: active now (until when) and the next (issue 15). */
  freezes: z.array(z.lazy(() => FreezeView)).optional(),
  /** Scheduled rollback drills: next due and when each turns missed (issue 15). */
  drills: z.array(DrillView).optional(),
});
export type Overview = z.infer<typeof Overview>;

/** Server-Sent Event payload (event name = topic). */
export const LiveEvent = z.object({ seq: z.number().int(), topic: z.string(), at: time, data: z.unknown() });
export type LiveEvent = z.infer<typeof LiveEvent>;

/**
 * What promote and rollback actually did: dispatched these effects, waiting for an effect or run already
 * under way, or nothing to do (with the reason). Effects are outbox keys (the `effect_id` input).
 */
export const ActionAnswer = z.object({
  did: z.enum(['dispatched', 'waiting', 'nothing']),
  effects: z.array(z.string()),
  detail: z.string(),
});
export type ActionAnswer = z.infer<typeof ActionAnswer>;

/** A release's change summary: the commits GitHub's compare API lists since the last production release. */
export const ChangeSummaryView = z.object({
  status: z
    .enum(['first_release', 'same_commit', 'pending', 'fetched', 'failed'])
    .describe('first_release: nothing reached production before; pending: the compare is in the outbox'),
  base: nullable(z.object({ releaseId: z.string(), version: z.string(), sha: z.string() })),
  totalCommits: z.number().int().describe('commits GitHub counted (the list keeps the newest 50)'),
  commits: z.array(
    z.object({
      sha: z.string(),
      author: nullable(z.string()).describe('GitHub login (or the commit author name)'),
      message: z.string().describe('first line, bounded'),
      url: nullable(z.string()),
    }),
  ),
  /** Lines the caller gave when creating the release. */
  lines: z.array(z.string()),
});
export type ChangeSummaryView = z.infer<typeof ChangeSummaryView>;

export const ReleaseView = z.object({
  id: z.string(),
  version: z.string(),
  sha: z.string(),
  state: z.string(),
  outcome: z.string(),
  includesMigrations: z.boolean(),
  manifest: z.unknown(),
  changeSummary: nullable(z.string()),
  previousReleaseId: nullable(z.string()),
  createdBy: z.string(),
  createdAt: time,
  lanes: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      status: z.string(),
      applies: z.boolean(),
      runId: nullable(z.number().int()),
      startedAt: nullable(time),
      url: nullable(z.string()),
    }),
  ),
  rollback: z.array(
    z.object({ id: z.string(), name: z.string(), status: z.string(), lastRunAt: nullable(time) }),
  ),
  gates: z.array(GateView),
  nextLanes: z.array(z.string()),
  freezes: z.array(z.object({ lane: z.string(), window: z.string(), until: time, overridden: z.boolean() })),
  /** Set on the answer to promote and rollback only. */
  answer: ActionAnswer.optional(),
  /** Freeze overrides given on this release; each ends with the window occurrence it was given in. */
  overrides: z
    .array(
      z.object({
        lane: z.string(),
        by: z.string(),
        reason: z.string(),
        at: time,
        window: nullable(z.string()),
        expiresAt: nullable(time).describe('null: it lifted no occurrence'),
      }),
    )
    .optional(),
  /** Runs GitHub failed because their deployment was rejected: not counted for the lane. */
  rejectedRuns: z.array(z.object({ lane: z.string(), runIds: z.array(z.number().int()) })).optional(),
  /** The change summary from GitHub (issue 11); absent only from views built before it existed. */
  commits: ChangeSummaryView.optional(),
  /** The next freeze occurrence of each window that holds a lane this release has still to run. */
  nextFreezes: z
    .array(
      z.object({ window: z.string(), name: z.string(), lanes: z.array(z.string()), start: time, end: time }),
    )
    .optional(),
});
export type ReleaseView = z.infer<typeof ReleaseView>;

export const AlertView = z.object({
  id: z.number().int(),
  key: z.string(),
  rule: z.string(),
  severity: z.string(),
  title: z.string(),
  detail: nullable(z.string()),
  status: z.string(),
  count: z.number().int(),
  firstAt: time,
  lastAt: time,
  ackedBy: nullable(z.string()),
  ackedAt: nullable(time),
  resolvedBy: nullable(z.string()),
  resolvedAt: nullable(time),
  laneId: nullable(z.string()).describe('the lane the alert is about, if any'),
  gateId: nullable(z.string()).describe('the gate the alert is about, if any'),
});
export type AlertView = z.infer<typeof AlertView>;

/** One source of a reconcile pass: the App's hook deliveries, or one repository's runs. */
export const ReconcileSourceResult = z.object({
  source: z.string().describe('"app-deliveries" or "runs:owner/name"'),
  checked: z.number().int().describe('deliveries or runs looked at'),
  found: z.number().int().describe('gaps: failed deliveries not in the inbox, runs/jobs missing or behind'),
  filled: z.number().int().describe('redeliveries requested, or synthetic deliveries stored'),
  error: nullable(z.string()),
  skipped: nullable(z.string()),
});
export type ReconcileSourceResult = z.infer<typeof ReconcileSourceResult>;

export const ReconcileResult = z.object({ at: time, sources: z.array(ReconcileSourceResult) });
export type ReconcileResult = z.infer<typeof ReconcileResult>;

/** A catalog Lanes accepted (from its file or from Git), newest first in lists. */
export const CatalogVersionView = z.object({
  id: z.number().int(),
  digest: z.string(),
  zone: z.string(),
  repository: z.string(),
  source: z.enum(['file', 'git']),
  path: z.string(),
  commitSha: nullable(z.string()),
  loadedAt: time,
  active: z.boolean(),
  /** A rejected version (catalog from Git) never decided anything; its errors are file:line:col. */
  status: z.enum(['accepted', 'rejected']),
  errors: z.array(z.string()),
});
export type CatalogVersionView = z.infer<typeof CatalogVersionView>;
/** A stored GitHub delivery (without its body); `ignoredReason` says why an ignored one changed nothing. */
export const DeliveryView = z.object({
  seq: z.number().int(),
  guid: z.string(),
  event: z.string(),
  action: z.string().nullable(),
  receivedAt: z.string(),
  source: z.string(),
  status: z.enum(['pending', 'processed', 'ignored', 'failed']),
  attempts: z.number().int(),
  processedAt: z.string().nullable(),
  ignoredReason: z.string().nullable().describe('reason code, e.g. missing_fields, unsupported_event'),
  error: z.string().nullable().describe('the reason in words (which field, what was wrong)'),
});
export type DeliveryView = z.infer<typeof DeliveryView>;
export const DeliveryList = z.object({ deliveries: z.array(DeliveryView) });
export type DeliveryList = z.infer<typeof DeliveryList>;

const FreezeSpan = z.object({ start: z.string(), end: z.string() });
/** A freeze window of the catalog: the occurrence active now (until its end) and the next one. */
export const FreezeView = z.object({
  windowId: z.string(),
  name: z.string(),
  lanes: z.array(z.string()),
  overrideSeats: z.array(z.string()),
  active: FreezeSpan.nullable(),
  next: FreezeSpan.nullable(),
});
export type FreezeView = z.infer<typeof FreezeView>;
export const FreezeList = z.object({ now: z.string(), freezes: z.array(FreezeView) });
export type FreezeList = z.infer<typeof FreezeList>;
export const GateStepState = z.enum(['waiting', 'allowed', 'rejected']);
export type GateStepState = z.infer<typeof GateStepState>;

/** One run attempt's request from the gate step (`lanes gate wait`) and Lanes' answer to it. */
export const GateStepView = z.object({
  repository: z.string().describe('owner/name, from the OIDC token'),
  runId: z.number().int(),
  runAttempt: z.number().int(),
  environment: z.string().describe('GitHub environment of the job, from the OIDC token ("" when none)'),
  laneId: z.string(),
  workflow: z.string().describe('.github/workflows/… file of the run'),
  workflowId: nullable(z.string()).describe('WF-xx, when the catalog names the file'),
  sha: z.string(),
  ref: z.string(),
  actor: z.string(),
  event: z.string(),
  releaseId: nullable(z.string()),
  state: GateStepState.describe('waiting until Lanes decides; allowed and rejected are final'),
  reason: z.string().describe('why: the gates passed, what it waits for, or why it was rejected'),
  waitingFor: z.array(
    z.object({
      kind: z.string().describe('gate, predecessor, hold, freeze, release'),
      id: z.string(),
      detail: z.string(),
      until: nullable(time),
    }),
  ),
  requestedAt: time,
  decidedAt: nullable(time),
});
export type GateStepView = z.infer<typeof GateStepView>;

/** One entry of a release's timeline (GET /api/v1/releases/{id}/timeline). */
export const TimelineEntry = z.object({
  at: time,
  kind: z
    .enum(['decision', 'effect', 'approval', 'run', 'alert', 'protection'])
    .describe('decision: an audit entry; effect: an outbox row; protection: a protection request or answer'),
  who: z.string().describe('person, token, "github" or "system"'),
  summary: z.string(),
  /** Ids to follow: release, gate, lane, run, alert, effect, audit. */
  links: z.record(z.string(), z.union([z.string(), z.number()])),
});
export type TimelineEntry = z.infer<typeof TimelineEntry>;

export const ReleaseTimeline = z.object({
  releaseId: z.string(),
  version: z.string(),
  entries: z.array(TimelineEntry).describe('oldest first'),
  truncated: z.boolean().describe('true when a source held more rows than the timeline reads'),
});
export type ReleaseTimeline = z.infer<typeof ReleaseTimeline>;
/** Who the dashboard (or a token) is signed in as: GET /api/v1/session. */
export const SessionView = z.object({
  via: z.enum(['session', 'token']).describe('the session cookie (Sign in with GitHub) or a Bearer token'),
  login: nullable(z.string()).describe('the GitHub login of a session; null for a token'),
  person: z.string().describe('the catalog person acting'),
  seats: z.array(z.string()),
  scopes: z.array(z.enum(['read', 'operate', 'admin'])),
  csrfToken: nullable(z.string()).describe('send as X-CSRF-Token on every state change with the cookie'),
  expiresAt: nullable(time),
  abilities: SessionAbilities.describe('what this caller may do, as the catalog’s policy decides it'),
});
export type SessionView = z.infer<typeof SessionView>;
/**
 * One outbox effect (a GitHub dispatch, protection answer, commit status or notification) and where it is:
 * pending (not tried yet), retrying (a failed attempt, another is due at nextAttemptAt), done, or dead (no
 * more automatic attempts: an admin may retry it). The key is the idempotency key, sent to workflows as the
 * `effect_id` input. The payload itself is not shown (a notification's URL is a secret); `target` says
 * where it goes and `lastError` is sanitised (no URLs' paths or queries, no tokens).
 */
export const EffectView = z.object({
  id: z.number().int(),
  kind: z.string().describe('github.dispatch, github.protection_review, github.commit_status, alert.notify'),
  key: z.string().describe('idempotency key; a dispatch carries it as its effect_id input'),
  state: z.enum(['pending', 'retrying', 'done', 'dead']),
  attempts: z.number().int(),
  lastError: nullable(z.string()),
  nextAttemptAt: nullable(time).describe('when the worker tries it next (pending and retrying only)'),
  target: z.string().describe('where it goes, e.g. owner/repo deploy.yml@v1.2.0'),
  releaseId: nullable(z.string()),
  laneId: nullable(z.string()),
  createdAt: time,
  updatedAt: time,
  doneAt: nullable(time),
  deaths: z.number().int().describe('times it went dead (a retried effect keeps its count)'),
  waitingFor: nullable(z.string())
    .optional()
    .describe('why a pending effect cannot go out yet (e.g. GitHub is not configured); no attempt is used'),
});
export type EffectView = z.infer<typeof EffectView>;
