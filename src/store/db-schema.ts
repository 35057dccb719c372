// The database schema of the whole product, as Kysely sees it. One schema for both dialects:
// - timestamps are ISO 8601 UTC text, always canonical (`Date#toISOString()`: milliseconds and `Z`),
//   so that text order is time order and SQL comparisons (`lease_until <= now`) are right on both;
// - JSON is text (JSON.stringify / JSON.parse in the store);
// - booleans are integers 0/1;
// - GitHub ids are BIGINT on PostgreSQL (parsed to number by the pool) and INTEGER on SQLite.
// Column names are snake_case; the store maps them to the camelCase records of src/core.
import type { Generated } from 'kysely';

/** ISO 8601 UTC text, canonical form. */
export type IsoText = string;
/** JSON text. */
export type JsonText = string;
/** 0 | 1 */
export type BoolInt = number;

export interface DeliveriesTable {
  seq: Generated<number>; // primary key, autoincrement / identity: inbox order
  guid: string; // X-GitHub-Delivery, unique
  event: string;
  action: string | null;
  received_at: IsoText;
  source: string;
  status: string; // pending | processed | ignored | failed
  attempts: Generated<number>;
  lease_until: IsoText | null;
  worker: string | null;
  processed_at: IsoText | null;
  error: string | null;
  /** Why an ignored delivery was dropped: a short code (0008); null for others and older rows. */
  ignored_reason: Generated<string | null>;
}

/** The verified raw body of a delivery (0003): written once at ingest, never updated. */
export interface DeliveryBodiesTable {
  seq: number; // primary key = deliveries.seq
  body: string;
}

export interface RunsTable {
  run_id: number; // primary key (GitHub run id); one row per run, newest attempt
  run_attempt: number;
  repo: string;
  workflow_path: string;
  workflow_name: string;
  workflow_id: string | null;
  run_number: number;
  event: string;
  head_branch: string | null;
  head_sha: string;
  status: string;
  conclusion: string | null;
  environment: string | null;
  html_url: string;
  run_started_at: IsoText;
  updated_at: IsoText;
  actor: string | null;
  /** 0012: GitHub's display_title (the workflow's `run-name`): names the release of a dispatched run. */
  display_title: string | null;
}

export interface JobsTable {
  job_id: number; // primary key
  run_id: number;
  run_attempt: number;
  repo: string;
  name: string;
  status: string;
  conclusion: string | null;
  started_at: IsoText | null;
  completed_at: IsoText | null;
  html_url: string | null;
  labels: JsonText; // string[]
  runner_name: string | null;
  updated_at: IsoText;
}

export interface EvidenceTable {
  key: string; // primary key (job:123, check_run:456, api:<uuid>)
  check_name: string;
  outcome: string; // passed | failed | pending
  sha: string;
  run_id: number | null;
  lane_id: string | null;
  source: string; // job | check_run | api | artifact
  url: string | null;
  details: string | null;
  recorded_at: IsoText;
  reported_by: string | null;
  provenance?: string | null; // 0006: sourceKey of the verified reporter
  authority?: string | null; // 0006: github | api
}

export interface DeploymentsTable {
  deployment_id: number; // primary key
  repo: string;
  environment: string;
  sha: string;
  ref: string;
  run_id: number | null;
  state: string;
  updated_at: IsoText;
}

export interface ProtectionRequestsTable {
  id: Generated<number>;
  repo: string; // unique (repo, run_id, environment)
  run_id: number;
  environment: string;
  sha: string | null;
  ref: string | null;
  deployment_id: number | null;
  review_path: string;
  installation_id: number | null;
  requested_at: IsoText;
  answered_at: IsoText | null;
  answer: string | null; // approved | rejected
  answer_comment: string | null;
}

export interface ReleasesTable {
  id: string; // primary key, e.g. rel-2024-06-01-1 or the tag
  repo: string | null;
  tag: string;
  version: string;
  sha: string;
  manifest: JsonText; // artifacts/images
  change_summary: string | null;
  includes_migrations: BoolInt;
  state: string; // candidate | promoting | released | failed | rolled_back | superseded ...
  current_lane: string | null;
  previous_release_id: string | null; // rollback target
  created_by: string;
  created_at: IsoText;
  updated_at: IsoText;
  data: JsonText; // anything else the engine keeps with a release
}

export interface GateDecisionsTable {
  release_id: string; // primary key (release_id, gate_id): the current decision
  gate_id: string;
  state: string; // passed | pending | blocked
  detail: JsonText; // criteria with their evidence
  waits_until: IsoText | null;
  decided_at: IsoText;
}

export interface ApprovalsTable {
  id: Generated<number>;
  release_id: string; // unique (release_id, gate_id, person)
  gate_id: string;
  person: string;
  at: IsoText;
  comment: string | null;
}

export interface AlertsTable {
  id: Generated<number>;
  key: string; // dedup key: unique among alerts that are not resolved
  rule: string;
  severity: string;
  title: string;
  status: string; // open | acked | resolved
  count: number;
  first_at: IsoText;
  last_at: IsoText;
  acked_by: string | null;
  acked_at: IsoText | null;
  resolved_by: string | null;
  resolved_at: IsoText | null;
  data: JsonText;
}

export interface AuditTable {
  id: Generated<number>;
  at: IsoText;
  actor: string;
  action: string;
  object_type: string;
  object_id: string;
  reason: string | null;
  data: JsonText;
  /** 0012: the catalog version that decided the entry. */
  catalog_version: number | null;
}

export interface OutboxTable {
  id: Generated<number>;
  key: string; // unique idempotency key
  kind: string;
  payload: JsonText;
  status: string; // pending | done | dead
  attempts: Generated<number>;
  run_at: IsoText;
  lease_until: IsoText | null;
  last_error: string | null;
  created_at: IsoText;
  done_at: IsoText | null;
  // 0015: the release and lane it concerns, when it last changed, how often it went dead
  release_id: string | null;
  lane_id: string | null;
  updated_at: IsoText | null;
  deaths: Generated<number>;
}

export interface TimersTable {
  id: Generated<number>;
  key: string; // unique idempotency key
  kind: string;
  payload: JsonText;
  fire_at: IsoText;
  status: string; // pending | fired | cancelled
  fired_at: IsoText | null;
  created_at: IsoText;
}

export interface ChangesTable {
  seq: Generated<number>;
  at: IsoText;
  topic: string;
  data: JsonText;
}

export interface TokensTable {
  id: string;
  person_id: string;
  name: string;
  hash: string; // unique; never the token itself
  scope: string; // read | operate | admin
  created_at: IsoText;
  expires_at: IsoText | null;
  revoked_at: IsoText | null;
  last_used_at: IsoText | null;
  service?: string | null; // 0006: named service the token is bound to
}

/** A freeze override granted for a release (0002; was kv `release-overrides:<id>`). */
export interface ReleaseOverridesTable {
  id: Generated<number>; // grant order
  release_id: string;
  lane_id: string;
  by_person: string;
  reason: string;
  at: IsoText;
  window_id: string | null; // null: any freeze window on the lane
}

/** When a lane first went green for a release (0002; was kv `release-green-at:<id>`). */
export interface ReleaseGreenLanesTable {
  release_id: string; // primary key (release_id, lane_id)
  lane_id: string;
  green_at: IsoText;
}

/** When Lanes began monitoring a subject (0002; was kv `drills-monitored-since`). */
export interface MonitoringStartsTable {
  subject: string; // primary key, e.g. drills
  started_at: IsoText;
}

/** A catalog Lanes accepted (0005); the first row names what the store was created for. */
export interface CatalogVersionsTable {
  id: Generated<number>;
  digest: string; // sha256 of the catalog text
  zone: string;
  repository: string;
  source: string; // file | git
  path: string;
  commit_sha: string | null;
  body: string;
  loaded_at: IsoText;
  /** 0012: accepted | rejected. */
  status: Generated<string>;
  /** 0012: a rejected version's errors (JSON array of file:line:col strings). */
  errors: string | null;
}

/** A dashboard session (0005): hashes only. */
export interface SessionsTable {
  id_hash: string;
  login: string;
  csrf_hash: string;
  created_at: IsoText;
  expires_at: IsoText;
  revoked_at: IsoText | null;
}

/** How far the reconcile loop has looked per source (0005). */
export interface ReconcileStateTable {
  source: string;
  checked_until: IsoText | null;
  found: Generated<number>;
  filled: Generated<number>;
  updated_at: IsoText;
}

export interface Database {
  deliveries: DeliveriesTable;
  delivery_bodies: DeliveryBodiesTable;
  runs: RunsTable;
  jobs: JobsTable;
  evidence: EvidenceTable;
  deployments: DeploymentsTable;
  protection_requests: ProtectionRequestsTable;
  releases: ReleasesTable;
  gate_decisions: GateDecisionsTable;
  approvals: ApprovalsTable;
  alerts: AlertsTable;
  audit: AuditTable;
  outbox: OutboxTable;
  timers: TimersTable;
  changes: ChangesTable;
  tokens: TokensTable;
  release_overrides: ReleaseOverridesTable;
  release_green_lanes: ReleaseGreenLanesTable;
  monitoring_starts: MonitoringStartsTable;
  catalog_versions: CatalogVersionsTable;
  sessions: SessionsTable;
  reconcile_state: ReconcileStateTable;
  gate_steps: GateStepsTable;
  release_compares: ReleaseComparesTable;
  release_commits: ReleaseCommitsTable;
  deployment_reviews: DeploymentReviewsTable;
}

export interface GateStepsTable {
  repo: string; // primary key (repo, run_id, run_attempt, environment): one decision per run attempt
  run_id: number;
  run_attempt: number;
  environment: string; // '' when the job has none
  lane_id: string;
  workflow_file: string;
  workflow_id: string | null;
  sha: string;
  ref: string;
  actor: string;
  event: string;
  release_id: string | null;
  state: string; // waiting | allowed | rejected
  reason: string;
  waiting_for: JsonText;
  requested_at: IsoText;
  decided_at: IsoText | null;
}

export interface ReleaseComparesTable {
  release_id: string; // primary key: one compare per release
  base_sha: string;
  head_sha: string;
  total_commits: number;
  fetched_at: IsoText;
}

export interface ReleaseCommitsTable {
  release_id: string; // primary key (release_id, position)
  position: number; // GitHub's order, oldest first, from 0
  sha: string;
  author_login: string | null;
  message: string; // first line, bounded
  url: string | null;
}

export interface DeploymentReviewsTable {
  repo: string; // primary key (repo, run_id, run_attempt, environment): the first answer stands
  run_id: number;
  run_attempt: number;
  environment: string;
  sha: string;
  state: string; // approved | rejected
  reviewer: string | null;
  comment: string | null;
  reviewed_at: IsoText;
}
