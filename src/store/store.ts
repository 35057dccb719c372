// The Store: one interface, two implementations (SQLite by default, PostgreSQL with DATABASE_URL).
// Both share one Kysely query code, one module per aggregate under repos/ (composed in
// kysely-store.ts); only connection set-up, locking and notification differ. Writes happen inside
// store.transaction() (a few single-statement writes excepted, see StoreAutoCommit). The behavioural
// suite, test/store-<aggregate>.test.ts, runs against both.
// Times: any ISO 8601 string is accepted; the store keeps and returns them canonical
// (`new Date(t).toISOString()`, e.g. 2024-05-01T10:00:00.000Z), so compare times with Date.parse.
import type { FreezeOverride } from '../core/release-model.ts';
import type {
  DeploymentRecord,
  EvidenceRecord,
  JobRecord,
  ProtectionRequest,
  RunRecord,
} from '../core/run-model.ts';
import type { DeploymentReview } from '../core/run-model.ts';

import type { GateStepKey, GateStepOutcome, GateStepRecord } from './repos/gate-steps.ts';
export type { GateStepKey, GateStepOutcome, GateStepRecord } from './repos/gate-steps.ts';
import type { OutboxFilter, OutboxRecord } from './repos/outbox.ts';
export type { OutboxFilter, OutboxFilterState, OutboxRecord } from './repos/outbox.ts';
import type {
  CatalogVersion,
  NewCatalogVersion,
  OutboxHistoryItem,
  ReconcileProgress,
  ReleaseCompareRecord,
  SessionRecord,
} from './store-records.ts';
export type {
  CatalogVersion,
  NewCatalogVersion,
  OutboxHistoryItem,
  ReconcileProgress,
  ReleaseCommitRecord,
  ReleaseCompareRecord,
  SessionRecord,
} from './store-records.ts';

export type DeliveryStatus = 'pending' | 'processed' | 'ignored' | 'failed';

export interface NewDelivery {
  guid: string; // X-GitHub-Delivery
  event: string; // X-GitHub-Event
  action: string | null;
  receivedAt: string; // ISO
  body: string; // raw body (verified)
  source: string; // 'webhook' | 'replay' | ...
}

export interface Delivery extends NewDelivery {
  seq: number;
  status: DeliveryStatus;
  attempts: number;
  processedAt: string | null;
  error: string | null;
  /** Short reason code of an ignored delivery (e.g. missing_fields, unsupported_event); null otherwise. */
  ignoredReason?: string | null;
}

/** A delivery without its body, for lists. */
export type DeliverySummary = Omit<Delivery, 'body'>;

export interface InboxStats {
  received: number;
  pending: number;
  processed: number;
  ignored: number;
  failed: number;
  oldestPendingAt: string | null;
}

export interface RunFilter {
  workflowId?: string;
  workflowIds?: string[];
  /** glob-free exact environments; the core filters globs */
  environment?: string;
  event?: string;
  headSha?: string;
  /** 0012: workflow_dispatch runs whose title (run-name) may name this release id. */
  namesRelease?: string;
  limit?: number;
  /** runs started strictly before this ISO time (paging) */
  before?: string;
}

export interface AuditEvent {
  at: string;
  actor: string; // person id, 'token:<id>', 'github:<delivery guid>', 'system'
  action: string; // e.g. run.updated, gate.approved, gate.approval_refused
  objectType: string; // run, lane, gate, release, alert, token, delivery
  objectId: string;
  reason: string | null;
  data: unknown;
  /** The catalog version the decision was taken with (0012); absent/null when no catalog decided. */
  catalogVersion?: number | null;
}

export interface StoredAuditEvent extends AuditEvent {
  id: number;
}

export interface OutboxEffect {
  /** Idempotency key: enqueuing the same key twice is a no-op. */
  key: string;
  kind: string; // github.dispatch, github.protection_review, github.commit_status, alert.notify
  payload: unknown;
  runAt: string;
}

export interface OutboxItem extends OutboxEffect {
  id: number;
  attempts: number;
  status: 'pending' | 'done' | 'dead';
  lastError: string | null;
}

export interface TimerSpec {
  key: string; // idempotency key
  kind: string;
  payload: unknown;
  fireAt: string;
}

export interface TimerItem extends TimerSpec {
  id: number;
  status: 'pending' | 'fired' | 'cancelled';
}

/** A change record: feeds Server-Sent Events (its seq is the SSE event id) across replicas. */
export interface ChangeEvent {
  seq: number;
  at: string;
  topic: string; // run, job, lane, workflow, gate, release, alert, evidence
  data: unknown;
}

export type Upsert = 'applied' | 'stale';

export type TokenScope = 'read' | 'operate' | 'admin';

export interface TokenRecord {
  id: string; // public id, e.g. tok_ab12cd34
  personId: string; // person (catalog seat member id)
  name: string;
  hash: string; // sha256 of the secret; the secret itself is never stored
  scope: TokenScope;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
  /** A service token's name (`lanes token create --service ci-bot`); personId is then its owner. */
  service?: string | null;
}

/** What Lanes records a monitoring start for (so a rule tells "missed" from "not watched yet"). */
export type MonitoredSubject = 'drills';

export type NotifyChannel = 'changes' | 'inbox' | 'outbox';

export type ProtectionAnswer = 'approved' | 'rejected';

export interface ProtectionRequestState extends ProtectionRequest {
  answeredAt: string | null;
  answer: ProtectionAnswer | null;
  answerComment: string | null;
}

/** A release candidate moving through the promotion flow. */
export interface ReleaseRecord {
  id: string;
  repo: string | null;
  tag: string;
  version: string;
  sha: string;
  manifest: unknown; // artifacts / images
  changeSummary: string | null;
  includesMigrations: boolean;
  state: string; // engine-defined: candidate, promoting, released, failed, rolled_back, superseded ...
  currentLane: string | null;
  previousReleaseId: string | null; // rollback target
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  data: unknown;
}

/** The current decision of one gate for one release. */
export interface GateDecisionRecord {
  releaseId: string;
  gateId: string;
  state: string; // passed | pending | blocked
  detail: unknown; // criteria and their evidence
  waitsUntil: string | null;
  decidedAt: string;
}

export interface ApprovalRecord {
  releaseId: string;
  gateId: string;
  person: string;
  at: string;
  comment: string | null;
}

export interface AlertInput {
  key: string; // dedup key: one live alert per key
  rule: string;
  severity: string;
  title: string;
  at: string;
  data: unknown;
  /** The occurrence this raise is for (e.g. a run id + attempt): a live alert already at it is left as is. */
  occurrence?: string;
}

export interface AlertRecord {
  id: number;
  key: string;
  rule: string;
  severity: string;
  title: string;
  status: 'open' | 'acked' | 'resolved';
  count: number;
  firstAt: string;
  lastAt: string;
  ackedBy: string | null;
  ackedAt: string | null;
  resolvedBy: string | null;
  resolvedAt: string | null;
  data: unknown;
}

/**
 * Writes, only inside store.transaction(): state, audit, outbox, timers and changes commit together.
 * Each aggregate's part lives in src/store/repos/<aggregate>.ts.
 */
export interface StoreTx {
  // runs and jobs (repos/runs.ts)
  /** Newest state wins; a run without an environment adopts one from a stored deployment of that run. */
  upsertRun(run: RunRecord): Promise<Upsert>;
  upsertJob(job: JobRecord, repo: string): Promise<Upsert>;
  /** Sets a run's deployment environment learnt from its jobs or deployments (upsertRun keeps it). */
  setRunEnvironment(runId: number, environment: string): Promise<void>;
  /** If the run's environment is unknown, take it from a deployment of that run already stored. */
  adoptDeploymentEnvironment(runId: number): Promise<void>;
  /** Read inside the transaction (sees its own writes). */
  getRun(runId: number): Promise<RunRecord | undefined>;
  // evidence (repos/evidence.ts)
  upsertEvidence(e: EvidenceRecord): Promise<Upsert>;
  // deployments and protection requests (repos/deployments.ts)
  upsertDeployment(d: DeploymentRecord): Promise<Upsert>;
  saveProtectionRequest(r: ProtectionRequest): Promise<Upsert>;
  /** Records our answer; false when there is no such unanswered request. */
  answerProtectionRequest(
    key: { repo: string; runId: number; environment: string },
    answer: ProtectionAnswer,
    comment: string | null,
    at: string,
  ): Promise<boolean>;
  // inbox marks (repos/deliveries.ts)
  markDelivery(
    guid: string,
    status: DeliveryStatus,
    at: string,
    error?: string | null,
    ignoredReason?: string | null,
  ): Promise<void>;
  markDeliveries(
    items: {
      guid: string;
      status: DeliveryStatus;
      at: string;
      error: string | null;
      ignoredReason?: string | null;
    }[],
  ): Promise<void>;
  // audit (repos/audit.ts), change feed (repos/change-feed.ts): batched forms are one statement per batch
  appendAudit(e: AuditEvent): Promise<void>;
  appendAudits(events: AuditEvent[]): Promise<void>;
  appendChange(topic: string, data: unknown, at: string): Promise<number>;
  appendChanges(items: { topic: string; data: unknown; at: string }[]): Promise<void>;
  /** A processing chunk's audit, changes and marks (repos/applied-batch.ts; one statement on PostgreSQL). */
  appendApplied(b: {
    audits: AuditEvent[];
    changes: { topic: string; data: unknown; at: string }[];
    marks: {
      guid: string;
      status: DeliveryStatus;
      at: string;
      error: string | null;
      ignoredReason?: string | null;
    }[];
  }): Promise<void>;
  // outbox and timers (repos/outbox.ts, repos/timers.ts)
  enqueue(effect: OutboxEffect): Promise<'enqueued' | 'duplicate'>;
  /** The outbox worker gives up on an effect (its alert commits with it). */
  markOutboxDead(id: number, error: string, at: string): Promise<void>;
  /** An admin re-sends a dead effect: pending again, attempts reset, same key; false unless it was dead. */
  retryOutbox(id: number, at: string): Promise<boolean>;
  schedule(timer: TimerSpec): Promise<'scheduled' | 'duplicate'>;
  // releases (repos/releases.ts)
  createRelease(r: ReleaseRecord): Promise<'created' | 'duplicate'>;
  updateRelease(
    id: string,
    patch: { state?: string; currentLane?: string | null; data?: unknown; updatedAt: string },
  ): Promise<boolean>;
  /** Appends one freeze override granted for the release. */
  addReleaseOverride(releaseId: string, override: FreezeOverride): Promise<void>;
  /** Records when lanes first went green for the release; a lane already recorded keeps its time. */
  recordReleaseGreenAt(releaseId: string, greenAt: Record<string, string>): Promise<void>;
  // gates (repos/gates.ts)
  saveGateDecision(g: GateDecisionRecord): Promise<void>;
  /** One approval per person per release and gate. */
  addApproval(a: ApprovalRecord): Promise<'added' | 'duplicate'>;
  // alerts (repos/alerts.ts)
  /** Creates the live alert for this key, or bumps its count and last_at. */
  /** repeated: false when the live alert was already at this occurrence (nothing written). */
  raiseAlert(a: AlertInput): Promise<{ alert: AlertRecord; created: boolean; repeated: boolean }>;
  /** undefined when not open. */
  ackAlert(id: number, by: string, at: string): Promise<AlertRecord | undefined>;
  /** undefined when already resolved or missing. */
  resolveAlert(id: number, by: string, at: string): Promise<AlertRecord | undefined>;
  // tokens (repos/tokens.ts)
  createToken(t: TokenRecord): Promise<void>;
  revokeToken(id: string, at: string): Promise<boolean>;
  touchToken(id: string, at: string): Promise<void>;
  // engine state (repos/engine-state.ts)
  /** Records `at` as when monitoring `subject` began unless one is stored; returns the stored time. */
  ensureMonitoredSince(subject: MonitoredSubject, at: string): Promise<string>;
  // gate-step requests (repos/gate-steps.ts)
  insertGateStep(g: GateStepRecord): Promise<'inserted' | 'exists'>;
  decideGateStepRow(k: GateStepKey, o: GateStepOutcome, decidedAt: string | null): Promise<boolean>;
  getGateStep(k: GateStepKey): Promise<GateStepRecord | undefined>;
  // catalog versions from Git (repos/catalog-versions.ts, 0012)
  /** Records v unless the newest accepted version has the same digest. */
  addCatalogVersion(v: NewCatalogVersion): Promise<{ version: CatalogVersion; created: boolean }>;
  /** Records a rejected version with its errors, once per commit and text. */
  addRejectedCatalogVersion(
    v: NewCatalogVersion,
    errors: string[],
  ): Promise<{ version: CatalogVersion; created: boolean }>;
  // a release's change summary (repos/release-commits.ts): written once; a second save is 'exists'
  saveReleaseCompare(c: ReleaseCompareRecord): Promise<'saved' | 'exists'>;
  // reviewers' answers to deployments (repos/deployment-reviews.ts): the first answer stands
  saveDeploymentReview(r: DeploymentReview): Promise<Upsert>;
  // runs and jobs of a whole chunk (repos/runs-batch.ts): a locking read and one multi-row upsert each
  /** Each outcome as upsertRun would give it, the runs applied in order (a later newer state wins). */
  upsertRuns(runs: RunRecord[]): Promise<Upsert[]>;
  /** Each outcome as upsertJob would give it, the jobs applied in order. */
  upsertJobs(jobs: { job: JobRecord; repo: string }[]): Promise<Upsert[]>;
  /** Runs by id, read inside the transaction; absent ids are left out. */
  getRuns(runIds: number[]): Promise<RunRecord[]>;
}

/** Reads, on the pool (PostgreSQL) or the one connection (SQLite). */
export interface StoreReads {
  getRun(runId: number): Promise<RunRecord | undefined>;
  listRuns(filter: RunFilter): Promise<RunRecord[]>;
  listJobs(runIds: number[]): Promise<JobRecord[]>;
  listEvidence(filter: {
    shas?: string[];
    runIds?: number[];
    laneId?: string;
    limit?: number;
  }): Promise<EvidenceRecord[]>;
  listProtectionRequests(filter: {
    pendingOnly?: boolean;
    runId?: number;
  }): Promise<ProtectionRequestState[]>;
  listAudit(filter: {
    limit?: number;
    before?: number;
    objectType?: string;
    objectId?: string;
  }): Promise<StoredAuditEvent[]>;
  changesSince(seq: number, limit: number): Promise<ChangeEvent[]>;
  latestChangeSeq(): Promise<number>;
  findTokenByHash(hash: string): Promise<TokenRecord | undefined>;
  listTokens(personId?: string): Promise<TokenRecord[]>;
  getRelease(id: string): Promise<ReleaseRecord | undefined>;
  listReleases(filter: {
    state?: string;
    tag?: string;
    limit?: number;
    before?: string;
  }): Promise<ReleaseRecord[]>;
  listReleaseOverrides(releaseId: string): Promise<FreezeOverride[]>;
  /** Lane id → when it first went green for this release. */
  getReleaseGreenAt(releaseId: string): Promise<Record<string, string>>;
  listGateDecisions(filter: { releaseId?: string; gateId?: string }): Promise<GateDecisionRecord[]>;
  listApprovals(filter: { releaseId?: string; gateId?: string }): Promise<ApprovalRecord[]>;
  getAlert(id: number): Promise<AlertRecord | undefined>;
  listAlerts(filter: {
    status?: AlertRecord['status'] | 'live';
    key?: string;
    limit?: number;
  }): Promise<AlertRecord[]>;
  /** Open or acked (not resolved): the header's "Alerts N". */
  countOpenAlerts(): Promise<number>;
  // gate-step requests (repos/gate-steps.ts)
  getGateStep(k: GateStepKey): Promise<GateStepRecord | undefined>;
  listGateSteps(filter: { runId?: number; limit?: number }): Promise<GateStepRecord[]>;
  // a release's change summary and the outbox rows of its time (repos/release-commits.ts)
  getReleaseCompare(releaseId: string): Promise<ReleaseCompareRecord | undefined>;
  /** Outbox rows created at or after `since`, oldest first, with when they were created and done. */
  listOutboxSince(filter: { since: string; limit: number }): Promise<OutboxHistoryItem[]>;
  // reviewers' answers to deployments (repos/deployment-reviews.ts), oldest first
  listDeploymentReviews(filter: { runId: number }): Promise<DeploymentReview[]>;
  // engine state (repos/engine-state.ts): when monitoring began, null before it did
  getMonitoredSince(subject: MonitoredSubject): Promise<string | null>;
}

/** Queue operations that run their own short transaction (claims lease rows; SKIP LOCKED on PostgreSQL). */
export interface StoreQueues {
  /** One transaction for the batch. A GUID already stored (or earlier in the batch) is 'duplicate'. */
  insertDeliveries(ds: NewDelivery[]): Promise<('inserted' | 'duplicate')[]>;
  claimDeliveries(opts: { limit: number; leaseMs: number; now: string; worker: string }): Promise<Delivery[]>;
  /** Whether a delivery with this GUID was ever stored. */
  hasDelivery(guid: string): Promise<boolean>;
  inboxStats(): Promise<InboxStats>;
  listDeliveries(filter: {
    status?: DeliveryStatus;
    before?: number;
    limit?: number;
  }): Promise<DeliverySummary[]>;
  ignoredDeliveryCounts(): Promise<{ reason: string | null; count: number }[]>;
  claimOutbox(opts: { limit: number; now: string; leaseMs: number }): Promise<OutboxItem[]>;
  completeOutbox(id: number, at: string): Promise<void>;
  failOutbox(id: number, error: string, retryAt: string | null): Promise<void>;
  listOutbox(filter: OutboxFilter): Promise<OutboxRecord[]>;
  getOutbox(id: number): Promise<OutboxRecord | undefined>;
  outboxStats(): Promise<{ byStatus: Record<string, number>; deaths: number }>;
  claimDueTimers(opts: { limit: number; now: string }): Promise<TimerItem[]>;
  listTimers(filter: { status?: TimerItem['status']; kind?: string; limit?: number }): Promise<TimerItem[]>;
  /** Back to pending at runAt with the claim's attempt given back (never below 0); note kept as lastError. */
  deferOutbox(id: number, note: string, runAt: string): Promise<void>;
}

/** Connecting to a real organisation (0005): catalog versions, sessions, reconcile progress. */
export interface StoreConnect {
  /** Records v unless the newest version has the same digest; one transaction. */
  recordCatalogVersion(v: NewCatalogVersion): Promise<{ version: CatalogVersion; created: boolean }>;
  /** Newest first. */
  listCatalogVersions(limit?: number): Promise<CatalogVersion[]>;
  firstCatalogVersion(): Promise<CatalogVersion | undefined>;
  /** The newest accepted version (0012). */
  latestAcceptedCatalogVersion(): Promise<CatalogVersion | undefined>;
  /** The newest version (accepted or rejected) read from this commit (0012). */
  catalogVersionOfCommit(sha: string): Promise<CatalogVersion | undefined>;
  createSession(s: SessionRecord): Promise<void>;
  findSession(idHash: string, now: string): Promise<SessionRecord | undefined>;
  revokeSession(idHash: string, at: string): Promise<void>;
  /** Deletes at most `limit` expired or revoked sessions; how many it deleted. */
  sweepSessions(now: string, limit: number): Promise<number>;
  recordReconcilePass(
    source: string,
    pass: { checkedUntil: string; found: number; filled: number; at: string },
  ): Promise<void>;
  listReconcileProgress(): Promise<ReconcileProgress[]>;
}

/** The writes callers make on their own (each one statement, committed at once). */
export type StoreAutoCommit = Pick<StoreTx, 'createToken' | 'revokeToken' | 'touchToken'>;

export interface Store extends StoreReads, StoreQueues, StoreAutoCommit, StoreConnect {
  readonly dialect: 'sqlite' | 'postgres';
  migrate(): Promise<void>;
  close(): Promise<void>;
  /** Throws when the database cannot be reached. */
  ping(): Promise<void>;
  /** Throws when the store cannot write now (locked, disk full, read-only); writes nothing. */
  probeWrite(): Promise<void>;
  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;
  /** Cross-replica wake-ups (PostgreSQL LISTEN/NOTIFY; in-process on SQLite). */
  onNotify(channel: NotifyChannel, fn: () => void): () => void;
  notify(channel: NotifyChannel): Promise<void>;
  /** Statements sent to the database since the store opened (round trips; lanes_store_queries_total). */
  queryCount(): number;
}
