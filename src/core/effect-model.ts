// What a decision asks the outside world to do, as data: outbox effects (each with an idempotency key) and
// timers that re-evaluate a release when the clock alone changes a decision.
export interface DispatchPayload {
  releaseId: string;
  version: string;
  sha: string;
  laneId: string;
  workflowId: string;
  workflowFile: string;
  /** Git ref to run the workflow on (the release tag). */
  ref: string;
  inputs: Record<string, string>;
  reason: string;
}

export interface ProtectionReviewPayload {
  runId: number;
  environment: string;
  state: 'approved' | 'rejected';
  comment: string;
  laneIds: string[];
  releaseId: string;
}

export interface CommitStatusPayload {
  sha: string;
  context: string; // lanes/<gate id>
  state: 'success' | 'pending' | 'failure';
  description: string;
  gateId: string;
  releaseId: string;
}

/** Outbox effects (structurally Store OutboxEffect minus runAt). */
export type Effect =
  | { kind: 'github.dispatch'; key: string; payload: DispatchPayload }
  | { kind: 'github.protection_review'; key: string; payload: ProtectionReviewPayload }
  | { kind: 'github.commit_status'; key: string; payload: CommitStatusPayload };

/** Timers (structurally Store TimerSpec): re-evaluate the release when the clock changes a decision. */
export interface TimerIntent {
  key: string;
  kind: 'release.reevaluate';
  fireAt: string;
  payload: {
    releaseId: string;
    reason: 'hold_end' | 'window_end' | 'freeze_end';
    laneId?: string;
    gateId?: string;
  };
}
