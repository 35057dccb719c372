// The one Store implementation, on Kysely, shared by SQLite and PostgreSQL. The dialect classes
// (sqlite-store.ts, postgres-store.ts) add connection set-up, transactions, migration locking and
// notifications. Differences in SQL are confined to `this.pg` branches: row locks (FOR UPDATE,
// SKIP LOCKED) and the change-sequence lock.
//
// Conventions: every timestamp is stored canonical (see iso()); read-compare-write upserts run in a
// transaction with the current row locked (PostgreSQL) or under BEGIN IMMEDIATE (SQLite).
import { sql, type Kysely, type Selectable } from 'kysely';
import {
  isNewerJobState,
  isNewerRunState,
  type DeploymentRecord,
  type EvidenceRecord,
  type GhConclusion,
  type GhRunStatus,
  type JobRecord,
  type ProtectionRequest,
  type RefRecord,
  type RunRecord,
} from '../core/run-model.ts';
import type { Database } from './db-schema.ts';
import type {
  AlertInput,
  AlertRecord,
  ApprovalRecord,
  ArtifactRecord,
  AuditEvent,
  ChangeEvent,
  Delivery,
  DeliveryStatus,
  GateDecisionRecord,
  InboxStats,
  NewDelivery,
  NotifyChannel,
  OutboxEffect,
  OutboxItem,
  PersonRecord,
  ProtectionAnswer,
  ReleaseLaneRecord,
  ReleaseRecord,
  RunFilter,
  Store,
  StoreTx,
  StoredAuditEvent,
  TimerItem,
  TimerSpec,
  TokenRecord,
  Upsert,
} from './store.ts';

export type Db = Kysely<Database>;
export type StoreDialect = 'sqlite' | 'postgres';

/** Advisory lock key serialising change appends on PostgreSQL, so seq order is commit order. */
const CHANGES_LOCK_KEY = 7_316_001;
/** Rows per multi-row INSERT (well under both dialects' parameter limits). */
const INSERT_CHUNK = 500;

// ---------------------------------------------------------------------------------------------
// Conversions

/** Canonical ISO 8601 UTC (ms precision, `Z`): text order is time order. Throws on an invalid time. */
export function iso(t: string): string {
  const ms = Date.parse(t);
  if (Number.isNaN(ms)) throw new Error(`invalid timestamp: ${JSON.stringify(t)}`);
  return new Date(ms).toISOString();
}
function isoOrNull(t: string | null | undefined): string | null {
  return t === null || t === undefined ? null : iso(t);
}
function addMs(t: string, ms: number): string {
  return new Date(Date.parse(t) + ms).toISOString();
}
/** pg returns BIGINT as number via the pool's type parser; this also accepts strings and bigints. */
function num(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint' || typeof v === 'string') return Number(v);
  throw new Error(`expected a number, got ${typeof v}`);
}
function numOrNull(v: unknown): number | null {
  return v === null || v === undefined ? null : num(v);
}
function toJson(v: unknown): string {
  return JSON.stringify(v ?? null);
}
function fromJson(s: string | null): unknown {
  if (s === null || s === '') return null;
  return JSON.parse(s) as unknown;
}
function chunks<T>(xs: readonly T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

type Row<T extends keyof Database> = Selectable<Database[T]>;

function runToRow(r: RunRecord): Row<'runs'> {
  return {
    run_id: r.runId,
    run_attempt: r.runAttempt,
    repo: r.repo,
    workflow_path: r.workflowPath,
    workflow_name: r.workflowName,
    workflow_id: r.workflowId,
    run_number: r.runNumber,
    event: r.event,
    head_branch: r.headBranch,
    head_sha: r.headSha,
    status: r.status,
    conclusion: r.conclusion,
    environment: r.environment,
    html_url: r.htmlUrl,
    run_started_at: iso(r.runStartedAt),
    updated_at: iso(r.updatedAt),
    actor: r.actor,
  };
}
function rowToRun(r: Row<'runs'>): RunRecord {
  return {
    runId: num(r.run_id),
    runAttempt: num(r.run_attempt),
    repo: r.repo,
    workflowPath: r.workflow_path,
    workflowName: r.workflow_name,
    workflowId: r.workflow_id,
    runNumber: num(r.run_number),
    event: r.event,
    headBranch: r.head_branch,
    headSha: r.head_sha,
    status: r.status as GhRunStatus,
    conclusion: r.conclusion as GhConclusion | null,
    environment: r.environment,
    htmlUrl: r.html_url,
    runStartedAt: r.run_started_at,
    updatedAt: r.updated_at,
    actor: r.actor,
  };
}
function jobToRow(j: JobRecord, repo: string): Row<'jobs'> {
  return {
    job_id: j.jobId,
    run_id: j.runId,
    run_attempt: j.runAttempt,
    repo,
    name: j.name,
    status: j.status,
    conclusion: j.conclusion,
    started_at: isoOrNull(j.startedAt),
    completed_at: isoOrNull(j.completedAt),
    html_url: j.htmlUrl,
    labels: toJson(j.labels),
    runner_name: j.runnerName,
    updated_at: iso(j.updatedAt),
  };
}
function rowToJob(r: Row<'jobs'>): JobRecord {
  return {
    jobId: num(r.job_id),
    runId: num(r.run_id),
    runAttempt: num(r.run_attempt),
    name: r.name,
    status: r.status as GhRunStatus,
    conclusion: r.conclusion as GhConclusion | null,
    startedAt: r.started_at,
    completedAt: r.completed_at,
    htmlUrl: r.html_url,
    labels: (fromJson(r.labels) as string[] | null) ?? [],
    runnerName: r.runner_name,
    updatedAt: r.updated_at,
  };
}
function evidenceToRow(e: EvidenceRecord): Row<'evidence'> {
  return {
    key: e.key,
    check_name: e.check,
    outcome: e.outcome,
    sha: e.sha,
    run_id: e.runId,
    lane_id: e.laneId,
    source: e.source,
    url: e.url,
    details: e.details,
    recorded_at: iso(e.recordedAt),
    reported_by: e.reportedBy,
  };
}
function rowToEvidence(r: Row<'evidence'>): EvidenceRecord {
  return {
    key: r.key,
    check: r.check_name,
    outcome: r.outcome as EvidenceRecord['outcome'],
    sha: r.sha,
    runId: numOrNull(r.run_id),
    laneId: r.lane_id,
    source: r.source as EvidenceRecord['source'],
    url: r.url,
    details: r.details,
    recordedAt: r.recorded_at,
    reportedBy: r.reported_by,
  };
}
function rowToDeployment(r: Row<'deployments'>): DeploymentRecord {
  return {
    deploymentId: num(r.deployment_id),
    repo: r.repo,
    environment: r.environment,
    sha: r.sha,
    ref: r.ref,
    runId: numOrNull(r.run_id),
    state: r.state,
    updatedAt: r.updated_at,
  };
}
function rowToProtection(r: Row<'protection_requests'>): ProtectionRequest & {
  answeredAt: string | null;
  answer: ProtectionAnswer | null;
  answerComment: string | null;
} {
  return {
    repo: r.repo,
    runId: num(r.run_id),
    environment: r.environment,
    sha: r.sha,
    ref: r.ref,
    deploymentId: numOrNull(r.deployment_id),
    reviewPath: r.review_path,
    installationId: numOrNull(r.installation_id),
    requestedAt: r.requested_at,
    answeredAt: r.answered_at,
    answer: r.answer as ProtectionAnswer | null,
    answerComment: r.answer_comment,
  };
}
function rowToDelivery(r: Row<'deliveries'>): Delivery {
  return {
    seq: num(r.seq),
    guid: r.guid,
    event: r.event,
    action: r.action,
    receivedAt: r.received_at,
    body: r.body,
    source: r.source,
    status: r.status as DeliveryStatus,
    attempts: num(r.attempts),
    processedAt: r.processed_at,
    error: r.error,
  };
}
function rowToAudit(r: Row<'audit'>): StoredAuditEvent {
  return {
    id: num(r.id),
    at: r.at,
    actor: r.actor,
    action: r.action,
    objectType: r.object_type,
    objectId: r.object_id,
    reason: r.reason,
    data: fromJson(r.data),
  };
}
function rowToOutbox(r: Row<'outbox'>): OutboxItem {
  return {
    id: num(r.id),
    key: r.key,
    kind: r.kind,
    payload: fromJson(r.payload),
    runAt: r.run_at,
    attempts: num(r.attempts),
    status: r.status as OutboxItem['status'],
    lastError: r.last_error,
  };
}
function rowToTimer(r: Row<'timers'>): TimerItem {
  return {
    id: num(r.id),
    key: r.key,
    kind: r.kind,
    payload: fromJson(r.payload),
    fireAt: r.fire_at,
    status: r.status as TimerItem['status'],
  };
}
function rowToRelease(r: Row<'releases'>): ReleaseRecord {
  return {
    id: r.id,
    repo: r.repo,
    tag: r.tag,
    version: r.version,
    sha: r.sha,
    manifest: fromJson(r.manifest),
    changeSummary: r.change_summary,
    includesMigrations: num(r.includes_migrations) !== 0,
    state: r.state,
    currentLane: r.current_lane,
    previousReleaseId: r.previous_release_id,
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    data: fromJson(r.data),
  };
}
function rowToAlert(r: Row<'alerts'>): AlertRecord {
  return {
    id: num(r.id),
    key: r.key,
    rule: r.rule,
    severity: r.severity,
    title: r.title,
    status: r.status as AlertRecord['status'],
    count: num(r.count),
    firstAt: r.first_at,
    lastAt: r.last_at,
    ackedBy: r.acked_by,
    ackedAt: r.acked_at,
    resolvedBy: r.resolved_by,
    resolvedAt: r.resolved_at,
    data: fromJson(r.data),
  };
}
function rowToToken(r: Row<'tokens'>): TokenRecord {
  return {
    id: r.id,
    personId: r.person_id,
    name: r.name,
    hash: r.hash,
    scope: r.scope as TokenRecord['scope'],
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    revokedAt: r.revoked_at,
    lastUsedAt: r.last_used_at,
  };
}

// ---------------------------------------------------------------------------------------------
// Writes bound to one transaction

/** Read the current row (locked on PostgreSQL); insert when absent, else update when newer. */
async function compareAndSet<Cur>(op: {
  read: () => Promise<Cur | undefined>;
  insert: () => Promise<boolean>; // false when a concurrent insert won (ON CONFLICT DO NOTHING)
  isNewer: (cur: Cur) => boolean;
  update: (cur: Cur) => Promise<void>;
}): Promise<Upsert> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const cur = await op.read();
    if (cur === undefined) {
      if (await op.insert()) return 'applied';
      continue; // lost an insert race: compare against the winner
    }
    if (!op.isNewer(cur)) return 'stale';
    await op.update(cur);
    return 'applied';
  }
  throw new Error('compareAndSet: row vanished during upsert');
}

export class KyselyTx implements StoreTx {
  /** The change-feed lock is taken once per transaction (PostgreSQL), held until commit. */
  private changesLocked = false;

  constructor(
    readonly db: Db,
    readonly dialect: StoreDialect,
  ) {}

  private async lockChanges(): Promise<void> {
    if (!this.pg || this.changesLocked) return;
    await sql`select pg_advisory_xact_lock(${CHANGES_LOCK_KEY})`.execute(this.db);
    this.changesLocked = true;
  }

  async appendAudits(events: AuditEvent[]): Promise<void> {
    for (const part of chunks(events, INSERT_CHUNK)) {
      if (part.length === 0) continue;
      await this.db
        .insertInto('audit')
        .values(
          part.map((e) => ({
            at: iso(e.at),
            actor: e.actor,
            action: e.action,
            object_type: e.objectType,
            object_id: e.objectId,
            reason: e.reason,
            data: toJson(e.data),
          })),
        )
        .execute();
    }
  }

  async appendChanges(items: { topic: string; data: unknown; at: string }[]): Promise<void> {
    if (items.length === 0) return;
    await this.lockChanges();
    for (const part of chunks(items, INSERT_CHUNK)) {
      await this.db
        .insertInto('changes')
        .values(part.map((c) => ({ at: iso(c.at), topic: c.topic, data: toJson(c.data) })))
        .execute();
    }
  }

  async markDeliveries(items: { guid: string; status: DeliveryStatus; at: string; error: string | null }[]): Promise<void> {
    const plain = items.filter((i) => i.error === null);
    const byKey = new Map<string, string[]>();
    for (const i of plain) {
      const k = `${i.status}|${iso(i.at)}`;
      byKey.set(k, [...(byKey.get(k) ?? []), i.guid]);
    }
    for (const [k, guids] of byKey) {
      const [status, at] = k.split('|') as [DeliveryStatus, string];
      for (const part of chunks(guids, INSERT_CHUNK)) {
        await this.db.updateTable('deliveries').set({ status, processed_at: at, error: null, lease_until: null }).where('guid', 'in', part).execute();
      }
    }
    for (const i of items.filter((x) => x.error !== null)) await this.markDelivery(i.guid, i.status, i.at, i.error);
  }

  private get pg(): boolean {
    return this.dialect === 'postgres';
  }

  upsertRun(run: RunRecord): Promise<Upsert> {
    const row = runToRow(run);
    return compareAndSet({
      read: () =>
        this.db
          .selectFrom('runs')
          .selectAll()
          .where('run_id', '=', run.runId)
          .$if(this.pg, (q) => q.forUpdate())
          .executeTakeFirst(),
      insert: async () =>
        (await this.db
          .insertInto('runs')
          .values(row)
          .onConflict((oc) => oc.column('run_id').doNothing())
          .returning('run_id')
          .executeTakeFirst()) !== undefined,
      isNewer: (cur) => isNewerRunState(run, rowToRun(cur)),
      update: async (cur) => {
        // Facts learnt from other sources (jobs, deployments, the catalog) survive an update that lacks them.
        await this.db
          .updateTable('runs')
          .set({
            ...row,
            environment: row.environment ?? cur.environment,
            workflow_id: row.workflow_id ?? cur.workflow_id,
            actor: row.actor ?? cur.actor,
          })
          .where('run_id', '=', run.runId)
          .execute();
      },
    });
  }

  async setRunEnvironment(runId: number, environment: string): Promise<void> {
    await this.db.updateTable('runs').set({ environment }).where('run_id', '=', runId).execute();
  }

  /** A run whose environment is unknown takes it from a deployment that arrived before it (one statement). */
  async adoptDeploymentEnvironment(runId: number): Promise<void> {
    await this.db
      .updateTable('runs')
      .set((eb) => ({
        environment: eb
          .selectFrom('deployments')
          .select('environment')
          .where('run_id', '=', runId)
          .orderBy('updated_at', 'desc')
          .limit(1),
      }))
      .where('run_id', '=', runId)
      .where('environment', 'is', null)
      .where((eb) => eb.exists(eb.selectFrom('deployments').select('run_id').where('run_id', '=', runId)))
      .execute();
  }

  upsertJob(job: JobRecord, repo: string): Promise<Upsert> {
    const row = jobToRow(job, repo);
    return compareAndSet({
      read: () =>
        this.db
          .selectFrom('jobs')
          .selectAll()
          .where('job_id', '=', job.jobId)
          .$if(this.pg, (q) => q.forUpdate())
          .executeTakeFirst(),
      insert: async () =>
        (await this.db
          .insertInto('jobs')
          .values(row)
          .onConflict((oc) => oc.column('job_id').doNothing())
          .returning('job_id')
          .executeTakeFirst()) !== undefined,
      isNewer: (cur) => isNewerJobState(job, rowToJob(cur)),
      update: async () => {
        await this.db.updateTable('jobs').set(row).where('job_id', '=', job.jobId).execute();
      },
    });
  }

  upsertEvidence(e: EvidenceRecord): Promise<Upsert> {
    const row = evidenceToRow(e);
    return compareAndSet({
      read: () =>
        this.db
          .selectFrom('evidence')
          .selectAll()
          .where('key', '=', e.key)
          .$if(this.pg, (q) => q.forUpdate())
          .executeTakeFirst(),
      insert: async () =>
        (await this.db
          .insertInto('evidence')
          .values(row)
          .onConflict((oc) => oc.column('key').doNothing())
          .returning('key')
          .executeTakeFirst()) !== undefined,
      isNewer: (cur) => row.recorded_at > cur.recorded_at,
      update: async () => {
        await this.db.updateTable('evidence').set(row).where('key', '=', e.key).execute();
      },
    });
  }

  upsertRef(ref: RefRecord): Promise<Upsert> {
    const row: Row<'refs'> = { repo: ref.repo, ref: ref.ref, sha: ref.sha, updated_at: iso(ref.updatedAt) };
    return compareAndSet({
      read: () =>
        this.db
          .selectFrom('refs')
          .selectAll()
          .where('repo', '=', ref.repo)
          .where('ref', '=', ref.ref)
          .$if(this.pg, (q) => q.forUpdate())
          .executeTakeFirst(),
      insert: async () =>
        (await this.db
          .insertInto('refs')
          .values(row)
          .onConflict((oc) => oc.columns(['repo', 'ref']).doNothing())
          .returning('ref')
          .executeTakeFirst()) !== undefined,
      isNewer: (cur) => row.updated_at > cur.updated_at,
      update: async () => {
        await this.db
          .updateTable('refs')
          .set({ sha: row.sha, updated_at: row.updated_at })
          .where('repo', '=', ref.repo)
          .where('ref', '=', ref.ref)
          .execute();
      },
    });
  }

  upsertDeployment(d: DeploymentRecord): Promise<Upsert> {
    const row: Row<'deployments'> = {
      deployment_id: d.deploymentId,
      repo: d.repo,
      environment: d.environment,
      sha: d.sha,
      ref: d.ref,
      run_id: d.runId,
      state: d.state,
      updated_at: iso(d.updatedAt),
    };
    return compareAndSet({
      read: () =>
        this.db
          .selectFrom('deployments')
          .selectAll()
          .where('deployment_id', '=', d.deploymentId)
          .$if(this.pg, (q) => q.forUpdate())
          .executeTakeFirst(),
      insert: async () =>
        (await this.db
          .insertInto('deployments')
          .values(row)
          .onConflict((oc) => oc.column('deployment_id').doNothing())
          .returning('deployment_id')
          .executeTakeFirst()) !== undefined,
      isNewer: (cur) => row.updated_at > cur.updated_at,
      update: async (cur) => {
        await this.db
          .updateTable('deployments')
          .set({ ...row, run_id: row.run_id ?? cur.run_id })
          .where('deployment_id', '=', d.deploymentId)
          .execute();
      },
    });
  }

  /** New request → applied. The same request again → stale. A newer request (re-run) replaces it, unanswered. */
  saveProtectionRequest(r: ProtectionRequest): Promise<Upsert> {
    const row = {
      repo: r.repo,
      run_id: r.runId,
      environment: r.environment,
      sha: r.sha,
      ref: r.ref,
      deployment_id: r.deploymentId,
      review_path: r.reviewPath,
      installation_id: r.installationId,
      requested_at: iso(r.requestedAt),
    };
    return compareAndSet({
      read: () =>
        this.db
          .selectFrom('protection_requests')
          .selectAll()
          .where('repo', '=', r.repo)
          .where('run_id', '=', r.runId)
          .where('environment', '=', r.environment)
          .$if(this.pg, (q) => q.forUpdate())
          .executeTakeFirst(),
      insert: async () =>
        (await this.db
          .insertInto('protection_requests')
          .values(row)
          .onConflict((oc) => oc.columns(['repo', 'run_id', 'environment']).doNothing())
          .returning('id')
          .executeTakeFirst()) !== undefined,
      isNewer: (cur) => row.requested_at > cur.requested_at,
      update: async (cur) => {
        await this.db
          .updateTable('protection_requests')
          .set({ ...row, answered_at: null, answer: null, answer_comment: null })
          .where('id', '=', cur.id)
          .execute();
      },
    });
  }

  async answerProtectionRequest(
    key: { repo: string; runId: number; environment: string },
    answer: ProtectionAnswer,
    comment: string | null,
    at: string,
  ): Promise<boolean> {
    const res = await this.db
      .updateTable('protection_requests')
      .set({ answer, answer_comment: comment, answered_at: iso(at) })
      .where('repo', '=', key.repo)
      .where('run_id', '=', key.runId)
      .where('environment', '=', key.environment)
      .where('answered_at', 'is', null)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
  }

  async markDelivery(guid: string, status: DeliveryStatus, at: string, error?: string | null): Promise<void> {
    await this.db
      .updateTable('deliveries')
      .set({ status, processed_at: iso(at), error: error ?? null, lease_until: null })
      .where('guid', '=', guid)
      .execute();
  }

  async appendAudit(e: AuditEvent): Promise<void> {
    await this.db
      .insertInto('audit')
      .values({
        at: iso(e.at),
        actor: e.actor,
        action: e.action,
        object_type: e.objectType,
        object_id: e.objectId,
        reason: e.reason,
        data: toJson(e.data),
      })
      .execute();
  }

  async enqueue(effect: OutboxEffect): Promise<'enqueued' | 'duplicate'> {
    const runAt = iso(effect.runAt);
    const row = await this.db
      .insertInto('outbox')
      .values({
        key: effect.key,
        kind: effect.kind,
        payload: toJson(effect.payload),
        status: 'pending',
        run_at: runAt,
        created_at: runAt,
      })
      .onConflict((oc) => oc.column('key').doNothing())
      .returning('id')
      .executeTakeFirst();
    return row === undefined ? 'duplicate' : 'enqueued';
  }

  async schedule(timer: TimerSpec): Promise<'scheduled' | 'duplicate'> {
    const fireAt = iso(timer.fireAt);
    const row = await this.db
      .insertInto('timers')
      .values({
        key: timer.key,
        kind: timer.kind,
        payload: toJson(timer.payload),
        fire_at: fireAt,
        status: 'pending',
        created_at: new Date().toISOString(),
      })
      .onConflict((oc) => oc.column('key').doNothing())
      .returning('id')
      .executeTakeFirst();
    return row === undefined ? 'duplicate' : 'scheduled';
  }

  async cancelTimer(key: string): Promise<void> {
    await this.db
      .updateTable('timers')
      .set({ status: 'cancelled' })
      .where('key', '=', key)
      .where('status', '=', 'pending')
      .execute();
  }

  async appendChange(topic: string, data: unknown, at: string): Promise<number> {
    // PostgreSQL allocates identity values at insert, not at commit: holding this lock until commit
    // makes seq order equal commit order, so a reader paging by seq never skips a late commit.
    await this.lockChanges();
    const row = await this.db
      .insertInto('changes')
      .values({ at: iso(at), topic, data: toJson(data) })
      .returning('seq')
      .executeTakeFirstOrThrow();
    return num(row.seq);
  }

  getRun(runId: number): Promise<RunRecord | undefined> {
    return getRun(this.db, runId);
  }

  // --- releases, gates, approvals, alerts, artifacts, people, tokens, kv ---

  async upsertArtifact(a: ArtifactRecord): Promise<void> {
    const row = {
      run_id: a.runId,
      name: a.name,
      artifact_id: a.artifactId,
      size: a.size,
      url: a.url,
      expired: a.expired ? 1 : 0,
      created_at: isoOrNull(a.createdAt),
      updated_at: iso(a.updatedAt),
    };
    await this.db
      .insertInto('artifacts')
      .values(row)
      .onConflict((oc) =>
        oc.columns(['run_id', 'name']).doUpdateSet({
          artifact_id: row.artifact_id,
          size: row.size,
          url: row.url,
          expired: row.expired,
          created_at: row.created_at,
          updated_at: row.updated_at,
        }),
      )
      .execute();
  }

  async createRelease(r: ReleaseRecord): Promise<'created' | 'duplicate'> {
    const row = await this.db
      .insertInto('releases')
      .values({
        id: r.id,
        repo: r.repo,
        tag: r.tag,
        version: r.version,
        sha: r.sha,
        manifest: toJson(r.manifest),
        change_summary: r.changeSummary,
        includes_migrations: r.includesMigrations ? 1 : 0,
        state: r.state,
        current_lane: r.currentLane,
        previous_release_id: r.previousReleaseId,
        created_by: r.createdBy,
        created_at: iso(r.createdAt),
        updated_at: iso(r.updatedAt),
        data: toJson(r.data),
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .returning('id')
      .executeTakeFirst();
    return row === undefined ? 'duplicate' : 'created';
  }

  async updateRelease(
    id: string,
    patch: { state?: string; currentLane?: string | null; data?: unknown; updatedAt: string },
  ): Promise<boolean> {
    const res = await this.db
      .updateTable('releases')
      .set({
        updated_at: iso(patch.updatedAt),
        ...(patch.state !== undefined ? { state: patch.state } : {}),
        ...(patch.currentLane !== undefined ? { current_lane: patch.currentLane } : {}),
        ...(patch.data !== undefined ? { data: toJson(patch.data) } : {}),
      })
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
  }

  async upsertReleaseLane(l: ReleaseLaneRecord): Promise<void> {
    const row = {
      release_id: l.releaseId,
      lane_id: l.laneId,
      position: l.position,
      state: l.state,
      run_id: l.runId,
      started_at: isoOrNull(l.startedAt),
      finished_at: isoOrNull(l.finishedAt),
      detail: toJson(l.detail),
      updated_at: iso(l.updatedAt),
    };
    await this.db
      .insertInto('release_lanes')
      .values(row)
      .onConflict((oc) =>
        oc.columns(['release_id', 'lane_id']).doUpdateSet({
          position: row.position,
          state: row.state,
          run_id: row.run_id,
          started_at: row.started_at,
          finished_at: row.finished_at,
          detail: row.detail,
          updated_at: row.updated_at,
        }),
      )
      .execute();
  }

  async saveGateDecision(g: GateDecisionRecord): Promise<void> {
    const row = {
      release_id: g.releaseId,
      gate_id: g.gateId,
      state: g.state,
      detail: toJson(g.detail),
      waits_until: isoOrNull(g.waitsUntil),
      decided_at: iso(g.decidedAt),
    };
    await this.db
      .insertInto('gate_decisions')
      .values(row)
      .onConflict((oc) =>
        oc.columns(['release_id', 'gate_id']).doUpdateSet({
          state: row.state,
          detail: row.detail,
          waits_until: row.waits_until,
          decided_at: row.decided_at,
        }),
      )
      .execute();
  }

  async addApproval(a: ApprovalRecord): Promise<'added' | 'duplicate'> {
    const row = await this.db
      .insertInto('approvals')
      .values({
        release_id: a.releaseId,
        gate_id: a.gateId,
        person: a.person,
        at: iso(a.at),
        comment: a.comment,
      })
      .onConflict((oc) => oc.columns(['release_id', 'gate_id', 'person']).doNothing())
      .returning('id')
      .executeTakeFirst();
    return row === undefined ? 'duplicate' : 'added';
  }

  /** Raise (or bump) the live alert with this key: one incident is one alert with a count. */
  async raiseAlert(a: AlertInput): Promise<{ alert: AlertRecord; created: boolean }> {
    const at = iso(a.at);
    const live = await this.db
      .selectFrom('alerts')
      .selectAll()
      .where('key', '=', a.key)
      .where('status', '<>', 'resolved')
      .$if(this.pg, (q) => q.forUpdate())
      .executeTakeFirst();
    if (live !== undefined) {
      const updated = await this.db
        .updateTable('alerts')
        .set((eb) => ({
          count: eb('count', '+', 1),
          last_at: at > live.last_at ? at : live.last_at,
          title: a.title,
          severity: a.severity,
          data: toJson(a.data),
        }))
        .where('id', '=', live.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      return { alert: rowToAlert(updated), created: false };
    }
    const inserted = await this.db
      .insertInto('alerts')
      .values({
        key: a.key,
        rule: a.rule,
        severity: a.severity,
        title: a.title,
        status: 'open',
        count: 1,
        first_at: at,
        last_at: at,
        data: toJson(a.data),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return { alert: rowToAlert(inserted), created: true };
  }

  async ackAlert(id: number, by: string, at: string): Promise<AlertRecord | undefined> {
    const row = await this.db
      .updateTable('alerts')
      .set({ status: 'acked', acked_by: by, acked_at: iso(at) })
      .where('id', '=', id)
      .where('status', '=', 'open')
      .returningAll()
      .executeTakeFirst();
    return row === undefined ? undefined : rowToAlert(row);
  }

  async resolveAlert(id: number, by: string, at: string): Promise<AlertRecord | undefined> {
    const row = await this.db
      .updateTable('alerts')
      .set({ status: 'resolved', resolved_by: by, resolved_at: iso(at) })
      .where('id', '=', id)
      .where('status', '<>', 'resolved')
      .returningAll()
      .executeTakeFirst();
    return row === undefined ? undefined : rowToAlert(row);
  }

  async upsertPerson(p: PersonRecord): Promise<void> {
    await this.db
      .insertInto('people')
      .values({ id: p.id, name: p.name, created_at: iso(p.createdAt) })
      .onConflict((oc) => oc.column('id').doUpdateSet({ name: p.name }))
      .execute();
  }

  async createToken(t: TokenRecord): Promise<void> {
    await this.db
      .insertInto('tokens')
      .values({
        id: t.id,
        person_id: t.personId,
        name: t.name,
        hash: t.hash,
        scope: t.scope,
        created_at: iso(t.createdAt),
        expires_at: isoOrNull(t.expiresAt),
        revoked_at: isoOrNull(t.revokedAt),
        last_used_at: isoOrNull(t.lastUsedAt),
      })
      .execute();
  }

  async revokeToken(id: string, at: string): Promise<boolean> {
    const res = await this.db
      .updateTable('tokens')
      .set({ revoked_at: iso(at) })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
  }

  async touchToken(id: string, at: string): Promise<void> {
    await this.db
      .updateTable('tokens')
      .set({ last_used_at: iso(at) })
      .where('id', '=', id)
      .execute();
  }

  async kvSet(key: string, value: unknown, at: string): Promise<void> {
    const row = { key, value: toJson(value), updated_at: iso(at) };
    await this.db
      .insertInto('kv')
      .values(row)
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: row.value, updated_at: row.updated_at }))
      .execute();
  }

  kvGet(key: string): Promise<unknown> {
    return kvGet(this.db, key);
  }
}

// ---------------------------------------------------------------------------------------------
// Reads (shared by the store and its transactions)

async function getRun(db: Db, runId: number): Promise<RunRecord | undefined> {
  const row = await db.selectFrom('runs').selectAll().where('run_id', '=', runId).executeTakeFirst();
  return row === undefined ? undefined : rowToRun(row);
}

async function kvGet(db: Db, key: string): Promise<unknown> {
  const row = await db.selectFrom('kv').select('value').where('key', '=', key).executeTakeFirst();
  return row === undefined ? undefined : fromJson(row.value);
}

// ---------------------------------------------------------------------------------------------
// The store

export abstract class KyselyStore implements Store {
  abstract readonly dialect: StoreDialect;

  protected constructor(readonly db: Db) {}

  /** Runs fn in one transaction (SQLite: BEGIN IMMEDIATE on the one connection; PostgreSQL: a pooled client). */
  protected abstract runTx<T>(fn: (db: Db) => Promise<T>): Promise<T>;
  abstract migrate(): Promise<void>;
  abstract close(): Promise<void>;
  abstract onNotify(channel: NotifyChannel, fn: () => void): () => void;
  abstract notify(channel: NotifyChannel): Promise<void>;

  protected get pg(): boolean {
    return this.dialect === 'postgres';
  }

  async ping(): Promise<void> {
    await sql`select 1`.execute(this.db);
  }

  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    return this.runTx((db) => fn(new KyselyTx(db, this.dialect)));
  }

  private tx<T>(fn: (tx: KyselyTx) => Promise<T>): Promise<T> {
    return this.runTx((db) => fn(new KyselyTx(db, this.dialect)));
  }

  /** A single-statement write: no transaction needed. */
  private get direct(): KyselyTx {
    return new KyselyTx(this.db, this.dialect);
  }

  // --- StoreTx writes, each in its own transaction ---
  upsertRun(run: RunRecord): Promise<Upsert> {
    return this.tx((t) => t.upsertRun(run));
  }
  setRunEnvironment(runId: number, environment: string): Promise<void> {
    return this.direct.setRunEnvironment(runId, environment);
  }
  adoptDeploymentEnvironment(runId: number): Promise<void> {
    return this.direct.adoptDeploymentEnvironment(runId);
  }
  upsertJob(job: JobRecord, repo: string): Promise<Upsert> {
    return this.tx((t) => t.upsertJob(job, repo));
  }
  upsertEvidence(e: EvidenceRecord): Promise<Upsert> {
    return this.tx((t) => t.upsertEvidence(e));
  }
  upsertRef(ref: RefRecord): Promise<Upsert> {
    return this.tx((t) => t.upsertRef(ref));
  }
  upsertDeployment(d: DeploymentRecord): Promise<Upsert> {
    return this.tx((t) => t.upsertDeployment(d));
  }
  saveProtectionRequest(r: ProtectionRequest): Promise<Upsert> {
    return this.tx((t) => t.saveProtectionRequest(r));
  }
  answerProtectionRequest(
    key: { repo: string; runId: number; environment: string },
    answer: ProtectionAnswer,
    comment: string | null,
    at: string,
  ): Promise<boolean> {
    return this.direct.answerProtectionRequest(key, answer, comment, at);
  }
  markDelivery(guid: string, status: DeliveryStatus, at: string, error?: string | null): Promise<void> {
    return this.direct.markDelivery(guid, status, at, error);
  }
  appendAudit(e: AuditEvent): Promise<void> {
    return this.direct.appendAudit(e);
  }
  appendAudits(events: AuditEvent[]): Promise<void> {
    return this.transaction((t) => t.appendAudits(events));
  }
  appendChanges(items: { topic: string; data: unknown; at: string }[]): Promise<void> {
    return this.transaction((t) => t.appendChanges(items));
  }
  markDeliveries(items: { guid: string; status: DeliveryStatus; at: string; error: string | null }[]): Promise<void> {
    return this.transaction((t) => t.markDeliveries(items));
  }
  enqueue(effect: OutboxEffect): Promise<'enqueued' | 'duplicate'> {
    return this.direct.enqueue(effect);
  }
  schedule(timer: TimerSpec): Promise<'scheduled' | 'duplicate'> {
    return this.direct.schedule(timer);
  }
  cancelTimer(key: string): Promise<void> {
    return this.direct.cancelTimer(key);
  }
  appendChange(topic: string, data: unknown, at: string): Promise<number> {
    return this.tx((t) => t.appendChange(topic, data, at));
  }
  upsertArtifact(a: ArtifactRecord): Promise<void> {
    return this.direct.upsertArtifact(a);
  }
  createRelease(r: ReleaseRecord): Promise<'created' | 'duplicate'> {
    return this.direct.createRelease(r);
  }
  updateRelease(
    id: string,
    patch: { state?: string; currentLane?: string | null; data?: unknown; updatedAt: string },
  ): Promise<boolean> {
    return this.direct.updateRelease(id, patch);
  }
  upsertReleaseLane(l: ReleaseLaneRecord): Promise<void> {
    return this.direct.upsertReleaseLane(l);
  }
  saveGateDecision(g: GateDecisionRecord): Promise<void> {
    return this.direct.saveGateDecision(g);
  }
  addApproval(a: ApprovalRecord): Promise<'added' | 'duplicate'> {
    return this.direct.addApproval(a);
  }
  raiseAlert(a: AlertInput): Promise<{ alert: AlertRecord; created: boolean }> {
    return this.tx((t) => t.raiseAlert(a));
  }
  ackAlert(id: number, by: string, at: string): Promise<AlertRecord | undefined> {
    return this.direct.ackAlert(id, by, at);
  }
  resolveAlert(id: number, by: string, at: string): Promise<AlertRecord | undefined> {
    return this.direct.resolveAlert(id, by, at);
  }
  upsertPerson(p: PersonRecord): Promise<void> {
    return this.direct.upsertPerson(p);
  }
  createToken(t: TokenRecord): Promise<void> {
    return this.direct.createToken(t);
  }
  revokeToken(id: string, at: string): Promise<boolean> {
    return this.direct.revokeToken(id, at);
  }
  touchToken(id: string, at: string): Promise<void> {
    return this.direct.touchToken(id, at);
  }
  kvSet(key: string, value: unknown, at: string): Promise<void> {
    return this.direct.kvSet(key, value, at);
  }
  kvGet(key: string): Promise<unknown> {
    return kvGet(this.db, key);
  }

  // --- Inbox ---

  /** One transaction for the batch. A GUID already stored (or earlier in the batch) is 'duplicate'. */
  insertDeliveries(ds: NewDelivery[]): Promise<('inserted' | 'duplicate')[]> {
    if (ds.length === 0) return Promise.resolve([]);
    const rows = ds.map((d) => ({
      guid: d.guid,
      event: d.event,
      action: d.action,
      received_at: iso(d.receivedAt),
      body: d.body,
      source: d.source,
      status: 'pending',
    }));
    return this.runTx(async (db) => {
      const seen = new Set<string>();
      const unique = rows.filter((r) => (seen.has(r.guid) ? false : (seen.add(r.guid), true)));
      const inserted = new Set<string>();
      for (const part of chunks(unique, INSERT_CHUNK)) {
        const got = await db
          .insertInto('deliveries')
          .values(part)
          .onConflict((oc) => oc.column('guid').doNothing())
          .returning('guid')
          .execute();
        for (const g of got) inserted.add(g.guid);
      }
      // First occurrence of an inserted GUID is 'inserted'; any repeat in the batch is 'duplicate'.
      return ds.map((d) => (inserted.delete(d.guid) ? 'inserted' : 'duplicate'));
    });
  }

  /** Pending deliveries not leased (or whose lease expired), oldest first; leases them and bumps attempts. */
  claimDeliveries(opts: {
    limit: number;
    leaseMs: number;
    now: string;
    worker: string;
  }): Promise<Delivery[]> {
    const now = iso(opts.now);
    const until = addMs(now, opts.leaseMs);
    return this.runTx(async (db) => {
      const rows = await db
        .updateTable('deliveries')
        .set((eb) => ({ lease_until: until, worker: opts.worker, attempts: eb('attempts', '+', 1) }))
        .where('seq', 'in', (eb) =>
          eb
            .selectFrom('deliveries')
            .select('seq')
            .where('status', '=', 'pending')
            .where((w) => w.or([w('lease_until', 'is', null), w('lease_until', '<=', now)]))
            .orderBy('seq')
            .limit(opts.limit)
            .$if(this.pg, (q) => q.forUpdate().skipLocked()),
        )
        .returningAll()
        .execute();
      return rows.map(rowToDelivery).sort((a, b) => a.seq - b.seq);
    });
  }

  async getDelivery(guid: string): Promise<Delivery | undefined> {
    const row = await this.db
      .selectFrom('deliveries')
      .selectAll()
      .where('guid', '=', guid)
      .executeTakeFirst();
    return row === undefined ? undefined : rowToDelivery(row);
  }

  async inboxStats(): Promise<InboxStats> {
    const counts = await this.db
      .selectFrom('deliveries')
      .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('status')
      .execute();
    const oldest = await this.db
      .selectFrom('deliveries')
      .select('received_at')
      .where('status', '=', 'pending')
      .orderBy('seq')
      .limit(1)
      .executeTakeFirst();
    const by = new Map(counts.map((c) => [c.status, num(c.n)]));
    const get = (s: DeliveryStatus): number => by.get(s) ?? 0;
    return {
      received: [...by.values()].reduce((a, b) => a + b, 0),
      pending: get('pending'),
      processed: get('processed'),
      ignored: get('ignored'),
      failed: get('failed'),
      oldestPendingAt: oldest?.received_at ?? null,
    };
  }

  // --- Reads ---

  getRun(runId: number): Promise<RunRecord | undefined> {
    return getRun(this.db, runId);
  }

  /** Newest first (run_started_at desc, run_id desc). Default limit 100. */
  async listRuns(filter: RunFilter): Promise<RunRecord[]> {
    if (filter.workflowIds !== undefined && filter.workflowIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('runs')
      .selectAll()
      .$if(filter.workflowId !== undefined, (q) => q.where('workflow_id', '=', filter.workflowId ?? ''))
      .$if(filter.workflowIds !== undefined, (q) => q.where('workflow_id', 'in', filter.workflowIds ?? []))
      .$if(filter.environment !== undefined, (q) => q.where('environment', '=', filter.environment ?? ''))
      .$if(filter.event !== undefined, (q) => q.where('event', '=', filter.event ?? ''))
      .$if(filter.headSha !== undefined, (q) => q.where('head_sha', '=', filter.headSha ?? ''))
      .$if(filter.before !== undefined, (q) => q.where('run_started_at', '<', iso(filter.before ?? '')))
      .orderBy('run_started_at', 'desc')
      .orderBy('run_id', 'desc')
      .limit(filter.limit ?? 100)
      .execute();
    return rows.map(rowToRun);
  }

  /** Jobs of these runs, by run then job id. */
  async listJobs(runIds: number[]): Promise<JobRecord[]> {
    const out: JobRecord[] = [];
    for (const part of chunks([...new Set(runIds)], INSERT_CHUNK)) {
      const rows = await this.db
        .selectFrom('jobs')
        .selectAll()
        .where('run_id', 'in', part)
        .orderBy('run_id', 'desc')
        .orderBy('job_id')
        .execute();
      out.push(...rows.map(rowToJob));
    }
    return out;
  }

  /** Filters combine with AND; newest first; default limit 1000. */
  async listEvidence(filter: {
    shas?: string[];
    runIds?: number[];
    laneId?: string;
    limit?: number;
  }): Promise<EvidenceRecord[]> {
    if (filter.shas?.length === 0 || filter.runIds?.length === 0) return [];
    const rows = await this.db
      .selectFrom('evidence')
      .selectAll()
      .$if(filter.shas !== undefined, (q) => q.where('sha', 'in', filter.shas ?? []))
      .$if(filter.runIds !== undefined, (q) => q.where('run_id', 'in', filter.runIds ?? []))
      .$if(filter.laneId !== undefined, (q) => q.where('lane_id', '=', filter.laneId ?? ''))
      .orderBy('recorded_at', 'desc')
      .orderBy('key')
      .limit(filter.limit ?? 1000)
      .execute();
    return rows.map(rowToEvidence);
  }

  /** Newest first. */
  async listDeployments(filter: {
    runId?: number;
    sha?: string;
    environment?: string;
    limit?: number;
  }): Promise<DeploymentRecord[]> {
    const rows = await this.db
      .selectFrom('deployments')
      .selectAll()
      .$if(filter.runId !== undefined, (q) => q.where('run_id', '=', filter.runId ?? 0))
      .$if(filter.sha !== undefined, (q) => q.where('sha', '=', filter.sha ?? ''))
      .$if(filter.environment !== undefined, (q) => q.where('environment', '=', filter.environment ?? ''))
      .orderBy('updated_at', 'desc')
      .orderBy('deployment_id', 'desc')
      .limit(filter.limit ?? 500)
      .execute();
    return rows.map(rowToDeployment);
  }

  /** Oldest request first. */
  async listProtectionRequests(filter: { pendingOnly?: boolean; runId?: number }): Promise<
    (ProtectionRequest & {
      answeredAt: string | null;
      answer: ProtectionAnswer | null;
      answerComment: string | null;
    })[]
  > {
    const rows = await this.db
      .selectFrom('protection_requests')
      .selectAll()
      .$if(filter.pendingOnly === true, (q) => q.where('answered_at', 'is', null))
      .$if(filter.runId !== undefined, (q) => q.where('run_id', '=', filter.runId ?? 0))
      .orderBy('requested_at')
      .orderBy('id')
      .execute();
    return rows.map(rowToProtection);
  }

  /** Newest first (by id); `before` pages by id. Default limit 100. */
  async listAudit(filter: {
    limit?: number;
    before?: number;
    objectType?: string;
    objectId?: string;
  }): Promise<StoredAuditEvent[]> {
    const rows = await this.db
      .selectFrom('audit')
      .selectAll()
      .$if(filter.before !== undefined, (q) => q.where('id', '<', filter.before ?? 0))
      .$if(filter.objectType !== undefined, (q) => q.where('object_type', '=', filter.objectType ?? ''))
      .$if(filter.objectId !== undefined, (q) => q.where('object_id', '=', filter.objectId ?? ''))
      .orderBy('id', 'desc')
      .limit(filter.limit ?? 100)
      .execute();
    return rows.map(rowToAudit);
  }

  async changesSince(seq: number, limit: number): Promise<ChangeEvent[]> {
    const rows = await this.db
      .selectFrom('changes')
      .selectAll()
      .where('seq', '>', seq)
      .orderBy('seq')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ seq: num(r.seq), at: r.at, topic: r.topic, data: fromJson(r.data) }));
  }

  async latestChangeSeq(): Promise<number> {
    const row = await this.db
      .selectFrom('changes')
      .select((eb) => eb.fn.max('seq').as('m'))
      .executeTakeFirst();
    return numOrNull(row?.m) ?? 0;
  }

  // --- Outbox and timers ---

  claimOutbox(opts: { limit: number; now: string; leaseMs: number }): Promise<OutboxItem[]> {
    const now = iso(opts.now);
    const until = addMs(now, opts.leaseMs);
    return this.runTx(async (db) => {
      const rows = await db
        .updateTable('outbox')
        .set((eb) => ({ lease_until: until, attempts: eb('attempts', '+', 1) }))
        .where('id', 'in', (eb) =>
          eb
            .selectFrom('outbox')
            .select('id')
            .where('status', '=', 'pending')
            .where('run_at', '<=', now)
            .where((w) => w.or([w('lease_until', 'is', null), w('lease_until', '<=', now)]))
            .orderBy('run_at')
            .orderBy('id')
            .limit(opts.limit)
            .$if(this.pg, (q) => q.forUpdate().skipLocked()),
        )
        .returningAll()
        .execute();
      return rows
        .map(rowToOutbox)
        .sort((a, b) => (a.runAt < b.runAt ? -1 : a.runAt > b.runAt ? 1 : a.id - b.id));
    });
  }

  async completeOutbox(id: number, at: string): Promise<void> {
    await this.db
      .updateTable('outbox')
      .set({ status: 'done', done_at: iso(at), lease_until: null })
      .where('id', '=', id)
      .execute();
  }

  /** retryAt: back to pending at that time; null: dead (no more attempts). */
  async failOutbox(id: number, error: string, retryAt: string | null): Promise<void> {
    await this.db
      .updateTable('outbox')
      .set(
        retryAt === null
          ? { status: 'dead', last_error: error, lease_until: null }
          : { status: 'pending', last_error: error, lease_until: null, run_at: iso(retryAt) },
      )
      .where('id', '=', id)
      .execute();
  }

  async listOutbox(filter: {
    status?: OutboxItem['status'];
    kind?: string;
    limit?: number;
  }): Promise<OutboxItem[]> {
    const rows = await this.db
      .selectFrom('outbox')
      .selectAll()
      .$if(filter.status !== undefined, (q) => q.where('status', '=', filter.status ?? ''))
      .$if(filter.kind !== undefined, (q) => q.where('kind', '=', filter.kind ?? ''))
      .orderBy('id')
      .limit(filter.limit ?? 1000)
      .execute();
    return rows.map(rowToOutbox);
  }

  /** Marks due timers fired and returns them: each timer is returned to exactly one caller. */
  claimDueTimers(opts: { limit: number; now: string }): Promise<TimerItem[]> {
    const now = iso(opts.now);
    return this.runTx(async (db) => {
      const rows = await db
        .updateTable('timers')
        .set({ status: 'fired', fired_at: now })
        .where('status', '=', 'pending')
        .where('id', 'in', (eb) =>
          eb
            .selectFrom('timers')
            .select('id')
            .where('status', '=', 'pending')
            .where('fire_at', '<=', now)
            .orderBy('fire_at')
            .orderBy('id')
            .limit(opts.limit)
            .$if(this.pg, (q) => q.forUpdate().skipLocked()),
        )
        .returningAll()
        .execute();
      return rows
        .map(rowToTimer)
        .sort((a, b) => (a.fireAt < b.fireAt ? -1 : a.fireAt > b.fireAt ? 1 : a.id - b.id));
    });
  }

  async listTimers(filter: {
    status?: TimerItem['status'];
    kind?: string;
    limit?: number;
  }): Promise<TimerItem[]> {
    const rows = await this.db
      .selectFrom('timers')
      .selectAll()
      .$if(filter.status !== undefined, (q) => q.where('status', '=', filter.status ?? ''))
      .$if(filter.kind !== undefined, (q) => q.where('kind', '=', filter.kind ?? ''))
      .orderBy('fire_at')
      .orderBy('id')
      .limit(filter.limit ?? 1000)
      .execute();
    return rows.map(rowToTimer);
  }

  // --- Releases, gates, alerts, artifacts, tokens ---

  async listArtifacts(runIds: number[]): Promise<ArtifactRecord[]> {
    const out: ArtifactRecord[] = [];
    for (const part of chunks([...new Set(runIds)], INSERT_CHUNK)) {
      const rows = await this.db
        .selectFrom('artifacts')
        .selectAll()
        .where('run_id', 'in', part)
        .orderBy('run_id', 'desc')
        .orderBy('name')
        .execute();
      for (const r of rows) {
        out.push({
          runId: num(r.run_id),
          name: r.name,
          artifactId: numOrNull(r.artifact_id),
          size: num(r.size),
          url: r.url,
          expired: num(r.expired) !== 0,
          createdAt: r.created_at,
          updatedAt: r.updated_at,
        });
      }
    }
    return out;
  }

  async getRelease(id: string): Promise<ReleaseRecord | undefined> {
    const row = await this.db.selectFrom('releases').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : rowToRelease(row);
  }

  /** Newest first. */
  async listReleases(filter: {
    state?: string;
    tag?: string;
    limit?: number;
    before?: string;
  }): Promise<ReleaseRecord[]> {
    const rows = await this.db
      .selectFrom('releases')
      .selectAll()
      .$if(filter.state !== undefined, (q) => q.where('state', '=', filter.state ?? ''))
      .$if(filter.tag !== undefined, (q) => q.where('tag', '=', filter.tag ?? ''))
      .$if(filter.before !== undefined, (q) => q.where('created_at', '<', iso(filter.before ?? '')))
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(filter.limit ?? 100)
      .execute();
    return rows.map(rowToRelease);
  }

  /** In promotion order. */
  async listReleaseLanes(releaseId: string): Promise<ReleaseLaneRecord[]> {
    const rows = await this.db
      .selectFrom('release_lanes')
      .selectAll()
      .where('release_id', '=', releaseId)
      .orderBy('position')
      .orderBy('lane_id')
      .execute();
    return rows.map((r) => ({
      releaseId: r.release_id,
      laneId: r.lane_id,
      position: num(r.position),
      state: r.state,
      runId: numOrNull(r.run_id),
      startedAt: r.started_at,
      finishedAt: r.finished_at,
      detail: fromJson(r.detail),
      updatedAt: r.updated_at,
    }));
  }

  async listGateDecisions(filter: { releaseId?: string; gateId?: string }): Promise<GateDecisionRecord[]> {
    const rows = await this.db
      .selectFrom('gate_decisions')
      .selectAll()
      .$if(filter.releaseId !== undefined, (q) => q.where('release_id', '=', filter.releaseId ?? ''))
      .$if(filter.gateId !== undefined, (q) => q.where('gate_id', '=', filter.gateId ?? ''))
      .orderBy('release_id')
      .orderBy('gate_id')
      .execute();
    return rows.map((r) => ({
      releaseId: r.release_id,
      gateId: r.gate_id,
      state: r.state,
      detail: fromJson(r.detail),
      waitsUntil: r.waits_until,
      decidedAt: r.decided_at,
    }));
  }

  /** Oldest first. */
  async listApprovals(filter: { releaseId?: string; gateId?: string }): Promise<ApprovalRecord[]> {
    const rows = await this.db
      .selectFrom('approvals')
      .selectAll()
      .$if(filter.releaseId !== undefined, (q) => q.where('release_id', '=', filter.releaseId ?? ''))
      .$if(filter.gateId !== undefined, (q) => q.where('gate_id', '=', filter.gateId ?? ''))
      .orderBy('at')
      .orderBy('id')
      .execute();
    return rows.map((r) => ({
      releaseId: r.release_id,
      gateId: r.gate_id,
      person: r.person,
      at: r.at,
      comment: r.comment,
    }));
  }

  async getAlert(id: number): Promise<AlertRecord | undefined> {
    const row = await this.db.selectFrom('alerts').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : rowToAlert(row);
  }

  /** Newest activity first. `live` = open or acked. */
  async listAlerts(filter: {
    status?: AlertRecord['status'] | 'live';
    key?: string;
    limit?: number;
  }): Promise<AlertRecord[]> {
    const rows = await this.db
      .selectFrom('alerts')
      .selectAll()
      .$if(filter.status === 'live', (q) => q.where('status', '<>', 'resolved'))
      .$if(filter.status !== undefined && filter.status !== 'live', (q) =>
        q.where('status', '=', filter.status ?? ''),
      )
      .$if(filter.key !== undefined, (q) => q.where('key', '=', filter.key ?? ''))
      .orderBy('last_at', 'desc')
      .orderBy('id', 'desc')
      .limit(filter.limit ?? 200)
      .execute();
    return rows.map(rowToAlert);
  }

  async countOpenAlerts(): Promise<number> {
    const row = await this.db
      .selectFrom('alerts')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', '<>', 'resolved')
      .executeTakeFirst();
    return num(row?.n ?? 0);
  }

  async getRef(repo: string, ref: string): Promise<RefRecord | undefined> {
    const r = await this.db
      .selectFrom('refs')
      .selectAll()
      .where('repo', '=', repo)
      .where('ref', '=', ref)
      .executeTakeFirst();
    return r === undefined ? undefined : { repo: r.repo, ref: r.ref, sha: r.sha, updatedAt: r.updated_at };
  }

  async listRefs(filter: { repo?: string; prefix?: string; limit?: number }): Promise<RefRecord[]> {
    const rows = await this.db
      .selectFrom('refs')
      .selectAll()
      .$if(filter.repo !== undefined, (q) => q.where('repo', '=', filter.repo ?? ''))
      .$if(filter.prefix !== undefined, (q) =>
        // substr, not LIKE: no escaping, case-sensitive on both dialects (the refs table is small).
        q.where(sql<string>`substr(ref, 1, ${(filter.prefix ?? '').length})`, '=', filter.prefix ?? ''),
      )
      .orderBy('repo')
      .orderBy('ref')
      .limit(filter.limit ?? 1000)
      .execute();
    return rows.map((r) => ({ repo: r.repo, ref: r.ref, sha: r.sha, updatedAt: r.updated_at }));
  }

  async listPeople(): Promise<PersonRecord[]> {
    const rows = await this.db.selectFrom('people').selectAll().orderBy('id').execute();
    return rows.map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at }));
  }

  async findTokenByHash(hash: string): Promise<TokenRecord | undefined> {
    const row = await this.db.selectFrom('tokens').selectAll().where('hash', '=', hash).executeTakeFirst();
    return row === undefined ? undefined : rowToToken(row);
  }

  async listTokens(personId?: string): Promise<TokenRecord[]> {
    const rows = await this.db
      .selectFrom('tokens')
      .selectAll()
      .$if(personId !== undefined, (q) => q.where('person_id', '=', personId ?? ''))
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(rowToToken);
  }
}
