// workflow_run → one run fact. The workflow is identified by its path (normalised), resolved to a catalog
// workflow id through the catalog's resolver. The run's environment is always null here: workflow_run payloads
// carry none; deployment, workflow_job and deployment_protection_rule facts supply it and the engine joins
// them on runId.
import type { NormalisedFact, RunRecord } from '../../core/run-model.ts';
import { normaliseWorkflowPath, type WorkflowResolver } from '../workflow-mapping.ts';
import {
  fail,
  reqObj,
  optObj,
  optStr,
  nonEmpty,
  optId,
  reqId,
  optTime,
  reqTime,
  reqSha,
  optLink,
  reqText,
  optText,
  repoOf,
  loginOf,
  reqStatus,
  optConclusion,
  type Obj,
} from './field-readers.ts';

export function workflowRun(p: Obj, resolveWorkflow: WorkflowResolver): NormalisedFact[] {
  const repo = repoOf(p);
  const wr = reqObj(p, 'workflow_run', 'workflow_run');
  const wf = optObj(p, 'workflow', 'workflow');
  // Some payloads (older ones) carry the path only on the top-level `workflow` object.
  const rawPath =
    nonEmpty(optStr(wr, 'path', 'workflow_run.path')) ??
    (wf === null ? null : nonEmpty(optStr(wf, 'path', 'workflow.path')));
  if (rawPath === null) fail('workflow_run.path missing');
  const workflowPath = normaliseWorkflowPath(rawPath);
  if (workflowPath === null) fail('workflow_run.path is not a path');
  const workflowName =
    nonEmpty(optStr(wr, 'name', 'workflow_run.name')) ??
    (wf === null ? null : nonEmpty(optStr(wf, 'name', 'workflow.name'))) ??
    '';
  const updatedAt = reqTime(wr, 'updated_at', 'workflow_run.updated_at');
  const runStartedAt =
    optTime(wr, 'run_started_at', 'workflow_run.run_started_at') ??
    reqTime(wr, 'created_at', 'workflow_run.created_at');
  const htmlUrl = optLink(wr, 'html_url', 'workflow_run.html_url');
  if (htmlUrl === null) fail('workflow_run.html_url missing');
  const run: RunRecord = {
    runId: reqId(wr, 'id', 'workflow_run.id'),
    runAttempt: optId(wr, 'run_attempt', 'workflow_run.run_attempt') ?? 1,
    repo,
    workflowPath,
    workflowName,
    workflowId: resolveWorkflow(workflowPath, nonEmpty(workflowName)),
    runNumber: reqId(wr, 'run_number', 'workflow_run.run_number'),
    event: reqText(wr, 'event', 'workflow_run.event'),
    headBranch: optText(wr, 'head_branch', 'workflow_run.head_branch'),
    headSha: reqSha(wr, 'head_sha', 'workflow_run.head_sha'),
    status: reqStatus(wr, 'status', 'workflow_run.status'),
    conclusion: optConclusion(wr, 'conclusion', 'workflow_run.conclusion'),
    environment: null, // not in workflow_run payloads; see the header comment
    htmlUrl,
    runStartedAt,
    updatedAt,
    actor:
      loginOf(wr, 'actor', 'workflow_run.actor') ??
      loginOf(wr, 'triggering_actor', 'workflow_run.triggering_actor'),
  };
  // The run's title (its `run-name`): how a run dispatched in another repository names its release.
  const displayTitle = optText(wr, 'display_title', 'workflow_run.display_title');
  if (displayTitle !== null) run.displayTitle = displayTitle;
  return [{ kind: 'run', run }];
}
