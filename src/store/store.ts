// The Store: one interface, two implementations (SQLite by default, PostgreSQL with DATABASE_URL).
// Both share one Kysely query code (kysely-store.ts); only connection set-up, locking and
// notification differ. The behavioural suite in test/store.test.ts runs against both.
import type {
  DeploymentRecord,
  EvidenceRecord,
  JobRecord,
  ProtectionRequest,
  RefRecord,
  RunRecord,
} from '../core/run-model.ts';

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
}

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

/** Writes done inside one transaction: state, audit, outbox and timers commit together. */
export interface StoreTx {
  upsertRun(run: RunRecord): Promise<Upsert>;
  upsertJob(job: JobRecord, repo: string): Promise<Upsert>;
  upsertEvidence(e: EvidenceRecord): Promise<Upsert>;
  upsertRef(ref: RefRecord): Promise<Upsert>;
  upsertDeployment(d: DeploymentRecord): Promise<Upsert>;
  saveProtectionRequest(r: ProtectionRequest): Promise<Upsert>;
  markDelivery(guid: string, status: DeliveryStatus, at: string, error?: string | null): Promise<void>;
  appendAudit(e: AuditEvent): Promise<void>;
  enqueue(effect: OutboxEffect): Promise<'enqueued' | 'duplicate'>;
  schedule(timer: TimerSpec): Promise<'scheduled' | 'duplicate'>;
  cancelTimer(key: string): Promise<void>;
  appendChange(topic: string, data: unknown, at: string): Promise<number>;
  /** Read inside the transaction (sees its own writes). */
  getRun(runId: number): Promise<RunRecord | undefined>;
}

export interface Store extends Omit<StoreTx, 'getRun'> {
  readonly dialect: 'sqlite' | 'postgres';
  migrate(): Promise<void>;
  close(): Promise<void>;
  /** Throws when the database cannot be reached. */
  ping(): Promise<void>;
  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;

  // Inbox
  insertDeliveries(ds: NewDelivery[]): Promise<('inserted' | 'duplicate')[]>;
  claimDeliveries(opts: { limit: number; leaseMs: number; now: string; worker: string }): Promise<Delivery[]>;
  getDelivery(guid: string): Promise<Delivery | undefined>;
  inboxStats(): Promise<InboxStats>;

  // Reads
  getRun(runId: number): Promise<RunRecord | undefined>;
  listRuns(filter: RunFilter): Promise<RunRecord[]>;
  listJobs(runIds: number[]): Promise<JobRecord[]>;
  listEvidence(filter: { shas?: string[]; runIds?: number[]; laneId?: string; limit?: number }): Promise<EvidenceRecord[]>;
  listDeployments(filter: { runId?: number; sha?: string; environment?: string }): Promise<DeploymentRecord[]>;
  listProtectionRequests(filter: { pendingOnly?: boolean }): Promise<(ProtectionRequest & { answeredAt: string | null })[]>;
  listAudit(filter: { limit?: number; before?: number; objectType?: string; objectId?: string }): Promise<StoredAuditEvent[]>;
  changesSince(seq: number, limit: number): Promise<ChangeEvent[]>;
  latestChangeSeq(): Promise<number>;

  // Outbox and timers (claimed with row locks / SKIP LOCKED on PostgreSQL; leases on SQLite)
  claimOutbox(opts: { limit: number; now: string; leaseMs: number }): Promise<OutboxItem[]>;
  completeOutbox(id: number, at: string): Promise<void>;
  failOutbox(id: number, error: string, retryAt: string | null): Promise<void>;
  listOutbox(filter: { status?: OutboxItem['status']; kind?: string }): Promise<OutboxItem[]>;
  claimDueTimers(opts: { limit: number; now: string }): Promise<TimerItem[]>;
  listTimers(filter: { status?: TimerItem['status'] }): Promise<TimerItem[]>;

  /** Cross-replica wake-ups (PostgreSQL LISTEN/NOTIFY; in-process on SQLite). */
  onNotify(channel: 'changes' | 'inbox' | 'outbox', fn: () => void): () => void;
  notify(channel: 'changes' | 'inbox' | 'outbox'): Promise<void>;
}
